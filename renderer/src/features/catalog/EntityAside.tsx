// The side column of an entity page: about, links, annotations, problems.
import type { CatalogEntityDetail, CatalogLinkCategory } from '../../../../common/api/catalog-schemas';
import { AttributeTable } from '../../ui/AttributeTable';
import { Chip } from '../../ui/Chip';
import { useCatalogEntity, useCatalogSources } from './hooks';
import { EntityLink, Facts, LifecycleChip, Section } from './parts';
import { relativeToSource } from './problems';
import { kindLabel, splitRef } from './refs';

const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : null);

const CATEGORY_LABEL: Record<CatalogLinkCategory, string> = {
  runbook: 'Runbook',
  oncall: 'On-call',
  dashboard: 'Dashboard',
  docs: 'Docs',
  source: 'Source',
  ci: 'CI',
  chat: 'Chat',
  other: 'Link',
};

function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'file:' ? 'local file' : u.host;
  } catch {
    return '';
  }
}

export function SourceLocation({ file, line }: { file: string; line: number }) {
  const sources = useCatalogSources();
  const rel = relativeToSource(
    file,
    (sources.data?.sources ?? []).map((s) => s.path),
  );
  return (
    <span className="mono small source-loc" title={`${file}:${line}`}>
      {rel}:{line}
    </span>
  );
}

/** The domain of an entity's system (a component is in a domain through its system). */
function SystemDomain({ systemRef }: { systemRef: string }) {
  const p = splitRef(systemRef);
  const system = useCatalogEntity(p.kind, p.namespace, p.name);
  const domain = system.data?.relations.find((r) => r.type === 'partOf' && r.targetRef.startsWith('domain:'));
  if (!domain) return <span className="faint">—</span>;
  return <EntityLink entityRef={domain.targetRef} title={domain.target.title} exists={domain.target.exists} />;
}

export function AboutSection({ detail, serviceName }: { detail: CatalogEntityDetail; serviceName?: string | null }) {
  const e = detail.entity;
  const rel = (type: string, prefix?: string) => detail.relations.find((r) => r.type === type && (!prefix || r.targetRef.startsWith(prefix)));
  const owner = rel('ownedBy');
  const system = rel('partOf', 'system:');
  const domain = rel('partOf', 'domain:');
  const parent = rel('childOf');
  const tags = Array.isArray(e.metadata.tags) ? (e.metadata.tags as unknown[]).filter((t): t is string => typeof t === 'string') : [];
  const profile = (e.spec.profile ?? {}) as Record<string, unknown>;
  const email = str(profile.email);
  const link = (r: ReturnType<typeof rel>) => (r ? <EntityLink entityRef={r.targetRef} title={r.target.title} exists={r.target.exists} /> : null);
  const kind = e.kind.toLowerCase();
  return (
    <Section title="About" testId="entity-about">
      {e.description ? <p className="cat-desc">{e.description}</p> : null}
      <Facts
        rows={[
          ['Kind', kindLabel(e.kind)],
          ['Type', str(e.spec.type)],
          ['Lifecycle', str(e.spec.lifecycle) ? <LifecycleChip lifecycle={str(e.spec.lifecycle)} /> : null],
          ['Owner', link(owner) ?? (['component', 'api', 'resource', 'system', 'domain'].includes(kind) ? <span className="text-warn">nobody</span> : null)],
          ['System', link(system)],
          ['Domain', link(domain) ?? (system && kind !== 'system' ? <SystemDomain systemRef={system.targetRef} /> : null)],
          ['Parent', link(parent)],
          ['Email', email ? <a href={`mailto:${email}`}>{email}</a> : null],
          ['Service', serviceName ? <span className="mono">{serviceName}</span> : null],
          [
            'Tags',
            tags.length ? (
              <span className="chips">
                {tags.map((t) => (
                  <Chip key={t}>{t}</Chip>
                ))}
              </span>
            ) : null,
          ],
          ['Namespace', e.namespace !== 'default' ? e.namespace : null],
          ['Declared in', <SourceLocation key="src" file={e.source.file} line={e.source.line} />],
        ]}
      />
    </Section>
  );
}

export function LinksSection({ detail }: { detail: CatalogEntityDetail }) {
  if (detail.links.length === 0) return null;
  return (
    <Section title="Links" count={detail.links.length} testId="entity-links">
      <ul className="cat-links">
        {detail.links.map((l) => (
          <li key={l.url} className={`cat-link cat-link-${l.category}`}>
            <span className={`link-cat link-cat-${l.category}`}>{CATEGORY_LABEL[l.category]}</span>
            <a href={l.url} target="_blank" rel="noreferrer noopener" title={`${l.url}\nfrom ${l.from}`}>
              {l.title}
              <span className="muted small link-host"> {hostOf(l.url)}</span>
            </a>
          </li>
        ))}
      </ul>
    </Section>
  );
}

export function AnnotationsSection({ detail }: { detail: CatalogEntityDetail }) {
  const annotations = (detail.entity.metadata.annotations ?? {}) as Record<string, unknown>;
  const labels = (detail.entity.metadata.labels ?? {}) as Record<string, unknown>;
  if (Object.keys(annotations).length + Object.keys(labels).length === 0) return null;
  return (
    <Section title="Annotations" count={Object.keys(annotations).length} testId="entity-annotations">
      <AttributeTable attributes={annotations} empty="No annotations" />
      {Object.keys(labels).length ? (
        <>
          <h3 className="cat-subhead">Labels</h3>
          <AttributeTable attributes={labels} />
        </>
      ) : null}
    </Section>
  );
}

export function EntityProblemsSection({ detail }: { detail: CatalogEntityDetail }) {
  if (detail.problems.length === 0) return null;
  return (
    <Section title="Problems" count={detail.problems.length} className="cat-problems-section">
      <ul className="cat-problem-list">
        {detail.problems.map((p, i) => (
          <li key={i}>
            <span className={`sev-pill sev-pill-${p.severity}`}>{p.severity}</span> {p.message}
            <div className="muted small">
              <span className="mono">{p.rule}</span> · <SourceLocation file={p.file} line={p.line} />
            </div>
          </li>
        ))}
      </ul>
    </Section>
  );
}
