// Where the catalog is read from, reachable from every catalog page.
import { CatalogTabs } from './parts';
import { SourcesPanel } from './SourcesPanel';
import './catalog.css';

export function SourcesPage() {
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
