import type { TestProject } from 'vitest/node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely } from 'kysely';
import { startEmbeddedPostgres, type RunningPostgres } from '../functions/local/embedded-postgres.ts';
import { postgresDialect } from '../functions/core/db.ts';
import { migrateToLatest } from '../functions/core/migrate.ts';
import { syncReferenceData } from '../functions/reference-data.ts';
import type { Database } from '../functions/core/database.ts';

export const TEMPLATE_DB = 'genascope_template';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

/**
 * One real PostgreSQL per test run (embedded, or the server of DATABASE_URL), with a migrated template
 * database from which each test file clones its own database.
 */
export default async function setup(project: TestProject) {
  let pg: RunningPostgres | undefined;
  let dir: string | undefined;
  let adminUrl: string;
  let urlFor: (db: string) => string;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
    urlFor = (db) => {
      const url = new URL(adminUrl);
      url.pathname = `/${db}`;
      return url.toString();
    };
  } else {
    dir = mkdtempSync(join(tmpdir(), 'genascope-test-pg-'));
    pg = await startEmbeddedPostgres({ dataDir: dir, persistent: false });
    adminUrl = pg.adminUrl;
    urlFor = pg.urlFor;
  }
  const admin = new (await import('pg')).default.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();
  const db = new Kysely<Database>({ dialect: await postgresDialect(urlFor(TEMPLATE_DB)) });
  await migrateToLatest(db);
  await syncReferenceData(db);
  await db.destroy();
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', TEMPLATE_DB);
  return async () => {
    await pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}
