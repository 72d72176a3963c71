// Keeps the catalog benchmark runnable: a small generated catalog loads completely and cleanly.
import { describe, expect, it } from 'vitest';
import { benchCatalog } from '../../bench/catalog';

describe('benchCatalog', () => {
  it('loads every generated entity without a problem and reports every figure', async () => {
    const figures = await benchCatalog({ entities: 600, runs: 5 });
    expect(figures.catalog_entities_loaded).toBe(figures.catalog_entities_written);
    expect(figures.catalog_problems).toBe(0);
    expect(figures.catalog_entities_written).toBeGreaterThanOrEqual(600);
    for (const key of ['catalog_load_ms', 'catalog_list_p95_ms', 'catalog_search_p95_ms', 'catalog_facets_p95_ms', 'catalog_graph_p95_ms']) {
      expect(figures[key], key).toBeGreaterThanOrEqual(0);
    }
  });
});
