import { expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { renderApiDocs } from './api-docs';

it('docs/api.md matches the API contract (run `npm run docs` after changing it)', () => {
  const current = readFileSync(new URL('../docs/api.md', import.meta.url), 'utf8');
  expect(current).toBe(renderApiDocs());
});
