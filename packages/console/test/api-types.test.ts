/** The console's API types are generated from the server: a route change without `npm run api:types -w @onegrid/console` fails here. */
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { generateApiTypes, SCHEMA_FILE } from '../scripts/openapi-types.ts';

it('src/api/schema.d.ts matches the server’s OpenAPI document', async () => {
  const fresh = await generateApiTypes();
  expect(fs.readFileSync(SCHEMA_FILE, 'utf8') === fresh, 'stale: run `npm run api:types -w @onegrid/console`').toBe(true);
}, 60_000);
