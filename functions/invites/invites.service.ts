import type { StaffActor, SystemActor } from '../core/auth/actor.ts';
import { tenantScope } from '../core/auth/actor.ts';
import { issuePatientSessionToken } from '../core/auth/patient-token.ts';
import { recordAudit, type AuditContext, type AuditEntry, type AuditFor } from '../core/audit.ts';
import { intConfig, optionalConfig } from '../core/config.ts';
import type { Db } from '../core/db.ts';
import { sendEmails, type OutgoingEmail } from '../core/email/email.ts';
import { ProblemError, conflict, notFound, unprocessable } from '../core/errors.ts';
import { validate } from '../core/http/validate.ts';
import { rootLogger } from '../core/logger.ts';
import { auditedPage, decodeCursor } from '../core/pagination.ts';
import { isoInstant } from '../core/sql.ts';
import { startWorkflow } from '../core/workflows.ts';
import { startInviteSession } from '../chat/session-lifecycle.ts';
import { patientIdentityKey } from '../patients/patient-import.ts';
import { inviteEmail, reminderEmail } from './invite-emails.ts';
import { hashInviteToken, inviteLink, newInviteToken } from './invite-token.ts';
import * as repo from './invites.repository.ts';
import { createInviteBody, type CreateInviteInput, type ListInvitesQuery } from './invites.schemas.ts';

export const INVITE_LIFECYCLE = 'invite-lifecycle';
const DAY_MS = 86_400_000;

interface StaffContext extends AuditContext {
  actor: StaffActor;
}

function patientAppUrl(): string {
  const url = optionalConfig('PATIENT_APP_URL');
  if (!url) throw new Error('PATIENT_APP_URL is not configured');
  return url;
}

/** Pending invites past their expiry are expired, whether or not the lifecycle workflow has run yet. */
export function effectiveStatus(row: repo.InviteRow, now = new Date()) {
  return row.status === 'pending' && new Date(row.expires_at) <= now ? 'expired' : row.status;
}

export function toInviteDto(row: repo.InviteRow) {
  return {
    id: row.id,
    accountId: row.account_id,
    patientId: row.patient_id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    providerId: row.provider_id,
    status: effectiveStatus(row),
    createdAt: isoInstant(row.created_at) as string,
    expiresAt: isoInstant(row.expires_at) as string,
    completedAt: isoInstant(row.completed_at),
    lastSentAt: isoInstant(row.last_sent_at),
    reminderSentAt: isoInstant(row.reminder_sent_at),
    revokedAt: isoInstant(row.revoked_at),
  };
}

const inviteAudit = (action: string, row: repo.InviteRow): AuditEntry => ({
  action,
  resourceType: 'invite',
  resourceId: row.id,
  patientId: row.patient_id,
  accountId: row.account_id,
});

const reminderLeadHours = () => intConfig('INVITE_REMINDER_LEAD_HOURS', 72);

/** The reminder goes out `INVITE_REMINDER_LEAD_HOURS` (72) before expiry, unless that is before now. */
export function lifecycleInput(row: repo.InviteRow) {
  const expiresAt = new Date(row.expires_at);
  const remindAt = new Date(expiresAt.getTime() - reminderLeadHours() * 3_600_000);
  return {
    inviteId: row.id,
    lifecycleVersion: row.lifecycle_version,
    sendReminder: remindAt.getTime() > Date.now(),
    remindAt: remindAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
  };
}

async function startLifecycle(row: repo.InviteRow): Promise<void> {
  try {
    await startWorkflow(INVITE_LIFECYCLE, `invite-${row.id}-v${row.lifecycle_version}`, lifecycleInput(row));
  } catch (error) {
    // The invite stands: expiry is also enforced at read time; only the reminder depends on the workflow.
    rootLogger.error('invite lifecycle not started', { inviteId: row.id, errorName: (error as Error).name });
  }
}

function inviteEmailOf(
  row: repo.InviteWithClinic & { email: string },
  token: string,
  kind: 'invite' | 'reminder',
): OutgoingEmail {
  const input = {
    to: row.email,
    clinicName: row.clinic_name,
    firstName: row.first_name,
    link: inviteLink(patientAppUrl(), token),
    expiresAt: new Date(row.expires_at),
    accountId: row.account_id,
    inviteId: row.id,
  };
  return kind === 'invite' ? inviteEmail(input) : reminderEmail(input);
}

async function emailInvite(
  db: Db,
  row: repo.InviteWithClinic,
  token: string,
  kind: 'invite' | 'reminder',
): Promise<void> {
  if (row.email) await sendEmails(db, [inviteEmailOf({ ...row, email: row.email }, token, kind)]);
}

