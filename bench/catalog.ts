// Catalog benchmark: writes a 10,000-entity Backstage catalog to a temp folder (a Location to the
// org files, one catalog-info.yaml per service with its component, API and sometimes a resource),
// then measures a cold load, a reload with nothing changed, and the list, search, facet, entity
// and graph queries. Targets: load < 2 s, list and search < 100 ms.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogApi } from '../common/api/catalog-schemas';
import { Catalog } from '../main/catalog/index';
import { percentile, round } from './stats';

export interface CatalogBenchOptions {
  /** Approximate number of entities to generate (default 10,000). */
  entities?: number;
  /** Timed runs per query kind (default 200). */
  runs?: number;
}


/** Writes a generated catalog of about `target` entities under `root`; returns how many it wrote. */
export function writeBenchCatalog(root: string, target: number): number {
  const groups = Math.max(5, Math.round(target / 100));
  const users = Math.max(5, Math.round(target / 11));
  const domains = Math.max(1, Math.round(target / 1000));
  const systems = Math.max(2, Math.round(target / 50));
  // Each service folder holds a component and its API, and every fifth a resource.
  const services = Math.max(1, Math.ceil((target - 1 - groups - users - domains - systems) / 2.2));
  const lifecycles = ['production', 'experimental', 'deprecated'];
  const types = ['service', 'website', 'library'];
  const languages = ['java', 'go', 'python', 'typescript', 'rust', 'c++'];

  const docs = (list: string[]) => list.join('---\n');
  mkdirSync(join(root, 'org'), { recursive: true });
  writeFileSync(
    join(root, 'catalog-info.yaml'),
    docs([
      `apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: org
spec:
  targets: [./org/groups.yaml, ./org/users.yaml, ./org/systems.yaml]
`,
    ]),
  );
  writeFileSync(
    join(root, 'org/groups.yaml'),
    docs(
      Array.from(
        { length: groups },
        (_, g) => `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-${g}
  description: Team number ${g}
spec:
  type: team
  profile:
    displayName: Team ${g}
    email: team-${g}@example.com
${g === 0 ? '' : '  parent: team-0\n'}  children: []
`,
      ),
    ),
  );
  writeFileSync(
    join(root, 'org/users.yaml'),
    docs(
      Array.from(
        { length: users },
        (_, u) => `apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: user-${u}
spec:
  profile:
    displayName: User ${u}
    email: user-${u}@example.com
  memberOf: [team-${u % groups}]
`,
      ),
    ),
  );
  writeFileSync(
    join(root, 'org/systems.yaml'),
    docs([
      ...Array.from(
        { length: domains },
        (_, d) => `apiVersion: backstage.io/v1alpha1
kind: Domain
metadata:
  name: domain-${d}
spec:
  owner: team-${d % groups}
`,
      ),
      ...Array.from(
        { length: systems },
        (_, s) => `apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: system-${s}
  title: System ${s}
spec:
  owner: team-${s % groups}
  domain: domain-${s % domains}
`,
      ),
    ]),
  );

  let written = 1 + groups + users + domains + systems;
  for (let i = 0; i < services; i++) {
    const dir = join(root, 'services', `svc-${i}`);
    mkdirSync(dir, { recursive: true });
    const owner = `team-${i % groups}`;
    const system = `system-${i % systems}`;
    const hasResource = i % 5 === 0;
    const depends = [`component:svc-${(i + 1) % services}`, ...(hasResource ? [`resource:svc-${i}-db`] : [])];
    const list = [
      `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: svc-${i}
  title: Service ${i}
  description: Handles ${languages[i % languages.length]} workloads for ${system}
  annotations:
    github.com/project-slug: acme/svc-${i}
    backstage.io/techdocs-ref: dir:.
    pagerduty.com/service-id: P${i}
  tags: [${languages[i % languages.length]}, tier-${i % 3}]
  links:
    - url: https://grafana.example.com/d/svc-${i}
      title: Dashboard
spec:
  type: ${types[i % types.length]}
  lifecycle: ${lifecycles[i % lifecycles.length]}
  owner: ${owner}
  system: ${system}
  providesApis: [svc-${i}-api]
  consumesApis: [svc-${(i + 7) % services}-api]
  dependsOn: [${depends.join(', ')}]
`,
      `apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: svc-${i}-api
  description: The API of service ${i}
spec:
  type: openapi
  lifecycle: ${lifecycles[i % lifecycles.length]}
  owner: ${owner}
  system: ${system}
  definition: |
    openapi: 3.0.0
    info:
      title: svc-${i}
      version: 1.0.0
`,
    ];
    if (hasResource) {
      list.push(`apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: svc-${i}-db
spec:
  type: database
  owner: ${owner}
  system: ${system}
`);
    }
    writeFileSync(join(dir, 'catalog-info.yaml'), docs(list));
    written += list.length;
  }
  return written;
}

