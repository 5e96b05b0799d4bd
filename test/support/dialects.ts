import { Kysely } from 'kysely';
import { dataApiDialect, postgresDialect, type Db } from '../../functions/core/db.ts';
import type { Database } from '../../functions/core/database.ts';
import { DataApiEmulator } from './data-api-emulator.ts';

/** How a test talks to its database: node-postgres directly, or kysely-data-api through the Data API emulator. */
export type DialectKind = 'pg' | 'data-api';

export const DIALECTS: DialectKind[] = ['pg', 'data-api'];

export const EMULATOR_RESOURCE_ARN = 'arn:aws:rds:us-east-1:000000000000:cluster:emulator';
export const EMULATOR_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:emulator';

/** A Kysely handle on the database at `url` through the given dialect; `destroy()` closes its connections. */
export async function kyselyFor(kind: DialectKind, url: string): Promise<{ db: Db; destroy(): Promise<void> }> {
  if (kind === 'pg') {
    const db = new Kysely<Database>({ dialect: await postgresDialect(url) });
    return { db, destroy: () => db.destroy() };
  }
  const emulator = new DataApiEmulator(url);
  const db = new Kysely<Database>({
    dialect: dataApiDialect({
      resourceArn: EMULATOR_RESOURCE_ARN,
      secretArn: EMULATOR_SECRET_ARN,
      database: decodeURIComponent(new URL(url).pathname.slice(1)),
      client: emulator.asClient(),
    }),
  });
  return {
    db,
    async destroy() {
      await db.destroy();
      await emulator.destroy();
    },
  };
}
