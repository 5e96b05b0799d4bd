import { Kysely, PostgresDialect, type Dialect } from 'kysely';
import { DataApiDialect } from 'kysely-data-api';
import { RDSData } from '@aws-sdk/client-rds-data';
import type { Database } from './database.ts';
import { dataApiConfig, databaseUrl } from './config.ts';

export type Db = Kysely<Database>;

let current: Db | undefined;

/** Data API dialect for AWS (no VPC, no pool); `client` is injectable so tests can use the emulator. */
export function dataApiDialect(config: {
  resourceArn: string;
  secretArn: string;
  database: string;
  client?: RDSData;
}): Dialect {
  return new DataApiDialect({
    mode: 'postgres',
    driver: {
      client: config.client ?? new RDSData({}),
      resourceArn: config.resourceArn,
      secretArn: config.secretArn,
      database: config.database,
    },
  });
}

/** node-postgres dialect for local mode and tests. int8 is parsed as a number, as the Data API returns it. */
export async function postgresDialect(connectionString: string): Promise<Dialect> {
  const pg = (await import('pg')).default;
  pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number.parseInt(value, 10));
  // Calendar dates stay `YYYY-MM-DD` text: a Date at local midnight would shift with the process time zone.
  pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);
  const pool = new pg.Pool({ connectionString, max: 10 });
  // An idle client dropped by the server (restart, admin termination) must not crash the process;
  // the pool replaces it on the next checkout.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    void client.query("SET TIME ZONE 'UTC'");
  });
  return new PostgresDialect({ pool });
}

/** The process-wide database handle: Data API when the cluster/secret ARNs are configured, pg otherwise. */
export async function getDb(): Promise<Db> {
  if (current) return current;
  const dataApi = dataApiConfig();
  if (dataApi) {
    current = new Kysely<Database>({ dialect: dataApiDialect(dataApi) });
    return current;
  }
  const url = databaseUrl();
  if (!url) throw new Error('No database configured: set DB_CLUSTER_ARN and DB_SECRET_ARN, or DATABASE_URL');
  current = new Kysely<Database>({ dialect: await postgresDialect(url) });
  return current;
}

/** Local server and tests hand in the database they created. */
export function useDb(db: Db): void {
  current = db;
}
