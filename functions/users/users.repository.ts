import type { ExpressionBuilder, Selectable } from 'kysely';
import { writeWithAudit, type AuditFor } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import type { Database, UserRole, UserStatus, UsersTable } from '../core/database.ts';
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
  filter: {
    accountId: string | null;
    roles?: UserRole[];
    status?: UserStatus;
    after?: [string, string];
    limit: number;
  },
): Promise<UserRow[]> {
  let query = db.selectFrom('users').selectAll();
  if (filter.accountId) query = query.where('account_id', '=', asUuid(filter.accountId));
  if (filter.roles?.length) query = query.where('role', 'in', filter.roles);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.after) query = query.where(keysetAfter(['email', 'id'], filter.after, 'asc', 'text'));
  return query
    .orderBy('email')
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}

/** The seats an account's users hold: everyone not deactivated. */
const seatsOf = (eb: ExpressionBuilder<Database, 'accounts'>) =>
  eb
    .selectFrom('users')
    .select((inner) => inner.fn.countAll<number>().as('n'))
    .whereRef('users.account_id', '=', 'accounts.id')
    .where('users.status', '!=', 'inactive');

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

/**
 * Locks the row of the account a new user joins (concurrent seat changes queue on it until commit) and reads
 * what decides whether the user may be created. The seat count comes from this statement's snapshot, which may
 * predate the lock: `insertUser` counts again.
 */
export async function lockAccountForNewUser(
  db: Db,
  accountId: string,
  email: string,
): Promise<{ max_users: number | null; seats: number; email_taken: boolean } | undefined> {
  const row = await db
    .selectFrom('accounts')
    .select((eb) => [
      'max_users',
      seatsOf(eb).as('seats'),
      eb.exists(eb.selectFrom('users').select('users.id').where('users.email', '=', email)).as('email_taken'),
    ])
    .where('id', '=', asUuid(accountId))
    .forUpdate()
    .executeTakeFirst();
  return row && { max_users: row.max_users, seats: Number(row.seats), email_taken: Boolean(row.email_taken) };
}

/**
 * Inserts a user and its audit row in one statement. A user of an account is inserted only while the account
 * has a free seat, counted by this statement (so after `lockAccountForNewUser` took the lock): undefined when
 * it has none.
 */
export async function insertUser(
  db: Db,
  values: {
    email: string;
    cognitoSub: string;
    firstName: string;
    lastName: string;
    role: UserRole;
    accountId: string | null;
  },
  audit: AuditFor,
): Promise<UserRow | undefined> {
  const row = {
    email: values.email,
    cognito_sub: values.cognitoSub,
    first_name: values.firstName,
    last_name: values.lastName,
    role: values.role,
    status: 'active' as const,
  };
  const accountId = values.accountId;
  if (!accountId)
    return writeWithAudit(
      db,
      db
        .insertInto('users')
        .values({ ...row, account_id: null })
        .returningAll(),
      audit,
    );
  const columns = Object.keys(row) as (keyof typeof row)[];
  const withinSeats = db
    .selectFrom('accounts')
    .select((eb) => [...columns.map((column) => eb.val(row[column]).as(column)), 'accounts.id'])
    .where('accounts.id', '=', asUuid(accountId))
    .where((eb) => eb.or([eb('accounts.max_users', 'is', null), eb(seatsOf(eb), '<', eb.ref('accounts.max_users'))]));
  const insert = db
    .insertInto('users')
    .columns([...columns, 'account_id'])
    .expression(withinSeats)
    .returningAll();
  return writeWithAudit(db, insert, audit);
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

export async function lockAccountForSeatCheck(
  db: Db,
  accountId: string,
): Promise<{ max_users: number | null; status: string } | undefined> {
  return db
    .selectFrom('accounts')
    .select(['max_users', 'status'])
    .where('id', '=', asUuid(accountId))
    .forUpdate()
    .executeTakeFirst();
}
