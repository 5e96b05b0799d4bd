import type { StaffActor } from '../core/auth/actor.ts';
import { tenantScope } from '../core/auth/actor.ts';
import type { AuditContext } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import { sqlState, UNIQUE_VIOLATION } from '../core/db-errors.ts';
import { conflict, forbidden, notFound, unprocessable } from '../core/errors.ts';
import { decodeCursor, toPage } from '../core/pagination.ts';
import { isoInstant } from '../core/sql.ts';
import { identityProvider } from './identity-provider.ts';
import * as repo from './users.repository.ts';
import type { CreateUserInput, ListUsersQuery, UpdateUserInput } from './users.schemas.ts';

export function toUserDto(row: repo.UserRow) {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    role: row.role,
    accountId: row.account_id,
    status: row.status,
    createdAt: isoInstant(row.created_at),
    updatedAt: isoInstant(row.updated_at),
    lastLogin: isoInstant(row.last_login),
  };
}

interface Context extends AuditContext {
  actor: StaffActor;
}

function userAudit(action: string, row: { id: string; account_id: string | null }) {
  return { action, resourceType: 'user', resourceId: row.id, accountId: row.account_id };
}

export async function listUsers(db: Db, actor: StaffActor, query: ListUsersQuery) {
  const accountId = tenantScope(actor) ?? query.accountId ?? null;
  const rows = await repo.listUsers(db, {
    accountId,
    roles: query.role ? [query.role] : undefined,
    status: query.status,
    after: decodeCursor(query.cursor, 'text') as [string, string] | undefined,
    limit: query.limit,
  });
  return toPage(rows, query.limit, (r) => [r.email, r.id], toUserDto);
}

export async function listClinicians(
  db: Db,
  actor: StaffActor,
  query: { limit: number; cursor?: string; accountId?: string },
) {
  const rows = await repo.listUsers(db, {
    accountId: tenantScope(actor) ?? query.accountId ?? null,
    roles: ['clinician'],
    status: 'active',
    after: decodeCursor(query.cursor, 'text') as [string, string] | undefined,
    limit: query.limit,
  });
  return toPage(
    rows,
    query.limit,
    (r) => [r.email, r.id],
    (r) => ({ id: r.id, firstName: r.first_name, lastName: r.last_name, email: r.email }),
  );
}

export async function getUser(db: Db, actor: StaffActor, id: string) {
  const row = await repo.findUser(db, id, tenantScope(actor));
  if (!row) throw notFound('User');
  return toUserDto(row);
}

/** Which account a new user joins: an account_admin's own; a super_admin names it (none for super_admins). */
function targetAccount(actor: StaffActor, input: CreateUserInput): string | null {
  if (actor.role !== 'super_admin') {
    if (input.role === 'super_admin') throw forbidden('An account_admin may not create a super_admin');
    if (input.accountId && input.accountId !== actor.accountId)
      throw forbidden('An account_admin creates users only in its own account');
    return actor.accountId;
  }
  if (input.role === 'super_admin') {
    if (input.accountId)
      throw unprocessable('A super_admin belongs to no account', [
        { field: 'body.accountId', message: 'must be omitted for role super_admin' },
      ]);
    return null;
  }
  if (!input.accountId)
    throw unprocessable('accountId is required', [
      { field: 'body.accountId', message: 'Required when a super_admin creates a clinic user' },
    ]);
  return input.accountId;
}

/**
 * Locks the account row (two concurrent changes cannot both take the last seat) and, when the user will
 * hold a seat there that it did not hold before, enforces `maxUsers`.
 */
async function requireAccount(trx: Db, accountId: string, options: { takesSeat: boolean }): Promise<void> {
  const account = await repo.lockAccountForSeatCheck(trx, accountId);
  if (!account) throw unprocessable('Unknown account', [{ field: 'body.accountId', message: 'No such account' }]);
  if (options.takesSeat && account.max_users !== null && (await repo.countSeats(trx, accountId)) >= account.max_users) {
    throw conflict(`The account has reached its limit of ${account.max_users} users`);
  }
}

