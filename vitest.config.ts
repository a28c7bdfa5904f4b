import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Every route's response is parsed with its documented zod schema (see route() in packages/server/src/platform/http.ts).
    env: { ONEGRID_CHECK_RESPONSES: '1' },
  },
});
