import { sql, type RawBuilder, type Selectable } from 'kysely';
import { auditInsertFor, writeWithAudit, type AuditFor } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import type { InviteStatus, InvitesTable } from '../core/database.ts';
import { asJson, asTimestamptz, asUuid, dbNow, instantText, keysetAfter } from '../core/sql.ts';

export type InviteRow = Selectable<InvitesTable>;
/** An invite with the name its clinic signs e-mails with. */
export type InviteWithClinic = InviteRow & { clinic_name: string };

/** The name a clinic signs e-mails with, for the account in `accountIdColumn`. */
const clinicName = (accountIdColumn: string): RawBuilder<string> =>
  sql<string>`(select coalesce(a.settings->>'displayName', a.name) from accounts a where a.id = ${sql.ref(accountIdColumn)})`;

/** One invite to create: for a patient by id, or for a new patient (who may turn out to be registered already). */
export interface InviteRequest {
  patientId: string | null;
  newPatient: {
    accountId: string;
    firstName: string;
    lastName: string;
    email: string;
    providerId: string | null;
    importKey: string | null;
  } | null;
  /** The provider asked for; otherwise the patient's provider. */
  providerId: string | null;
  /** The provider when neither is known. */
  defaultProviderId: string | null;
  sendEmail: boolean;
  tokenHash: string;
  expiresAt: Date;
}

/** What became of an `InviteRequest`: the invite, or the checks that refused it (in the order they apply). */
export interface InviteOutcome {
  /** False for an unknown (or another clinic's) patient id, or a new patient not created. */
  patient_found: boolean;
  /** A new patient's provider is an active clinician of the clinic (or none); when not, no patient is created. */
  new_provider_ok: boolean;
  archived: boolean;
  missing_email: boolean;
  /** The patient has a pending invite, or an earlier request of the same batch made one. */
  pending: boolean;
  provider_ok: boolean;
  invite: InviteWithClinic | null;
}

const activeClinician = (userId: RawBuilder<unknown>, accountId: RawBuilder<unknown>) =>
  sql<boolean>`exists (select 1 from users u where u.id = ${userId} and u.account_id = ${accountId} and u.role = 'clinician' and u.status = 'active')`;

/**
 * Creates invites, as many as requested, in one statement with their audit rows: new patients are created (or
 * found by identity key), each request is checked like a request of its own, and a batch naming one patient
 * twice invites them once, for the first request that passes. `accountId` scopes `patientId`s (null: any clinic).
 * Outcomes come in request order.
 */
export async function createInvites(
  db: Db,
  accountId: string | null,
  requests: InviteRequest[],
  audit: AuditFor,
): Promise<InviteOutcome[]> {
  const input = requests.map((r, idx) => ({
    idx,
    patient_id: r.patientId,
    account_id: r.newPatient?.accountId ?? null,
    first_name: r.newPatient?.firstName ?? null,
    last_name: r.newPatient?.lastName ?? null,
    email: r.newPatient?.email ?? null,
    import_key: r.newPatient?.importKey ?? null,
    new_provider_id: r.newPatient?.providerId ?? null,
    provider_id: r.providerId,
    default_provider_id: r.defaultProviderId,
    send_email: r.sendEmail,
    token_hash: r.tokenHash,
    expires_at: r.expiresAt.toISOString(),
  }));
  const tenant = accountId ? sql`and p.account_id = ${asUuid(accountId)}` : sql``;
  const { rows } = await sql<Omit<InviteOutcome, 'invite'> & Partial<InviteWithClinic>>`
    with input as (
      select * from jsonb_to_recordset(${asJson(input)}) as r(
        idx integer, patient_id uuid, account_id uuid, first_name text, last_name text, email text, import_key text,
        new_provider_id uuid, provider_id uuid, default_provider_id uuid, send_email boolean, token_hash text, expires_at timestamptz)
    ), new_patient as (
      select r.*, (r.new_provider_id is null or ${activeClinician(sql`r.new_provider_id`, sql`r.account_id`)}) as provider_ok
      from input r where r.patient_id is null
    ), inserted as (
      insert into patients (account_id, first_name, last_name, email, provider_id, import_key)
      select account_id, first_name, last_name, email, new_provider_id, import_key from new_patient where provider_ok order by idx
      on conflict (account_id, import_key) where import_key is not null do nothing
      returning *
    ), resolved as (
      select r.idx, p.* from input r join patients p on p.id = r.patient_id ${tenant}
      union all
      select r.idx, p.* from new_patient r join inserted p on p.account_id = r.account_id and p.import_key = r.import_key
      union all
      select r.idx, p.* from new_patient r join patients p on p.account_id = r.account_id and p.import_key = r.import_key
    ), checked as (
      select r.idx, p.id as patient_id, p.account_id, p.email, p.first_name, p.last_name,
        coalesce(r.provider_id, p.provider_id) as provider_id, r.default_provider_id, r.send_email, r.token_hash, r.expires_at,
        r.patient_id is not null and p.status = 'archived' as archived,
        r.send_email and p.email is null as missing_email,
        exists (select 1 from invites i where i.patient_id = p.id and i.status = 'pending' and i.expires_at > now()) as pending,
        coalesce(r.provider_id, p.provider_id) is null or ${activeClinician(sql`coalesce(r.provider_id, p.provider_id)`, sql`p.account_id`)} as provider_ok
      from input r join resolved p on p.idx = r.idx
    ), first_passing as (
      select distinct on (patient_id) * from checked
      where not archived and not missing_email and not pending and provider_ok
      order by patient_id, idx
    ), created as (
      insert into invites (account_id, patient_id, email, first_name, last_name, provider_id, token_hash, expires_at, last_sent_at)
      select account_id, patient_id, email, first_name, last_name, coalesce(provider_id, default_provider_id), token_hash, expires_at,
        case when send_email then now() end
      from first_passing
      returning *
    ), audited as (
      ${auditInsertFor('created', { ...audit, resourceIdColumn: 'id', patientIdColumn: 'patient_id', accountIdColumn: 'account_id' })}
      returning id
    )
    select i.*, ${clinicName('i.account_id')} as clinic_name,
      c.idx is not null as patient_found,
      coalesce(n.provider_ok, true) as new_provider_ok,
      coalesce(c.archived, false) as archived,
      coalesce(c.missing_email, false) as missing_email,
      coalesce(c.pending or exists (select 1 from first_passing f where f.patient_id = c.patient_id and f.idx < c.idx), false) as pending,
      coalesce(c.provider_ok, false) as provider_ok
    from input r
    left join checked c on c.idx = r.idx
    left join new_patient n on n.idx = r.idx
    left join created i on i.token_hash = r.token_hash
    order by r.idx
  `.execute(db);
  return rows.map(({ patient_found, new_provider_ok, archived, missing_email, pending, provider_ok, ...invite }) => ({
    patient_found,
    new_provider_ok,
    archived,
    missing_email,
    pending,
    provider_ok,
    invite: invite.id ? (invite as InviteWithClinic) : null,
  }));
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
    .select(sql<string>`coalesce(accounts.settings->>'displayName', accounts.name)`.as('clinic_name'))
    .where((eb) => eb.or([eb('invites.token_hash', '=', tokenHash), eb('invites.reminder_token_hash', '=', tokenHash)]))
    .where('invites.status', '=', 'pending')
    .where('invites.expires_at', '>', dbNow())
    .where('accounts.status', '=', 'active')
    .executeTakeFirst();
}

