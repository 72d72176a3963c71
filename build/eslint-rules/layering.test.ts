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
  ],
});
