// What an API page adds: the components that provide and consume it, and its definition.
import { useState } from 'react';
import type { CatalogEntityDetail } from '../../../../common/api/catalog-schemas';
import { EntityLink, Section } from './parts';
import { refName } from './refs';

export function ApiConsumersSection({ detail }: { detail: CatalogEntityDetail }) {
  const providers = detail.relations.filter((r) => r.type === 'apiProvidedBy');
  const consumers = detail.relations.filter((r) => r.type === 'apiConsumedBy');
  return (
    <Section title="Provided and consumed by" count={providers.length + consumers.length} testId="api-users">
      <div className="api-cols">
        {[
          ['Provided by', providers],
          ['Consumed by', consumers],
        ].map(([label, list]) => (
          <div key={label as string}>
            <h3 className="cat-subhead">{label as string}</h3>
            {(list as typeof providers).length ? (
              <ul className="rel-list">
                {(list as typeof providers).map((r) => (
                  <li key={r.targetRef}>
                    <EntityLink entityRef={r.targetRef} title={r.target.title ?? refName(r.targetRef)} exists={r.target.exists} icon />
                  </li>
                ))}
              </ul>
            ) : (
              <div className="faint small">none</div>
            )}
          </div>
        ))}
      </div>
    </Section>
  );
}

export function ApiDefinitionSection({ detail }: { detail: CatalogEntityDetail }) {
  const [open, setOpen] = useState(false);
  const def = detail.entity.spec.definition;
  if (typeof def !== 'string' || def.trim() === '') return null;
  const lines = def.split('\n').length;
  return (
    <Section
      title="Definition"
      actions={
        lines > 16 ? (
          <button type="button" className="linklike small" onClick={() => setOpen((o) => !o)}>
            {open ? 'Collapse' : `Show all ${lines} lines`}
          </button>
        ) : null
      }
    >
      <pre className={`codeblock api-def${open ? ' api-def-open' : ''}`}>{def}</pre>
    </Section>
  );
}
