import { describe, it } from 'vitest';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { join } from 'node:path';
// @ts-expect-error plain JS module without types
import layering from './layering.js';

RuleTester.describe = describe;
RuleTester.it = it;
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' } });
const at = (rel: string) => join(process.cwd(), rel);

tester.run('layering', layering, {
  valid: [
    { code: "import { z } from 'zod'; import { toHex } from './ids';", filename: at('common/api/x.ts') },
    { code: "import { useQuery } from '@tanstack/react-query'; import { api } from '../../common/api/contract';", filename: at('renderer/src/api/x.ts') },
    { code: "import Database from 'better-sqlite3'; import { readFileSync } from 'node:fs'; import { api } from '../common/api/contract';", filename: at('main/x.ts') },
    { code: "import { app } from 'electron';", filename: at('main/electron/main.ts') },
    { code: "import { gzip } from 'node:zlib'; import type { Signal } from '../../common/model';", filename: at('collectors/otlp/x.ts') },
    { code: "import { IngestPipeline } from '../../main/ingest/pipeline';", filename: at('collectors/otlp/x.test.ts') },
    // main/'s layers: lower layers, and the same layer, may be imported
    { code: "import { migrate } from '../store/database'; import { VERSION } from '../config/paths';", filename: at('main/query/x.ts') },
    { code: "import { getTrace } from '../query/traces'; import { AlertEvaluator } from '../alerts/alert-evaluator';", filename: at('main/api/x.ts') },
    { code: "import { CatalogHost } from '../catalog/host'; import { SloFile } from '../slo/slo-file';", filename: at('main/snapshot/x.ts') },
    { code: "import { startCore } from '../core';", filename: at('main/cli/x.ts') },
    { code: "import { startCore } from '../core';", filename: at('main/api/x.test.ts') },
    // SQL where it lives, in tests and benchmarks, and text that is not SQL run by Loupe
    { code: "db.prepare('SELECT id FROM services WHERE name = ?').get(name);", filename: at('main/store/x.ts') },
    { code: "store.stmt(`SELECT minute FROM rollup_service_minute WHERE minute > ?`).all(m);", filename: at('main/query/x.ts') },
    { code: "db.prepare('INSERT INTO deploys (service) VALUES (?)').run('a');", filename: at('main/alerts/x.test.ts') },
    { code: "db.prepare('INSERT INTO spans (id) VALUES (?)').run(1);", filename: at('bench/x.ts') },
    { code: "await db.query({ operation: 'SELECT', text: 'SELECT sku, quantity FROM cart_items WHERE cart_id = $1' });", filename: at('main/demo/services/x.ts') },
    { code: "const m = /^Bearer (.+)$/.exec(header); const s = 'Update the settings from the file';", filename: at('main/api/x.ts') },
    { code: "import { definePlugin } from '../sdk';", filename: at('plugins/prometheus/x.ts') },
  ],
  invalid: [
    { code: "import { readFileSync } from 'node:fs';", filename: at('common/x.ts'), errors: 1 },
    { code: "import { startCore } from '../main/core';", filename: at('common/x.ts'), errors: 1 },
    { code: "import { ReadStore } from '../../../main/query/read-store';", filename: at('renderer/src/app/x.ts'), errors: 1 },
    { code: "import { readFileSync } from 'fs';", filename: at('renderer/src/app/x.ts'), errors: 1 },
    { code: "import Database from 'better-sqlite3';", filename: at('renderer/src/app/x.ts'), errors: 1 },
    { code: "import { app } from 'electron';", filename: at('main/core.ts'), errors: 1 },
    { code: "import { ipcRenderer } from 'electron';", filename: at('renderer/src/x.ts'), errors: 1 },
    { code: "import { startCore } from '../../main/core';", filename: at('collectors/otlp/x.ts'), errors: 1 },
    { code: "const m = await import('../../main/core');", filename: at('renderer/src/x.ts'), errors: 1 },
    { code: "import { app } from 'electron';", filename: at('main/store/x.test.ts'), errors: 1 },
    // a lower layer of main/ importing a higher one
    { code: "import { ReadStore } from '../query/read-store';", filename: at('main/store/x.ts'), errors: [{ message: /main\/query\/ is a higher layer/ }] },
    { code: "import { apiHandlers } from '../api/handlers';", filename: at('main/query/x.ts'), errors: 1 },
    { code: "import type { HandlerDeps } from '../api/handlers';", filename: at('main/alerts/x.ts'), errors: 1 },
    { code: "import { startCore } from '../core';", filename: at('main/api/x.ts'), errors: 1 },
    { code: "const m = await import('../cli/serve');", filename: at('main/demo/x.ts'), errors: 1 },
    { code: "import { migrate } from '../store/database';", filename: at('main/reports/x.ts'), errors: [{ message: /main\/reports\/ has no layer/ }] },
    // SQL outside main/store/ and main/query/
    { code: "store.stmt('SELECT * FROM alert_history WHERE resolved_ms IS NULL').all();", filename: at('main/alerts/x.ts'), errors: [{ message: /\.stmt\(…\)\) outside main\/store\/ and main\/query\// }] },
    { code: "const statement = db.prepare(sql);", filename: at('main/snapshot/x.ts'), errors: 1 },
    { code: "const n = store.pluck('SELECT count(*) FROM logs').get();", filename: at('main/api/x.ts'), errors: 1 },
    { code: "const sql = `DELETE FROM logs WHERE id < ${n}`;", filename: at('main/alerts/x.ts'), errors: [{ message: /^SQL outside/ }] },
    { code: "db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY)');", filename: at('main/canary/x.ts'), errors: 1 },
    { code: "const q = 'INSERT INTO spans (id) VALUES (?)';", filename: at('collectors/otlp/x.ts'), errors: 1 },
    { code: "function pragma() { return 'PRAGMA journal_mode'; }", filename: at('main/cli/x.ts'), errors: 1 },
    // plugins/ never reach the database or main/, whatever the path
    { code: "import Database from 'better-sqlite3';", filename: at('plugins/prometheus/x.ts'), errors: [{ message: /a plugin never gets the database/ }] },
    { code: "import { startCore } from 'loupe/main/core';", filename: at('plugins/prometheus/x.ts'), errors: 1 },
    { code: `import { openDatabase } from '${at('main/store/database')}';`, filename: at('plugins/prometheus/x.ts'), errors: 1 },
    { code: "import { ReadStore } from '../../main/query/read-store';", filename: at('plugins/sdk/x.ts'), errors: 1 },
  ],
});
