import fs from 'node:fs';
import { buildOpenApiDocument } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { VERSION } from './version.js';

describe('docs/openapi.json', () => {
  it('is the document the server generates (run "npm run openapi" after changing the protocol)', () => {
    const checkedIn = JSON.parse(fs.readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8')) as unknown;
    expect(checkedIn).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument({ version: VERSION }))));
  });
});
