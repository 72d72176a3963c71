// Where the catalog is read from, reachable from every catalog page.
import { Link } from 'react-router-dom';
import { useCatalogErrors, useCatalogFacets } from './hooks';
import { CatalogTabs, useRangeSuffix } from './parts';
import { SourcesPanel } from './SourcesPanel';
import './catalog.css';

export function SourcesPage() {
  const facets = useCatalogFacets({});
  const errors = useCatalogErrors();
  const suffix = useRangeSuffix();
  return (
    <div className="page-pad cat-page">
      <div className="cat-head">
        <div>
          <h1>Catalog sources</h1>
          <div className="page-sub">
            <span>Folders and files holding Backstage descriptors</span>
          </div>
        </div>
        <CatalogTabs />
      </div>
      <div className="cat-section sources-section">
        <div className="cat-section-body">
          {facets.data ? (
            <div className="sources-summary" data-testid="sources-summary">
              <span>
                <Link to={`/catalog${suffix}`}>
                  <b>{facets.data.total}</b> entities
                </Link>{' '}
                loaded
              </span>
              {errors.data?.length ? (
                <Link to={`/catalog/problems${suffix}`}>
                  <b>{errors.data.length}</b> {errors.data.length === 1 ? 'problem' : 'problems'} in the files
                </Link>
              ) : (
                <span>no problem in the files</span>
              )}
            </div>
          ) : null}
          <SourcesPanel />
          <p className="muted small">
            Paths given with <span className="mono">loupe serve --catalog &lt;dir&gt;</span> are listed as <i>command line</i>; change them where Loupe is
            started.
          </p>
        </div>
      </div>
    </div>
  );
}