/**
 * Work that sends invite e-mails runs in a transaction, so an e-mail that cannot be sent leaves no invite (or
 * renewed token) behind that claims it was; without e-mails the work is single statements needing none.
 */
function withEmails<T>(db: Db, sending: boolean, work: (db: Db) => Promise<T>): Promise<T> {
  return sending ? db.transaction().execute(work) : work(db);
}

const expiryIn = (days: number) => new Date(Date.now() + days * DAY_MS);

/** The request of one invite, or the error that refuses it before the database is asked. */
function inviteRequest(
  actor: StaffActor,
  input: CreateInviteInput,
  tokenHash: string,
): repo.InviteRequest | ProblemError {
  const defaultProviderId = actor.role === 'clinician' ? actor.userId : null;
  const common = {
    providerId: input.providerId ?? null,
    defaultProviderId,
    sendEmail: input.sendEmail,
    tokenHash,
    expiresAt: expiryIn(input.expiresInDays),
  };
  if (input.patientId) return { ...common, patientId: input.patientId, newPatient: null };
  const accountId = tenantScope(actor) ?? input.accountId;
  if (!accountId)
    return unprocessable('accountId is required for super_admin', [
      { field: 'body.accountId', message: 'Required for super_admin' },
    ]);
  const lastName = input.lastName as string;
  const email = input.email as string;
  return {
    ...common,
    patientId: null,
    newPatient: {
      accountId,
      firstName: input.firstName as string,
      lastName,
      email,
      // A clinician inviting a new patient becomes their provider unless another is named.
      providerId: input.providerId ?? defaultProviderId,
      // Same e-mail and last name already registered in this clinic: that patient is invited.
      importKey: patientIdentityKey({ email, lastName, dateOfBirth: null }),
    },
  };
}

const unknownProvider = () =>
  unprocessable('Unknown provider', [
    { field: 'body.providerId', message: 'must be an active clinician of the account' },
  ]);

/** The invite of an outcome, or the error of the first check that refused it. */
function outcomeResult(request: repo.InviteRequest, outcome: repo.InviteOutcome): repo.InviteWithClinic | ProblemError {
  if (!outcome.patient_found) return request.newPatient ? unknownProvider() : notFound('Patient');
  if (outcome.archived) return conflict('The patient is archived');
  if (outcome.missing_email) {
    return unprocessable('The patient has no e-mail address', [
      { field: 'body.patientId', message: 'Patient has no e-mail; add one or set sendEmail false' },
    ]);
  }
  if (outcome.pending) return conflict('The patient already has a pending invite; resend or revoke it');
  if (!outcome.provider_ok) return unknownProvider();
  if (!outcome.invite) throw new Error('Invite neither created nor refused');
  return outcome.invite;
}

/**
 * Creates the invites of `requests` in one statement (see `repo.createInvites`). A new patient that another
 * request registered concurrently is invisible to the statement that tried to create them: such requests are
 * asked once more, when the patient is visible.
 */
async function createInviteRows(
  db: Db,
  context: StaffContext,
  requests: repo.InviteRequest[],
): Promise<repo.InviteOutcome[]> {
  const audit: AuditFor = { context, entry: { action: 'invite.create', resourceType: 'invite' } };
  const outcomes = await repo.createInvites(db, tenantScope(context.actor), requests, audit);
  const raced = requests.flatMap((request, i) =>
    request.newPatient && !outcomes[i]?.patient_found && outcomes[i]?.new_provider_ok ? [i] : [],
  );
  if (raced.length === 0) return outcomes;
  const retried = await repo.createInvites(
    db,
    tenantScope(context.actor),
    raced.map((i) => requests[i] as repo.InviteRequest),
    audit,
  );
  raced.forEach((i, j) => {
    if (!retried[j]?.patient_found) throw new Error('Patient vanished during invite');
    outcomes[i] = retried[j] as repo.InviteOutcome;
  });
  return outcomes;
}

/** Creates one invite per input, each created or refused as if alone; the results come in input order. */
async function createInvites(db: Db, context: StaffContext, inputs: CreateInviteInput[]) {
  const prepared = inputs.map((input) => {
    const { token, hash } = newInviteToken();
    return { input, token, request: inviteRequest(context.actor, input, hash) };
  });
  const asked = prepared.flatMap((p) => (p.request instanceof ProblemError ? [] : [{ ...p, request: p.request }]));
  const results = await withEmails(
    db,
    asked.some((p) => p.input.sendEmail),
    async (trx) => {
      const outcomes = asked.length
        ? await createInviteRows(
            trx,
            context,
            asked.map((p) => p.request),
          )
        : [];
      const byToken = new Map<string, repo.InviteWithClinic | ProblemError>();
      const emails: OutgoingEmail[] = [];
      for (const [i, p] of asked.entries()) {
        const result = outcomeResult(p.request, outcomes[i] as repo.InviteOutcome);
        if (!(result instanceof ProblemError) && p.input.sendEmail && result.email)
          emails.push(inviteEmailOf({ ...result, email: result.email }, p.token, 'invite'));
        byToken.set(p.token, result);
      }
      await sendEmails(trx, emails);
      return byToken;
    },
  );
  return Promise.all(
    prepared.map(async (p) => {
      const result =
        p.request instanceof ProblemError ? p.request : (results.get(p.token) as repo.InviteWithClinic | ProblemError);
      if (result instanceof ProblemError) return result;
      await startLifecycle(result);
      return { ...toInviteDto(result), link: inviteLink(patientAppUrl(), p.token) };
    }),
  );
}

