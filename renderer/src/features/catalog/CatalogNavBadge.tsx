// The number of errors in the descriptor files, next to "Catalog" in the navigation.
import { useCatalogErrors } from './hooks';
import './nav-badge.css';

export function CatalogNavBadge() {
  const errors = useCatalogErrors();
  const n = errors.data?.filter((p) => p.severity === 'error').length ?? 0;
  const rest = (errors.data?.length ?? 0) - n;
  if (n === 0) return null;
  const also = rest > 0 ? ` (and ${rest} ${rest === 1 ? 'warning' : 'warnings'}, listed with them under Catalog › Problems)` : '';
  return (
    <span className="nav-badge" title={`${n} ${n === 1 ? 'error' : 'errors'} in the catalog's descriptor files${also}`} data-testid="catalog-nav-badge">
      {n}
    </span>
  );
}
