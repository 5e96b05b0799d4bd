import type { StaffActor, SystemActor } from '../core/auth/actor.ts';
import { tenantScope } from '../core/auth/actor.ts';
import { issuePatientSessionToken } from '../core/auth/patient-token.ts';
import { recordAudit, type AuditContext, type AuditEntry } from '../core/audit.ts';
import { intConfig, optionalConfig } from '../core/config.ts';
import type { Db } from '../core/db.ts';
import { sendEmail } from '../core/email/email.ts';
import { ProblemError, conflict, notFound, unprocessable } from '../core/errors.ts';
import { validate } from '../core/http/validate.ts';
import { rootLogger } from '../core/logger.ts';
import { decodeCursor, toPage } from '../core/pagination.ts';
import { isoInstant } from '../core/sql.ts';
import { startWorkflow } from '../core/workflows.ts';
import { startInviteSession } from '../chat/chat.service.ts';
import { findClinicians, findByImportKeys, findPatient, insertPatient, type PatientRow } from '../patients/patients.repository.ts';
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

async function emailInvite(db: Db, row: repo.InviteRow, token: string, kind: 'invite' | 'reminder'): Promise<void> {
  if (!row.email) return;
  const input = {
    to: row.email,
    clinicName: await repo.accountName(db, row.account_id),
    firstName: row.first_name,
    link: inviteLink(patientAppUrl(), token),
    expiresAt: new Date(row.expires_at),
    accountId: row.account_id,
    inviteId: row.id,
  };
  await sendEmail(db, kind === 'invite' ? inviteEmail(input) : reminderEmail(input));
}

async function resolvePatient(db: Db, actor: StaffActor, input: CreateInviteInput): Promise<PatientRow> {
  if (input.patientId) {
    const patient = await findPatient(db, input.patientId, tenantScope(actor));
    if (!patient) throw notFound('Patient');
    if (patient.status === 'archived') throw conflict('The patient is archived');
    return patient;
  }
  const accountId = tenantScope(actor) ?? input.accountId;
  if (!accountId) throw unprocessable('accountId is required for super_admin', [{ field: 'body.accountId', message: 'Required for super_admin' }]);
  const values = {
    accountId,
    firstName: input.firstName as string,
    lastName: input.lastName as string,
    email: input.email as string,
    phone: null,
    dateOfBirth: null,
    // A clinician inviting a new patient becomes their provider unless another is named.
    providerId: input.providerId ?? (actor.role === 'clinician' ? actor.userId : null),
  };
  const importKey = patientIdentityKey(values);
  const created = await insertPatient(db, { ...values, importKey });
  if (created) return created;
  // Same e-mail and last name already registered in this clinic: invite that patient.
  const [existing] = await findByImportKeys(db, accountId, [importKey as string]);
  const patient = existing ? await findPatient(db, existing.id, accountId) : undefined;
  if (!patient) throw new Error('Patient vanished during invite');
  return patient;
}

async function resolveProvider(db: Db, actor: StaffActor, accountId: string, providerId: string | undefined): Promise<string | null> {
  if (providerId) {
    const found = await findClinicians(db, accountId, { ids: [providerId] });
    if (found.length === 0) throw unprocessable('Unknown provider', [{ field: 'body.providerId', message: 'must be an active clinician of the account' }]);
    return providerId;
  }
  return actor.role === 'clinician' ? actor.userId : null;
}

export async function createInvite(db: Db, context: StaffContext, input: CreateInviteInput) {
  const { token, hash } = newInviteToken();
  const row = await db.transaction().execute(async (trx) => {
    const patient = await resolvePatient(trx, context.actor, input);
    if (input.sendEmail && !patient.email) {
      throw unprocessable('The patient has no e-mail address', [{ field: 'body.patientId', message: 'Patient has no e-mail; add one or set sendEmail false' }]);
    }
    if (await repo.findPendingInviteForPatient(trx, patient.id)) {
      throw conflict('The patient already has a pending invite; resend or revoke it');
    }
    const providerId = await resolveProvider(trx, context.actor, patient.account_id, input.providerId ?? patient.provider_id ?? undefined);
    const inserted = await repo.insertInvite(trx, {
      accountId: patient.account_id,
      patientId: patient.id,
      email: patient.email,
      firstName: patient.first_name,
      lastName: patient.last_name,
      providerId,
      tokenHash: hash,
      expiresAt: new Date(Date.now() + input.expiresInDays * DAY_MS),
      sent: input.sendEmail,
    });
    if (input.sendEmail) await emailInvite(trx, inserted, token, 'invite');
    await recordAudit(trx, context, [inviteAudit('invite.create', inserted)]);
    return inserted;
  });
  await startLifecycle(row);
  return { ...toInviteDto(row), link: inviteLink(patientAppUrl(), token) };
}

/** Each row is created on its own: one bad row does not stop the others. */
export async function bulkCreateInvites(db: Db, context: StaffContext, rows: unknown[]) {
  const report = [];
  for (const [index, raw] of rows.entries()) {
    const row = index + 1;
    const parsed = validate(createInviteBody, raw, `invites[${index}]`);
    if (!parsed.ok) {
      report.push({ row, status: 'failed' as const, httpStatus: 422, errors: parsed.errors });
      continue;
    }
    try {
      report.push({ row, status: 'created' as const, invite: await createInvite(db, context, parsed.value) });
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      report.push({ row, status: 'failed' as const, httpStatus: error.status, errors: error.errors ?? [{ field: `invites[${index}]`, message: error.detail ?? error.title }] });
    }
  }
  const created = report.filter((r) => r.status === 'created').length;
  return { summary: { total: report.length, created, failed: report.length - created }, rows: report };
}

