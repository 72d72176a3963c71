import type { ReactNode } from 'react';
import type { SortState } from './sort';

export function SortHeader<K extends string>({
  id,
  sort,
  onSort,
  children,
  align,
  firstDir = 'desc',
  className,
}: {
  id: K;
  sort: SortState<K>;
  onSort: (key: K, firstDir?: 'asc' | 'desc') => void;
  children: ReactNode;
  align?: 'right';
  firstDir?: 'asc' | 'desc';
  className?: string;
}) {
  const active = sort.key === id;
  return (
    <th
      scope="col"
      className={`${align === 'right' ? 'num ' : ''}${className ?? ''}`}
      aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <button type="button" className={`sort-btn${active ? ' sort-active' : ''}`} onClick={() => onSort(id, firstDir)}>
        {children}
        <span className="sort-arrow" aria-hidden>
          {active ? (sort.dir === 'asc' ? '▲' : '▼') : '▴'}
        </span>
      </button>
    </th>
  );
}
