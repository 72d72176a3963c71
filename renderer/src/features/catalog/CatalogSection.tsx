// The catalog's pages under /catalog.
import { Route, Routes } from 'react-router-dom';
import { CatalogListPage } from './CatalogListPage';
import { DriftPage } from './DriftPage';
import { EntityPage } from './EntityPage';
import { ProblemsPage } from './ProblemsPage';
import { SourcesPage } from './SourcesPage';

export function CatalogSection() {
  return (
    <Routes>
      <Route index element={<CatalogListPage />} />
      <Route path="drift" element={<DriftPage />} />
      <Route path="problems" element={<ProblemsPage />} />
      <Route path="sources" element={<SourcesPage />} />
      <Route path=":kind/:namespace/:name" element={<EntityPage />} />
      <Route path=":kind/:namespace/:name/graph" element={<EntityPage tab="graph" />} />
    </Routes>
  );
}