export async function listInvites(db: Db, context: StaffContext, query: ListInvitesQuery) {
  const rows = await repo.listInvites(db, {
    accountId: tenantScope(context.actor) ?? query.accountId ?? null,
    status: query.status,
    patientId: query.patientId,
    after: decodeCursor(query.cursor, 'instant') as [string, string] | undefined,
    limit: query.limit,
  });
  await recordAudit(db, context, rows.slice(0, query.limit).map((r) => inviteAudit('invite.list', r)));
  return toPage(rows, query.limit, (r) => [r.cursor_created_at, r.id], toInviteDto);
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

export async function resendInvite(db: Db, context: StaffContext, id: string, input: { expiresInDays: number; sendEmail: boolean }) {
  const existing = await requireInvite(db, context.actor, id);
  if (existing.status === 'completed' || existing.status === 'revoked') throw conflict(`A ${existing.status} invite cannot be resent`);
  if (input.sendEmail && !existing.email) throw unprocessable('The invite has no e-mail address', [{ field: 'body.sendEmail', message: 'No e-mail address to send to' }]);
  const { token, hash } = newInviteToken();
  const row = await db.transaction().execute(async (trx) => {
    const renewed = await repo.renewInvite(trx, id, { tokenHash: hash, expiresAt: new Date(Date.now() + input.expiresInDays * DAY_MS), sent: input.sendEmail });
    if (input.sendEmail) await emailInvite(trx, renewed, token, 'invite');
    await recordAudit(trx, context, [inviteAudit('invite.resend', renewed)]);
    return renewed;
  });
  await startLifecycle(row);
  return { ...toInviteDto(row), link: inviteLink(patientAppUrl(), token) };
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
  return { clinicName: await repo.accountName(db, invite.account_id), patientFirstName: invite.first_name, expiresAt: isoInstant(invite.expires_at) as string };
}

export async function acceptPublicInvite(db: Db, requestId: string, token: string) {
  const invite = await usableInvite(db, token);
  const session = await db.transaction().execute(async (trx) => {
    const started = await startInviteSession(trx, { inviteId: invite.id, patientId: invite.patient_id as string });
    await recordAudit(trx, { actor: linkActor(invite.account_id), requestId }, [
      { ...inviteAudit('invite.accept', invite), resourceType: 'chat_session', resourceId: started.id },
    ]);
    return started;
  });
  const issued = await issuePatientSessionToken({ sessionId: session.id, patientId: invite.patient_id as string, accountId: invite.account_id });
  return { sessionId: session.id, sessionToken: issued.token, sessionTokenExpiresAt: issued.expiresAt.toISOString() };
}

export async function pendingInvitesDashboard(db: Db, context: StaffContext, query: { limit: number; cursor?: string; accountId?: string }) {
  const rows = await repo.pendingInvitesDashboard(db, {
    accountId: tenantScope(context.actor) ?? query.accountId ?? null,
    after: decodeCursor(query.cursor, 'instant') as [string, string] | undefined,
    limit: query.limit,
  });
  await recordAudit(db, context, rows.slice(0, query.limit).map((r) => ({ action: 'invite.list', resourceType: 'invite', resourceId: r.id, patientId: r.patient_id, accountId: r.account_id })));
  return toPage(rows, query.limit, (r) => [r.cursor_created_at, r.id], (r) => ({
    id: r.id,
    email: r.email,
    firstName: r.first_name,
    lastName: r.last_name,
    createdAt: isoInstant(r.created_at) as string,
    expiresAt: isoInstant(r.expires_at) as string,
    providerFirstName: r.provider_first_name,
    providerLastName: r.provider_last_name,
  }));
}

/** Lifecycle step: one reminder, only for the current version of a still-pending invite. */
export async function sendReminder(db: Db, inviteId: string, version: number): Promise<{ superseded: boolean; reminded: boolean }> {
  return db.transaction().execute(async (trx) => {
    // The original token is not stored, so the reminder carries a second link; both work until expiry.
    const { token, hash } = newInviteToken();
    const claimed = await repo.claimReminder(trx, inviteId, version, hash, reminderLeadHours());
    if (!claimed) return { superseded: !(await repo.isCurrentVersion(trx, inviteId, version)), reminded: false };
    await emailInvite(trx, claimed, token, 'reminder');
    await recordAudit(trx, { actor: { kind: 'system', name: INVITE_LIFECYCLE, accountId: claimed.account_id }, requestId: `workflow:${inviteId}` }, [inviteAudit('invite.remind', claimed)]);
    return { superseded: false, reminded: true };
  });
}

/** Lifecycle step: expire the current version of a pending invite once its time has come. */
export async function expireInvite(db: Db, inviteId: string, version: number): Promise<{ expired: boolean }> {
  return db.transaction().execute(async (trx) => {
    const row = await repo.expireIfDue(trx, inviteId, version);
    if (row) {
      await recordAudit(trx, { actor: { kind: 'system', name: INVITE_LIFECYCLE, accountId: row.account_id }, requestId: `workflow:${inviteId}` }, [inviteAudit('invite.expire', row)]);
    }
    return { expired: row !== undefined };
  });
}
