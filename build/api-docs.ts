// Generates docs/api.md from the API contract (common/api/contract.ts): the reference is
// derived, never written by hand. `npm run docs` rewrites it; a test fails when it is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { api, EVENTS_PATH } from '../common/api/contract';

function schemaText(schema: z.ZodType, io: 'input' | 'output'): string {
  try {
    return JSON.stringify(z.toJSONSchema(schema, { io, unrepresentable: 'any' }), null, 2);
  } catch (e) {
    return `(schema not representable: ${(e as Error).message})`;
  }
}

export function renderApiDocs(): string {
  const out: string[] = [
    '# Loupe HTTP API',
    '',
    'Generated from `common/api/contract.ts` by `npm run docs`; do not edit by hand.',
    '',
    'Every request needs the session token: `Authorization: Bearer <token>` (the token is in',
    '`<data-dir>/server.json`), or the `loupe_session` cookie the UI gets when it is opened through its',
    'tokened URL. The `Host` (and `Origin`, when sent) must name the server. Times (`from`, `to`) are',
    'unix milliseconds or ISO-8601. Errors are `{"error":{"code","message"}}` with a 4xx/5xx status.',
    '',
    `Live updates: \`GET ${EVENTS_PATH}\` is a Server-Sent Events stream (\`ingest\` events say what was`,
    'stored and which tables changed; `alert` events announce SLO alerts that started firing).',
    '',
    '| method | path | summary |',
    '|---|---|---|',
  ];
  for (const [name, e] of Object.entries(api)) out.push(`| ${e.method} | \`${e.path}\` | ${e.summary} (\`${name}\`) |`);
  for (const [name, e] of Object.entries(api)) {
    out.push('', `## ${e.method} ${e.path}`, '', e.summary, '', `Client name: \`${name}\`${e.raw ? ' · the request body is the uploaded file' : ''}.`, '');
    out.push('<details><summary>Input</summary>', '', '```json', schemaText(e.input, 'input'), '```', '', '</details>', '');
    out.push('<details><summary>Output</summary>', '', '```json', schemaText(e.output, 'output'), '```', '', '</details>');
  }
  return out.join('\n') + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = new URL('../docs/api.md', import.meta.url);
  writeFileSync(process.argv[2] ?? fileURLToPath(target), renderApiDocs());
}