const emailTaken = () => conflict('A user with this e-mail already exists');
const seatsFull = (maxUsers: number | null) => conflict(`The account has reached its limit of ${maxUsers} users`);

export async function createUser(db: Db, context: Context, input: CreateUserInput) {
  const accountId = targetAccount(context.actor, input);
  if (!accountId) {
    if (await repo.findUserByEmail(db, input.email)) throw emailTaken();
    return createIdentityAndUser(db, context, input, null);
  }
  // The account row stays locked until commit, across the identity creation, so that concurrent creates
  // cannot both take the last seat.
  return db.transaction().execute(async (trx) => {
    const account = await repo.lockAccountForNewUser(trx, accountId, input.email);
    if (!account) throw unprocessable('Unknown account', [{ field: 'body.accountId', message: 'No such account' }]);
    if (account.max_users !== null && account.seats >= account.max_users) throw seatsFull(account.max_users);
    if (account.email_taken) throw emailTaken();
    return createIdentityAndUser(trx, context, input, { id: accountId, maxUsers: account.max_users });
  });
}

/** Creates the identity, then the user row; the identity is deleted again when the row cannot be written. */
async function createIdentityAndUser(
  db: Db,
  context: Context,
  input: CreateUserInput,
  account: { id: string; maxUsers: number | null } | null,
) {
  const identities = identityProvider();
  const accountId = account?.id ?? null;
  const { sub } = await identities.createUser({ email: input.email, role: input.role, accountId });
  try {
    const audit = {
      context,
      entry: { action: 'user.create', resourceType: 'user', accountId },
      resourceIdColumn: 'id',
    };
    const row = await repo.insertUser(db, { ...input, cognitoSub: sub, accountId }, audit);
    if (!row) throw seatsFull(account?.maxUsers ?? null);
    return toUserDto(row);
  } catch (error) {
    await identities.deleteUser({ email: input.email });
    if (sqlState(error) === UNIQUE_VIOLATION) throw emailTaken();
    throw error;
  }
}

export async function updateUser(db: Db, context: Context, id: string, input: UpdateUserInput) {
  const { actor } = context;
  const existing = await repo.findUser(db, id, tenantScope(actor));
  if (!existing) throw notFound('User');
  if (actor.role !== 'super_admin') {
    if (input.role === 'super_admin') throw forbidden('An account_admin may not grant super_admin');
    if (input.accountId && input.accountId !== existing.account_id)
      throw forbidden('An account_admin may not move users between accounts');
  }
  if (existing.id === actor.userId && (input.role || (input.status && input.status !== 'active'))) {
    throw conflict('You cannot change your own role or deactivate yourself');
  }
  const targetAccount = input.accountId ?? existing.account_id;
  const targetStatus = input.status ?? existing.status;
  const moves = input.accountId !== undefined && input.accountId !== existing.account_id;
  // A user takes a seat when it becomes non-inactive again or arrives in another account (maxUsers).
  const takesSeat = targetAccount !== null && targetStatus !== 'inactive' && (existing.status === 'inactive' || moves);
  const identities = identityProvider();
  const write = async (trx: Db) => {
    if (input.role && input.role !== existing.role)
      await identities.changeRole({ email: existing.email, from: existing.role, to: input.role });
    if (input.status && input.status !== existing.status)
      await identities.setEnabled({ email: existing.email, enabled: input.status === 'active' });
    const row = await repo.updateUser(trx, id, input, {
      context,
      entry: userAudit('user.update', { id, account_id: targetAccount }),
    });
    if (!row) throw notFound('User');
    return toUserDto(row);
  };
  // The seat check and the write that takes the seat share one transaction (the account row stays locked);
  // any other change is one statement (the update and its audit row together).
  if (targetAccount !== null && (moves || takesSeat)) {
    return db.transaction().execute(async (trx) => {
      await requireAccount(trx, targetAccount, { takesSeat });
      return write(trx);
    });
  }
  return write(db);
}

export async function deactivateUser(db: Db, context: Context, id: string) {
  return updateUser(db, context, id, { status: 'inactive' });
}