export async function listInvites(
  db: Db,
  filter: {
    accountId: string | null;
    status?: InviteStatus;
    patientId?: string;
    after?: [string, string];
    limit: number;
  },
): Promise<(InviteRow & { cursor_created_at: string })[]> {
  let query = db.selectFrom('invites').selectAll().select(instantText('created_at').as('cursor_created_at'));
  if (filter.accountId) query = query.where('account_id', '=', asUuid(filter.accountId));
  if (filter.patientId) query = query.where('patient_id', '=', asUuid(filter.patientId));
  if (filter.status === 'expired') {
    query = query.where((eb) =>
      eb.or([eb('status', '=', 'expired'), eb.and([eb('status', '=', 'pending'), eb('expires_at', '<=', dbNow())])]),
    );
  } else if (filter.status === 'pending') {
    query = query.where('status', '=', 'pending').where('expires_at', '>', dbNow());
  } else if (filter.status) {
    query = query.where('status', '=', filter.status);
  }
  if (filter.after) query = query.where(keysetAfter(['created_at', 'id'], filter.after, 'desc', 'instant'));
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
}

/**
 * Renews a resendable invite (not completed or revoked; with an e-mail address when one is to be sent) with a new
 * token and expiry, and writes its audit row, in one statement. Undefined (and no audit row) when none matched.
 */
export async function renewInvite(
  db: Db,
  input: { id: string; accountId: string | null; tokenHash: string; expiresAt: Date; sent: boolean },
  audit: AuditFor,
): Promise<InviteWithClinic | undefined> {
  let update = db
    .updateTable('invites')
    .set((eb) => ({
      token_hash: input.tokenHash,
      expires_at: asTimestamptz(input.expiresAt),
      status: 'pending',
      lifecycle_version: eb('lifecycle_version', '+', 1),
      reminder_sent_at: null,
      reminder_token_hash: null,
      ...(input.sent ? { last_sent_at: dbNow() } : {}),
    }))
    .where('id', '=', asUuid(input.id))
    .where('status', 'not in', ['completed', 'revoked']);
  if (input.accountId) update = update.where('account_id', '=', asUuid(input.accountId));
  if (input.sent) update = update.where('email', 'is not', null);
  const renew = update.returningAll().returning(clinicName('invites.account_id').as('clinic_name'));
  return writeWithAudit(db, renew, { ...audit, patientIdColumn: 'patient_id', accountIdColumn: 'account_id' });
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
    .returning(clinicName('invites.account_id').as('clinic_name'))
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
  const row = await db
    .selectFrom('invites')
    .select('id')
    .where('id', '=', asUuid(id))
    .where('lifecycle_version', '=', version)
    .executeTakeFirst();
  return row !== undefined;
}

export async function pendingInvitesDashboard(
  db: Db,
  filter: { accountId: string | null; after?: [string, string]; limit: number },
) {
  let query = db
    .selectFrom('invites as i')
    .leftJoin('users as u', 'u.id', 'i.provider_id')
    .select([
      'i.id',
      'i.email',
      'i.first_name',
      'i.last_name',
      'i.created_at',
      'i.expires_at',
      'i.patient_id',
      'i.account_id',
      'u.first_name as provider_first_name',
      'u.last_name as provider_last_name',
    ])
    .select(instantText('i.created_at').as('cursor_created_at'))
    .where('i.status', '=', 'pending')
    .where('i.expires_at', '>', dbNow());
  if (filter.accountId) query = query.where('i.account_id', '=', asUuid(filter.accountId));
  if (filter.after) query = query.where(keysetAfter(['i.created_at', 'i.id'], filter.after, 'desc', 'instant'));
  return query
    .orderBy('i.created_at', 'desc')
    .orderBy('i.id', 'desc')
    .limit(filter.limit + 1)
    .execute();
}
