// A text input with suggestions (operation names, attribute keys and values).
import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';

export interface Suggestion {
  value: string;
  hint?: string;
}

export function Combobox({
  value,
  onChange,
  onCommit,
  suggestions,
  placeholder,
  label,
  className,
  loading,
  searchBox,
  mono,
}: {
  value: string;
  onChange: (v: string) => void;
  /** Enter, picking a suggestion, or leaving the field. */
  onCommit?: (v: string) => void;
  suggestions: Suggestion[];
  placeholder?: string;
  label: string;
  className?: string;
  loading?: boolean;
  searchBox?: boolean;
  mono?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const listId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const shown = useMemo(() => {
    const q = value.toLowerCase();
    const list = q ? suggestions.filter((s) => s.value.toLowerCase().includes(q)) : suggestions;
    return list.slice(0, 50);
  }, [suggestions, value]);

  const pick = (v: string) => {
    onChange(v);
    onCommit?.(v);
    setOpen(false);
    setActive(-1);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(shown.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(-1, a - 1));
    } else if (e.key === 'Enter') {
      if (open && active >= 0 && shown[active]) {
        e.preventDefault();
        pick(shown[active].value);
      } else {
        setOpen(false);
        onCommit?.(value);
      }
    } else if (e.key === 'Escape' && open) {
      e.stopPropagation();
      setOpen(false);
    }
  };

  return (
    <div className={`combobox ${className ?? ''}`}>
      <input
        ref={inputRef}
        className={`input${mono ? ' mono' : ''}`}
        role="combobox"
        aria-label={label}
        aria-expanded={open && shown.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        placeholder={placeholder}
        value={value}
        spellCheck={false}
        autoComplete="off"
        data-search-box={searchBox ? '' : undefined}
        onChange={(e) => {
          onChange(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => {
          window.setTimeout(() => setOpen(false), 120);
          onCommit?.(value);
        }}
        onKeyDown={onKeyDown}
      />
      {open && (shown.length > 0 || loading) ? (
        <ul className="combobox-list" id={listId} role="listbox">
          {loading && shown.length === 0 ? <li className="combobox-empty">Loading…</li> : null}
          {shown.map((s, i) => (
            <li
              key={s.value}
              role="option"
              aria-selected={i === active}
              className={`combobox-option${i === active ? ' active' : ''}`}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(s.value);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <span className={`combobox-value${mono ? ' mono' : ''}`}>{s.value || '(empty)'}</span>
              {s.hint ? <span className="combobox-hint">{s.hint}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
