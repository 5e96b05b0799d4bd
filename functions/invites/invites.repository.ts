import { sql, type Selectable } from 'kysely';
import { writeWithAudit, type AuditFor } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import type { InviteStatus, InvitesTable } from '../core/database.ts';
import { asTimestamptz, asUuid, dbNow, instantText, keysetAfter } from '../core/sql.ts';

export type InviteRow = Selectable<InvitesTable>;

export async function insertInvite(
  db: Db,
  values: { accountId: string; patientId: string; email: string | null; firstName: string; lastName: string; providerId: string | null; tokenHash: string; expiresAt: Date; sent: boolean },
): Promise<InviteRow> {
  return db
    .insertInto('invites')
    .values({
      account_id: asUuid(values.accountId),
      patient_id: asUuid(values.patientId),
      email: values.email,
      first_name: values.firstName,
      last_name: values.lastName,
      provider_id: values.providerId ? asUuid(values.providerId) : null,
      token_hash: values.tokenHash,
      expires_at: asTimestamptz(values.expiresAt),
      last_sent_at: values.sent ? dbNow() : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findInvite(db: Db, id: string, accountId: string | null): Promise<InviteRow | undefined> {
  let query = db.selectFrom('invites').selectAll().where('id', '=', asUuid(id));
  if (accountId) query = query.where('account_id', '=', asUuid(accountId));
  return query.executeTakeFirst();
}

/** A usable invite by token hash: pending and not past its expiry. Everything else is "not found". */
export async function findUsableInviteByHash(db: Db, tokenHash: string) {
  return db
    .selectFrom('invites')
    .innerJoin('accounts', 'accounts.id', 'invites.account_id')
    .selectAll('invites')
    .select(['accounts.name as account_name', 'accounts.status as account_status'])
    .where((eb) => eb.or([eb('invites.token_hash', '=', tokenHash), eb('invites.reminder_token_hash', '=', tokenHash)]))
    .where('invites.status', '=', 'pending')
    .where('invites.expires_at', '>', dbNow())
    .where('accounts.status', '=', 'active')
    .executeTakeFirst();
}

export async function findPendingInviteForPatient(db: Db, patientId: string): Promise<InviteRow | undefined> {
  return db
    .selectFrom('invites')
    .selectAll()
    .where('patient_id', '=', asUuid(patientId))
    .where('status', '=', 'pending')
    .where('expires_at', '>', dbNow())
    .executeTakeFirst();
}

export async function listInvites(
  db: Db,
  filter: { accountId: string | null; status?: InviteStatus; patientId?: string; after?: [string, string]; limit: number },
): Promise<(InviteRow & { cursor_created_at: string })[]> {
  let query = db.selectFrom('invites').selectAll().select(instantText('created_at').as('cursor_created_at'));
  if (filter.accountId) query = query.where('account_id', '=', asUuid(filter.accountId));
  if (filter.patientId) query = query.where('patient_id', '=', asUuid(filter.patientId));
  if (filter.status === 'expired') {
    query = query.where((eb) => eb.or([eb('status', '=', 'expired'), eb.and([eb('status', '=', 'pending'), eb('expires_at', '<=', dbNow())])]));
  } else if (filter.status === 'pending') {
    query = query.where('status', '=', 'pending').where('expires_at', '>', dbNow());
  } else if (filter.status) {
    query = query.where('status', '=', filter.status);
  }
  if (filter.after) query = query.where(keysetAfter(['created_at', 'id'], filter.after, 'desc', 'instant'));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit + 1).execute();
}

export async function renewInvite(db: Db, id: string, values: { tokenHash: string; expiresAt: Date; sent: boolean }): Promise<InviteRow> {
  return db
    .updateTable('invites')
    .set((eb) => ({
      token_hash: values.tokenHash,
      expires_at: asTimestamptz(values.expiresAt),
      status: 'pending',
      lifecycle_version: eb('lifecycle_version', '+', 1),
      reminder_sent_at: null,
      reminder_token_hash: null,
      ...(values.sent ? { last_sent_at: dbNow() } : {}),
    }))
    .where('id', '=', asUuid(id))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Revokes an invite and writes its audit row in one statement; undefined (and no audit row) when none matched. */
export async function revokeInvite(db: Db, id: string, audit: AuditFor): Promise<InviteRow | undefined> {
  const update = db
    .updateTable('invites')
    .set((eb) => ({ status: 'revoked', revoked_at: dbNow(), lifecycle_version: eb('lifecycle_version', '+', 1) }))
    .where('id', '=', asUuid(id))
    .returningAll();
  return writeWithAudit(db, update, audit);
}

export async function markInviteCompleted(db: Db, id: string): Promise<void> {
  await db
    .updateTable('invites')
    .set({ status: 'completed', completed_at: dbNow() })
    .where('id', '=', asUuid(id))
    .where('status', '=', 'pending')
    .execute();
}

/**
 * Lifecycle steps act only on the version they were started for: a resend or revoke bumps the version,
 * so an old execution's conditional update matches no row. Time guards make early wake-ups harmless.
 */
export async function claimReminder(db: Db, id: string, version: number, reminderTokenHash: string, leadHours: number) {
  return db
    .updateTable('invites')
    .set({ reminder_sent_at: dbNow(), reminder_token_hash: reminderTokenHash })
    .where('id', '=', asUuid(id))
    .where('lifecycle_version', '=', version)
    .where('status', '=', 'pending')
    .where('reminder_sent_at', 'is', null)
    .where('expires_at', '>', dbNow())
    .where(sql<boolean>`expires_at - make_interval(hours => cast(${leadHours} as integer)) <= now()`)
    .returningAll()
    .executeTakeFirst();
}

export async function expireIfDue(db: Db, id: string, version: number) {
  return db
    .updateTable('invites')
    .set({ status: 'expired' })
    .where('id', '=', asUuid(id))
    .where('lifecycle_version', '=', version)
    .where('status', '=', 'pending')
    .where('expires_at', '<=', dbNow())
    .returningAll()
    .executeTakeFirst();
}

export async function isCurrentVersion(db: Db, id: string, version: number): Promise<boolean> {
  const row = await db.selectFrom('invites').select('id').where('id', '=', asUuid(id)).where('lifecycle_version', '=', version).executeTakeFirst();
  return row !== undefined;
}

export async function pendingInvitesDashboard(db: Db, filter: { accountId: string | null; after?: [string, string]; limit: number }) {
  let query = db
    .selectFrom('invites as i')
    .leftJoin('users as u', 'u.id', 'i.provider_id')
    .select(['i.id', 'i.email', 'i.first_name', 'i.last_name', 'i.created_at', 'i.expires_at', 'i.patient_id', 'i.account_id', 'u.first_name as provider_first_name', 'u.last_name as provider_last_name'])
    .select(instantText('i.created_at').as('cursor_created_at'))
    .where('i.status', '=', 'pending')
    .where('i.expires_at', '>', dbNow());
  if (filter.accountId) query = query.where('i.account_id', '=', asUuid(filter.accountId));
  if (filter.after) query = query.where(keysetAfter(['i.created_at', 'i.id'], filter.after, 'desc', 'instant'));
  return query.orderBy('i.created_at', 'desc').orderBy('i.id', 'desc').limit(filter.limit + 1).execute();
}

export async function accountName(db: Db, accountId: string): Promise<string> {
  const row = await db.selectFrom('accounts').select(sql<string>`coalesce(settings->>'displayName', name)`.as('name')).where('id', '=', asUuid(accountId)).executeTakeFirstOrThrow();
  return row.name;
}
