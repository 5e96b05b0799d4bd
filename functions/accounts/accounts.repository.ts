import type { Selectable } from 'kysely';
import type { Db } from '../core/db.ts';
import type { AccountStatus, AccountsTable } from '../core/database.ts';
import { asJson, asUuid, dbNow, keysetAfter } from '../core/sql.ts';

export type AccountRow = Selectable<AccountsTable>;

export async function findAccount(db: Db, id: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', asUuid(id)).executeTakeFirst();
}

export async function listAccounts(
  db: Db,
  filter: { onlyId: string | null; status?: AccountStatus; after?: [string, string]; limit: number },
): Promise<AccountRow[]> {
  let query = db.selectFrom('accounts').selectAll();
  if (filter.onlyId) query = query.where('id', '=', asUuid(filter.onlyId));
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.after) query = query.where(keysetAfter(['name', 'id'], filter.after, 'asc', 'text'));
  return query
    .orderBy('name')
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}

export async function insertAccount(
  db: Db,
  values: {
    name: string;
    status?: AccountStatus;
    subscriptionTier?: string | null;
    maxUsers?: number | null;
    settings?: Record<string, unknown>;
  },
): Promise<AccountRow> {
  return db
    .insertInto('accounts')
    .values({
      name: values.name,
      status: values.status ?? 'active',
      subscription_tier: values.subscriptionTier ?? null,
      max_users: values.maxUsers ?? null,
      settings: asJson(values.settings ?? {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateAccount(
  db: Db,
  id: string,
  changes: {
    name?: string;
    status?: AccountStatus;
    subscriptionTier?: string | null;
    maxUsers?: number | null;
    settings?: Record<string, unknown>;
  },
): Promise<AccountRow | undefined> {
  return db
    .updateTable('accounts')
    .set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      ...(changes.subscriptionTier !== undefined ? { subscription_tier: changes.subscriptionTier } : {}),
      ...(changes.maxUsers !== undefined ? { max_users: changes.maxUsers } : {}),
      ...(changes.settings !== undefined ? { settings: asJson(changes.settings) } : {}),
      updated_at: dbNow(),
    })
    .where('id', '=', asUuid(id))
    .returningAll()
    .executeTakeFirst();
}
