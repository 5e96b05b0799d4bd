import { Kysely } from 'kysely';
import { resolve } from 'node:path';
import type { Database } from '../core/database.ts';
import { postgresDialect, type Db } from '../core/db.ts';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres.ts';

export const DEFAULT_DATA_DIR = '.genascope';
const LOCAL_DB_NAME = 'genascope';

export function dataDir(): string {
  return resolve(process.env.GENASCOPE_DATA_DIR ?? DEFAULT_DATA_DIR);
}

/** The local database: `DATABASE_URL` if set, else an embedded PostgreSQL kept under the data folder. */
export async function openLocalDatabase(
  options: { port?: number } = {},
): Promise<{ db: Db; url: string; postgres?: RunningPostgres }> {
  const url = process.env.DATABASE_URL;
  if (url) return { db: new Kysely<Database>({ dialect: await postgresDialect(url) }), url };
  const postgres = await startEmbeddedPostgres({ dataDir: dataDir(), port: options.port ?? 54329, persistent: true });
  await postgres.createDatabase(LOCAL_DB_NAME);
  const localUrl = postgres.urlFor(LOCAL_DB_NAME);
  return { db: new Kysely<Database>({ dialect: await postgresDialect(localUrl) }), url: localUrl, postgres };
}
