/**
 * Every database-facing test runs against each store in STORES: SQLite always, PostgreSQL when
 * DATABASE_URL_PG is set. In CI (CI=true) PostgreSQL is required, never silently skipped.
 */
import { migrateToLatest } from '../../src/db/migrate.ts';
import { openStore, type Store } from '../../src/db/store.ts';

export interface StoreKind {
  name: 'sqlite' | 'postgres';
  open(): Promise<Store>;
}

const pgUrl = process.env.DATABASE_URL_PG;
if (process.env.CI === 'true' && !pgUrl) {
  throw new Error('CI requires DATABASE_URL_PG: the PostgreSQL suite must not be skipped');
}

export const STORES: StoreKind[] = [
  {
    name: 'sqlite',
    async open() {
      const s = openStore({ sqliteFile: ':memory:' });
      await migrateToLatest(s);
      return s;
    },
  },
  ...(pgUrl
    ? [
        {
          name: 'postgres' as const,
          async open() {
            const s = openStore({ databaseUrl: pgUrl, poolSize: 5 });
            await migrateToLatest(s);
            return s;
          },
        },
      ]
    : []),
];
