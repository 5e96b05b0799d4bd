import { inject } from 'vitest';
import { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { postgresDialect, type Db } from '../../functions/core/db.ts';
import type { Database } from '../../functions/core/database.ts';

export interface TestDatabase {
  name: string;
  url: string;
  db: Db;
  destroy(): Promise<void>;
}

function urlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A fresh database for one test file: empty (`migrated: false`) or cloned from the migrated template. */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const template = inject('pgTemplate');
  const name = `t_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(
      options.migrated === false ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${template}`,
    );
  } finally {
    await admin.end();
  }
  const url = urlFor(adminUrl, name);
  const db = new Kysely<Database>({ dialect: await postgresDialect(url) });
  return {
    name,
    url,
    db,
    async destroy() {
      await db.destroy();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
