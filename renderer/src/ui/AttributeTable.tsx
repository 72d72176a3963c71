import { useState } from 'react';
import { attrText } from './format';

/** Key/value attributes, sorted by key; long values wrap; values can be copied. */
export function AttributeTable({ attributes, empty = 'None' }: { attributes: Record<string, unknown>; empty?: string }) {
  const entries = Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <div className="muted small">{empty}</div>;
  return (
    <table className="attr-table">
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th scope="row" title={k}>
              <KeyText text={k} />
            </th>
            <td>
              <AttrValue value={v} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A dotted key (semantic-convention names are long) that may break after each dot. */
function KeyText({ text }: { text: string }) {
  const parts = text.split('.');
  return (
    <>
      {parts.map((part, i) => (
        <span key={i}>
          {part}
          {i < parts.length - 1 ? (
            <>
              .<wbr />
            </>
          ) : null}
        </span>
      ))}
    </>
  );
}

function AttrValue({ value }: { value: unknown }) {
  const [copied, setCopied] = useState(false);
  const text = attrText(value);
  const kind = typeof value === 'number' || typeof value === 'boolean' ? 'attr-num' : typeof value === 'object' ? 'attr-json' : 'attr-str';
  return (
    <span className={`attr-value ${kind}`}>
      <span className="attr-text">{text}</span>
      <button
        type="button"
        className="copy-btn"
        title="Copy value"
        aria-label="Copy value"
        onClick={() => {
          void navigator.clipboard?.writeText(text).then(() => {
            setCopied(true);
            window.setTimeout(() => setCopied(false), 1200);
          });
        }}
      >
        {copied ? '✓' : '⧉'}
      </button>
    </span>
  );
}