export async function benchCatalog(options: CatalogBenchOptions = {}): Promise<Record<string, number>> {
  const target = options.entities ?? 10_000;
  const runs = options.runs ?? 200;
  const root = mkdtempSync(join(tmpdir(), 'loupe-bench-catalog-'));
  try {
    const written = writeBenchCatalog(root, target);

    const catalog = new Catalog({ sources: [root] });
    const coldStart = performance.now();
    const cpuStart = process.cpuUsage();
    const loaded = await catalog.load();
    const loadMs = performance.now() - coldStart;
    // CPU time (all threads, so it includes the collector's helpers) tells a slow load apart
    // from a busy machine.
    const cpu = process.cpuUsage(cpuStart);
    const loadCpuMs = (cpu.user + cpu.system) / 1000;
    const reloadStart = performance.now();
    await catalog.load();
    const reloadMs = performance.now() - reloadStart;

    const groups = new Set(catalog.snapshot.ordered.filter((e) => e.entity.kind === 'Group').map((e) => e.entity.name));
    const time = (fn: (i: number) => unknown) => {
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        fn(i);
        samples.push(performance.now() - started);
      }
      return samples.sort((a, b) => a - b);
    };
    const listQueries = [
      {},
      { kind: 'component' },
      { kind: 'api', lifecycle: 'production' },
      { owner: `team-${groups.size - 1}` },
      { system: 'system-3', kind: 'component' },
      { tag: 'go', type: 'service' },
    ];
    const searchQueries = ['svc-1234', 'python workloads', 'team-7', 'service 42', 'no such entity anywhere', 'openapi'];
    const list = time((i) => catalog.listEntities(catalogApi.catalogEntities.input.parse(listQueries[i % listQueries.length])));
    const search = time((i) => catalog.listEntities(catalogApi.catalogEntities.input.parse({ q: searchQueries[i % searchQueries.length] })));
    const facets = time((i) => catalog.facets(catalogApi.catalogFacets.input.parse(i % 2 ? {} : { kind: 'component' })));
    const entity = time((i) => catalog.getEntity({ kind: 'component', namespace: 'default', name: `svc-${i % 100}` }));
    const graph = time((i) => catalog.graph(catalogApi.catalogGraph.input.parse({ ref: `group:default/team-${i % groups.size}`, depth: 2 })));
    catalog.close();

    return {
      catalog_entities_written: written,
      catalog_entities_loaded: loaded.entities,
      catalog_problems: loaded.problems,
      catalog_files: loaded.files,
      catalog_load_ms: round(loadMs),
      catalog_load_cpu_ms: round(loadCpuMs),
      catalog_reload_unchanged_ms: round(reloadMs),
      catalog_list_p50_ms: round(percentile(list, 50)),
      catalog_list_p95_ms: round(percentile(list, 95)),
      catalog_search_p50_ms: round(percentile(search, 50)),
      catalog_search_p95_ms: round(percentile(search, 95)),
      catalog_facets_p95_ms: round(percentile(facets, 95)),
      catalog_entity_p95_ms: round(percentile(entity, 95)),
      catalog_graph_p95_ms: round(percentile(graph, 95)),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
