import type { StaffActor } from '../core/auth/actor.ts';
import type { Db } from '../core/db.ts';
import { forbidden, notFound } from '../core/errors.ts';
import { decodeCursor, toPage } from '../core/pagination.ts';
import { isoInstant } from '../core/sql.ts';
import type { AccountStatus } from '../core/database.ts';
import * as repo from './accounts.repository.ts';
import type { CreateAccountInput, UpdateAccountInput } from './accounts.schemas.ts';

export function toAccountDto(row: repo.AccountRow) {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    subscriptionTier: row.subscription_tier,
    maxUsers: row.max_users,
    settings: row.settings,
    createdAt: isoInstant(row.created_at),
    updatedAt: isoInstant(row.updated_at),
  };
}

/** account_admin sees only its own account; others' ids answer 404 like unknown ones. */
function visibleTo(actor: StaffActor, accountId: string): boolean {
  return actor.role === 'super_admin' || actor.accountId === accountId;
}

export async function listAccounts(
  db: Db,
  actor: StaffActor,
  query: { limit: number; cursor?: string; status?: AccountStatus },
) {
  const after = decodeCursor(query.cursor, 'text') as [string, string] | undefined;
  const rows = await repo.listAccounts(db, {
    onlyId: actor.role === 'super_admin' ? null : actor.accountId,
    status: query.status,
    after,
    limit: query.limit,
  });
  return toPage(rows, query.limit, (r) => [r.name, r.id], toAccountDto);
}

export async function getAccount(db: Db, actor: StaffActor, id: string) {
  const row = visibleTo(actor, id) ? await repo.findAccount(db, id) : undefined;
  if (!row) throw notFound('Account');
  return toAccountDto(row);
}

export async function createAccount(db: Db, input: CreateAccountInput) {
  return toAccountDto(await repo.insertAccount(db, input));
}

const ADMIN_EDITABLE = new Set(['name', 'settings']);

export async function updateAccount(db: Db, actor: StaffActor, id: string, input: UpdateAccountInput) {
  if (!visibleTo(actor, id)) throw notFound('Account');
  if (actor.role !== 'super_admin') {
    const refused = Object.keys(input).filter((key) => !ADMIN_EDITABLE.has(key));
    if (refused.length) throw forbidden(`An account_admin may not change: ${refused.join(', ')}`);
  }
  const row = await repo.updateAccount(db, id, input);
  if (!row) throw notFound('Account');
  return toAccountDto(row);
}