export async function createInvite(db: Db, context: StaffContext, input: CreateInviteInput) {
  const [result] = await createInvites(db, context, [input]);
  if (!result) throw new Error('No invite result');
  if (result instanceof ProblemError) throw result;
  return result;
}

/** Each row is created or refused on its own: one bad row does not stop the others. */
export async function bulkCreateInvites(db: Db, context: StaffContext, rows: unknown[]) {
  const parsed = rows.map((raw, index) => validate(createInviteBody, raw, `invites[${index}]`));
  const valid = parsed.flatMap((p) => (p.ok ? [p.value] : []));
  const created = await createInvites(db, context, valid);
  let next = 0;
  const report = parsed.map((p, index) => {
    const row = index + 1;
    if (!p.ok) return { row, status: 'failed' as const, httpStatus: 422, errors: p.errors };
    const result = created[next++];
    if (!result) throw new Error('No invite result');
    if (result instanceof ProblemError) {
      return {
        row,
        status: 'failed' as const,
        httpStatus: result.status,
        errors: result.errors ?? [{ field: `invites[${index}]`, message: result.detail ?? result.title }],
      };
    }
    return { row, status: 'created' as const, invite: result };
  });
  const createdCount = report.filter((r) => r.status === 'created').length;
  return {
    summary: { total: report.length, created: createdCount, failed: report.length - createdCount },
    rows: report,
  };
}

export async function listInvites(db: Db, context: StaffContext, query: ListInvitesQuery) {
  const rows = await repo.listInvites(db, {
    accountId: tenantScope(context.actor) ?? query.accountId ?? null,
    status: query.status,
    patientId: query.patientId,
    after: decodeCursor(query.cursor, 'instant') as [string, string] | undefined,
    limit: query.limit,
  });
  return auditedPage(
    db,
    context,
    rows,
    query.limit,
    (r) => inviteAudit('invite.list', r),
    (r) => [r.cursor_created_at, r.id],
    toInviteDto,
  );
}

async function requireInvite(db: Db, actor: StaffActor, id: string): Promise<repo.InviteRow> {
  const row = await repo.findInvite(db, id, tenantScope(actor));
  if (!row) throw notFound('Invite');
  return row;
}

export async function getInvite(db: Db, context: StaffContext, id: string) {
  const row = await requireInvite(db, context.actor, id);
  await recordAudit(db, context, [inviteAudit('invite.read', row)]);
  return toInviteDto(row);
}

export async function resendInvite(
  db: Db,
  context: StaffContext,
  id: string,
  input: { expiresInDays: number; sendEmail: boolean },
) {
  const { token, hash } = newInviteToken();
  const row = await withEmails(db, input.sendEmail, async (trx) => {
    const renewed = await repo.renewInvite(
      trx,
      {
        id,
        accountId: tenantScope(context.actor),
        tokenHash: hash,
        expiresAt: expiryIn(input.expiresInDays),
        sent: input.sendEmail,
      },
      { context, entry: { action: 'invite.resend', resourceType: 'invite', resourceId: id } },
    );
    if (renewed && input.sendEmail) await emailInvite(trx, renewed, token, 'invite');
    return renewed;
  });
  if (!row) throw await resendRefusal(db, context.actor, id, input.sendEmail);
  await startLifecycle(row);
  return { ...toInviteDto(row), link: inviteLink(patientAppUrl(), token) };
}

/** Why an invite could not be resent. */
async function resendRefusal(db: Db, actor: StaffActor, id: string, sendEmail: boolean): Promise<ProblemError> {
  const existing = await requireInvite(db, actor, id);
  if (existing.status === 'completed' || existing.status === 'revoked')
    return conflict(`A ${existing.status} invite cannot be resent`);
  if (sendEmail && !existing.email)
    return unprocessable('The invite has no e-mail address', [
      { field: 'body.sendEmail', message: 'No e-mail address to send to' },
    ]);
  return conflict('The invite changed while it was being resent; try again');
}

