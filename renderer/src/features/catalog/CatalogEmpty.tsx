// Shown while the catalog has no entity: what it is for, how to point Loupe at descriptors.
import { useState } from 'react';
import type { CatalogSources } from '../../../../common/api/catalog-schemas';
import { SourcesPanel } from './SourcesPanel';

const EXAMPLE = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout            # = service.name in your telemetry
  description: Turns a cart into an order
  annotations:
    pagerduty.com/service-id: PX1234
    loupe.dev/runbook: https://wiki.example.com/runbooks/checkout
spec:
  type: service
  lifecycle: production
  owner: team-shop
  system: shop
  dependsOn: [component:payment]`;

export function CatalogEmpty({ sources }: { sources: CatalogSources['sources'] }) {
  const [copied, setCopied] = useState(false);
  const missing = sources.filter((s) => !s.exists);
  return (
    <div className="cat-empty" data-testid="catalog-empty">
      <div className="cat-empty-text">
        <h2>{sources.length === 0 ? 'No catalog yet' : 'The catalog has no entity'}</h2>
        <p className="lead">
          Loupe reads your teams’ Backstage descriptors — <span className="mono">catalog-info.yaml</span> files next to the code — and shows who owns each
          running service, which services nobody owns, and where declared dependencies differ from the calls seen in traces.
        </p>
        {sources.length > 0 && missing.length === 0 ? (
          <p className="muted">No descriptor was found in the paths below. Check that they hold <span className="mono">catalog-info.yaml</span> files with a kind Loupe knows.</p>
        ) : null}
        <h3>Add the folder holding your repositories</h3>
        <SourcesPanel compact />
        <p className="muted small">
          or start Loupe with <span className="mono">loupe serve --catalog ~/src</span> (repeat <span className="mono">--catalog</span> for more folders).
        </p>
      </div>
      <div className="cat-empty-example">
        <div className="cat-empty-example-head">
          <span className="mono small">catalog-info.yaml</span>
          <button
            type="button"
            className="btn btn-small"
            onClick={() =>
              void navigator.clipboard?.writeText(EXAMPLE).then(() => {
                setCopied(true);
                window.setTimeout(() => setCopied(false), 1500);
              })
            }
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
        <pre className="codeblock">{EXAMPLE}</pre>
        <p className="muted small">
          Components match telemetry by <span className="mono">service.name</span> = <span className="mono">metadata.name</span>, or the{' '}
          <span className="mono">loupe.dev/service-name</span> annotation.
        </p>
      </div>
    </div>
  );
}
