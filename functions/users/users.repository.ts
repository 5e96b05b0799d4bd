import type { Selectable } from 'kysely';
import { writeWithAudit, type AuditFor } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import type { UserRole, UserStatus, UsersTable } from '../core/database.ts';
import { asUuid, dbNow, keysetAfter } from '../core/sql.ts';

export type UserRow = Selectable<UsersTable>;

export async function findUser(db: Db, id: string, accountId: string | null): Promise<UserRow | undefined> {
  let query = db.selectFrom('users').selectAll().where('id', '=', asUuid(id));
  if (accountId) query = query.where('account_id', '=', asUuid(accountId));
  return query.executeTakeFirst();
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function listUsers(
  db: Db,
  filter: { accountId: string | null; roles?: UserRole[]; status?: UserStatus; after?: [string, string]; limit: number },
): Promise<UserRow[]> {
  let query = db.selectFrom('users').selectAll();
  if (filter.accountId) query = query.where('account_id', '=', asUuid(filter.accountId));
  if (filter.roles?.length) query = query.where('role', 'in', filter.roles);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.after) query = query.where(keysetAfter(['email', 'id'], filter.after, 'asc', 'text'));
  return query.orderBy('email').orderBy('id').limit(filter.limit + 1).execute();
}

/** Users that hold a seat: everyone not deactivated. */
export async function countSeats(db: Db, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', asUuid(accountId))
    .where('status', '!=', 'inactive')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertUser(
  db: Db,
  values: { email: string; cognitoSub: string; firstName: string; lastName: string; role: UserRole; accountId: string | null; status?: UserStatus },
): Promise<UserRow> {
  return db
    .insertInto('users')
    .values({
      email: values.email,
      cognito_sub: values.cognitoSub,
      first_name: values.firstName,
      last_name: values.lastName,
      role: values.role,
      account_id: values.accountId ? asUuid(values.accountId) : null,
      status: values.status ?? 'active',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Updates a user and writes its audit row in one statement; undefined (and no audit row) when none matched. */
export async function updateUser(
  db: Db,
  id: string,
  changes: { firstName?: string; lastName?: string; role?: UserRole; status?: UserStatus; accountId?: string },
  audit: AuditFor,
): Promise<UserRow | undefined> {
  const update = db
    .updateTable('users')
    .set({
      ...(changes.firstName !== undefined ? { first_name: changes.firstName } : {}),
      ...(changes.lastName !== undefined ? { last_name: changes.lastName } : {}),
      ...(changes.role !== undefined ? { role: changes.role } : {}),
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      ...(changes.accountId !== undefined ? { account_id: asUuid(changes.accountId) } : {}),
      updated_at: dbNow(),
    })
    .where('id', '=', asUuid(id))
    .returningAll();
  return writeWithAudit(db, update, audit);
}

export async function lockAccountForSeatCheck(db: Db, accountId: string): Promise<{ max_users: number | null; status: string } | undefined> {
  return db
    .selectFrom('accounts')
    .select(['max_users', 'status'])
    .where('id', '=', asUuid(accountId))
    .forUpdate()
    .executeTakeFirst();
}