export async function revokeInvite(db: Db, context: StaffContext, id: string) {
  const existing = await requireInvite(db, context.actor, id);
  if (existing.status === 'completed') throw conflict('A completed invite cannot be revoked');
  if (existing.status === 'revoked') return toInviteDto(existing);
  const row = await repo.revokeInvite(db, id, { context, entry: inviteAudit('invite.revoke', existing) });
  if (!row) throw notFound('Invite');
  return toInviteDto(row);
}

const INVITE_NOT_FOUND = () => notFound('Invitation');

async function usableInvite(db: Db, token: string) {
  const invite = await repo.findUsableInviteByHash(db, hashInviteToken(token));
  if (!invite?.patient_id) throw INVITE_NOT_FOUND();
  return invite;
}

const linkActor = (accountId: string): SystemActor => ({ kind: 'system', name: 'invite-link', accountId });

export async function verifyPublicInvite(db: Db, requestId: string, token: string) {
  const invite = await usableInvite(db, token);
  await recordAudit(db, { actor: linkActor(invite.account_id), requestId }, [inviteAudit('invite.verify', invite)]);
  return {
    clinicName: invite.clinic_name,
    patientFirstName: invite.first_name,
    expiresAt: isoInstant(invite.expires_at) as string,
  };
}

export async function acceptPublicInvite(db: Db, requestId: string, token: string) {
  const invite = await usableInvite(db, token);
  const session = await startInviteSession(
    db,
    { inviteId: invite.id, patientId: invite.patient_id as string },
    {
      context: { actor: linkActor(invite.account_id), requestId },
      entry: { ...inviteAudit('invite.accept', invite), resourceType: 'chat_session' },
    },
  );
  const issued = await issuePatientSessionToken({
    sessionId: session.id,
    patientId: invite.patient_id as string,
    accountId: invite.account_id,
  });
  return { sessionId: session.id, sessionToken: issued.token, sessionTokenExpiresAt: issued.expiresAt.toISOString() };
}

export async function pendingInvitesDashboard(
  db: Db,
  context: StaffContext,
  query: { limit: number; cursor?: string; accountId?: string },
) {
  const rows = await repo.pendingInvitesDashboard(db, {
    accountId: tenantScope(context.actor) ?? query.accountId ?? null,
    after: decodeCursor(query.cursor, 'instant') as [string, string] | undefined,
    limit: query.limit,
  });
  return auditedPage(
    db,
    context,
    rows,
    query.limit,
    (r) => ({
      action: 'invite.list',
      resourceType: 'invite',
      resourceId: r.id,
      patientId: r.patient_id,
      accountId: r.account_id,
    }),
    (r) => [r.cursor_created_at, r.id],
    (r) => ({
      id: r.id,
      email: r.email,
      firstName: r.first_name,
      lastName: r.last_name,
      createdAt: isoInstant(r.created_at) as string,
      expiresAt: isoInstant(r.expires_at) as string,
      providerFirstName: r.provider_first_name,
      providerLastName: r.provider_last_name,
    }),
  );
}

/** Lifecycle step: one reminder, only for the current version of a still-pending invite. */
export async function sendReminder(
  db: Db,
  inviteId: string,
  version: number,
): Promise<{ superseded: boolean; reminded: boolean }> {
  return db.transaction().execute(async (trx) => {
    // The original token is not stored, so the reminder carries a second link; both work until expiry.
    const { token, hash } = newInviteToken();
    const claimed = await repo.claimReminder(trx, inviteId, version, hash, reminderLeadHours());
    if (!claimed) return { superseded: !(await repo.isCurrentVersion(trx, inviteId, version)), reminded: false };
    await emailInvite(trx, claimed, token, 'reminder');
    await recordAudit(
      trx,
      {
        actor: { kind: 'system', name: INVITE_LIFECYCLE, accountId: claimed.account_id },
        requestId: `workflow:${inviteId}`,
      },
      [inviteAudit('invite.remind', claimed)],
    );
    return { superseded: false, reminded: true };
  });
}

/** Lifecycle step: expire the current version of a pending invite once its time has come. */
export async function expireInvite(db: Db, inviteId: string, version: number): Promise<{ expired: boolean }> {
  return db.transaction().execute(async (trx) => {
    const row = await repo.expireIfDue(trx, inviteId, version);
    if (row) {
      await recordAudit(
        trx,
        {
          actor: { kind: 'system', name: INVITE_LIFECYCLE, accountId: row.account_id },
          requestId: `workflow:${inviteId}`,
        },
        [inviteAudit('invite.expire', row)],
      );
    }
    return { expired: row !== undefined };
  });
}
