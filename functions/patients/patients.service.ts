import type { StaffActor } from '../core/auth/actor.ts';
import { tenantScope } from '../core/auth/actor.ts';
import { recordAudit, type AuditContext, type AuditEntry } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import { sqlState, UNIQUE_VIOLATION } from '../core/db-errors.ts';
import { conflict, notFound, unprocessable } from '../core/errors.ts';
import { auditedPage, decodeCursor, toPage } from '../core/pagination.ts';
import { isoDate, isoInstant } from '../core/sql.ts';
import {
  CSV_HEADER,
  emptyToNull,
  parseCsv,
  patientIdentityKey,
  validateRows,
  type ParsedRow,
} from './patient-import.ts';
import * as repo from './patients.repository.ts';
import type { CreatePatientInput, ListPatientsQuery, UpdatePatientInput } from './patients.schemas.ts';

export interface StaffContext extends AuditContext {
  actor: StaffActor;
}

export function toPatientDto(row: repo.PatientRow) {
  return {
    id: row.id,
    accountId: row.account_id,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    phone: row.phone,
    dateOfBirth: isoDate(row.date_of_birth),
    providerId: row.provider_id,
    status: row.status,
    createdAt: isoInstant(row.created_at) as string,
    updatedAt: isoInstant(row.updated_at) as string,
  };
}

const patientAudit = (action: string, row: { id: string; account_id: string }): AuditEntry => ({
  action,
  resourceType: 'patient',
  resourceId: row.id,
  patientId: row.id,
  accountId: row.account_id,
});

/** The audit entry of patients being created: their ids come from the database (`resourceIdColumn`). */
const newPatientAudit = (action: string, accountId: string): AuditEntry => ({
  action,
  resourceType: 'patient',
  accountId,
});

/** The account a new patient joins: the caller's own; a super_admin must name one. */
function owningAccount(actor: StaffActor, requested: string | undefined, field: string): string {
  const scope = tenantScope(actor);
  if (scope) return scope;
  if (!requested)
    throw unprocessable('accountId is required for super_admin', [{ field, message: 'Required for super_admin' }]);
  return requested;
}

async function checkProvider(db: Db, accountId: string, providerId: string | null | undefined): Promise<void> {
  if (!providerId) return;
  const found = await repo.findClinicians(db, accountId, { ids: [providerId] });
  if (found.length === 0)
    throw unprocessable('Unknown provider', [
      { field: 'body.providerId', message: 'must be an active clinician of the account' },
    ]);
}

/** Loads a patient of the caller's tenant; other tenants' patients answer 404 like unknown ids. */
export async function requirePatient(db: Db, actor: StaffActor, patientId: string): Promise<repo.PatientRow> {
  const row = await repo.findPatient(db, patientId, tenantScope(actor));
  if (!row) throw notFound('Patient');
  return row;
}

export async function listPatients(db: Db, context: StaffContext, query: ListPatientsQuery) {
  const rows = await repo.listPatients(db, {
    accountId: tenantScope(context.actor) ?? query.accountId ?? null,
    q: query.q,
    status: query.status,
    providerId: query.providerId,
    sort: query.sort,
    after: decodeCursor(query.cursor, query.sort === 'lastName' ? 'text' : 'instant'),
    limit: query.limit,
  });
  return auditedPage(
    db,
    context,
    rows,
    query.limit,
    (r) => patientAudit('patient.list', r),
    (r) => (query.sort === 'lastName' ? [r.last_name, r.id] : [r.cursor_created_at, r.id]),
    toPatientDto,
  );
}

export async function createPatient(db: Db, context: StaffContext, input: CreatePatientInput) {
  const accountId = owningAccount(context.actor, input.accountId, 'body.accountId');
  await checkProvider(db, accountId, input.providerId);
  const values = {
    accountId,
    firstName: input.firstName,
    lastName: input.lastName,
    email: input.email ?? null,
    phone: input.phone ?? null,
    dateOfBirth: input.dateOfBirth ?? null,
    providerId: input.providerId ?? null,
  };
  const audit = { context, entry: newPatientAudit('patient.create', accountId) };
  const [row] = await repo.insertAuditedPatients(db, [{ ...values, importKey: patientIdentityKey(values) }], audit);
  if (!row)
    throw conflict('A patient with the same e-mail, last name and date of birth already exists in this account');
  return toPatientDto(row);
}

export async function getPatient(db: Db, context: StaffContext, patientId: string) {
  const row = await requirePatient(db, context.actor, patientId);
  await recordAudit(db, context, [patientAudit('patient.read', row)]);
  return toPatientDto(row);
}

export async function updatePatient(db: Db, context: StaffContext, patientId: string, input: UpdatePatientInput) {
  const existing = await requirePatient(db, context.actor, patientId);
  if (existing.status === 'archived') throw conflict('An archived patient cannot be changed');
  await checkProvider(db, existing.account_id, input.providerId);
  const merged = {
    email: input.email !== undefined ? input.email : existing.email,
    lastName: input.lastName ?? existing.last_name,
    dateOfBirth: input.dateOfBirth !== undefined ? input.dateOfBirth : isoDate(existing.date_of_birth),
  };
  let row: repo.PatientRow | undefined;
  try {
    row = await repo.updatePatient(
      db,
      patientId,
      existing.account_id,
      { ...input, importKey: patientIdentityKey(merged) },
      {
        context,
        entry: patientAudit('patient.update', existing),
      },
    );
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION) {
      throw conflict('Another patient with the same e-mail, last name and date of birth exists in this account');
    }
    throw error;
  }
  if (!row) throw notFound('Patient');
  return toPatientDto(row);
}

export async function archivePatient(db: Db, context: StaffContext, patientId: string) {
  const existing = await requirePatient(db, context.actor, patientId);
  const entry = patientAudit('patient.archive', existing);
  if (existing.status === 'archived') {
    await recordAudit(db, context, [entry]);
    return toPatientDto(existing);
  }
  const row = await repo.updatePatient(db, patientId, existing.account_id, { status: 'archived' }, { context, entry });
  if (!row) throw notFound('Patient');
  return toPatientDto(row);
}

/** Rows per insert statement of an import. */
const IMPORT_CHUNK_ROWS = 500;

type ReportRow = {
  row: number;
  status: 'created' | 'duplicate' | 'invalid';
  patientId?: string;
  errors?: { field: string; message: string }[];
};

/**
 * Imports rows: invalid rows are reported and skipped, valid rows are created unless a patient with the
 * same identity key exists (duplicate). Re-sending the same file creates nothing new.
 */
export async function importPatients(db: Db, context: StaffContext, input: { body: unknown; accountId?: string }) {
  const accountId = owningAccount(context.actor, input.accountId, 'query.accountId');
  const raw = typeof input.body === 'string' ? parseCsv(input.body) : (input.body as unknown[]);
  const parsed: ParsedRow[] = validateRows(raw, CSV_HEADER.length);
  const valid = parsed.filter((p): p is Extract<ParsedRow, { ok: true }> => p.ok);
  const providerEmails = [
    ...new Set(valid.map((p) => emptyToNull(p.value.provider_email)).filter((e): e is string => !!e)),
  ];
  const clinicians = new Map(
    (await repo.findClinicians(db, accountId, { emails: providerEmails })).map((c) => [c.email, c.id]),
  );

  const report = new Map<number, ReportRow>();
  const candidates: { row: number; values: repo.PatientValues }[] = [];
  for (const p of parsed) {
    if (!p.ok) {
      report.set(p.row, { row: p.row, status: 'invalid', errors: p.errors });
      continue;
    }
    const providerEmail = emptyToNull(p.value.provider_email);
    const providerId = providerEmail ? clinicians.get(providerEmail) : null;
    if (providerEmail && !providerId) {
      report.set(p.row, {
        row: p.row,
        status: 'invalid',
        errors: [{ field: 'provider_email', message: 'No active clinician with this e-mail in the account' }],
      });
      continue;
    }
    const values = {
      accountId,
      firstName: p.value.first_name,
      lastName: p.value.last_name,
      email: emptyToNull(p.value.email),
      phone: emptyToNull(p.value.phone),
      dateOfBirth: emptyToNull(p.value.date_of_birth),
      providerId: providerId ?? null,
    };
    candidates.push({ row: p.row, values: { ...values, importKey: patientIdentityKey(values) } });
  }

  const seen = new Set<string>();
  const fresh: typeof candidates = [];
  for (const c of candidates) {
    const key = c.values.importKey as string;
    if (seen.has(key)) report.set(c.row, { row: c.row, status: 'duplicate' });
    else {
      seen.add(key);
      fresh.push(c);
    }
  }
  const chunks: (typeof fresh)[] = [];
  for (let i = 0; i < fresh.length; i += IMPORT_CHUNK_ROWS) chunks.push(fresh.slice(i, i + IMPORT_CHUNK_ROWS));
  const audit = { context, entry: newPatientAudit('patient.import', accountId) };
  const save = async (trx: Db) => {
    const createdRows: repo.PatientRow[] = [];
    for (const chunk of chunks)
      createdRows.push(
        ...(await repo.insertAuditedPatients(
          trx,
          chunk.map((c) => c.values),
          audit,
        )),
      );
    const createdByKey = new Map(createdRows.map((r) => [r.import_key, r.id]));
    const missing = fresh.filter((c) => !createdByKey.has(c.values.importKey)).map((c) => c.values.importKey as string);
    const existingByKey = new Map<string | null, string>();
    for (let i = 0; i < missing.length; i += IMPORT_CHUNK_ROWS) {
      for (const r of await repo.findByImportKeys(trx, accountId, missing.slice(i, i + IMPORT_CHUNK_ROWS)))
        existingByKey.set(r.import_key, r.id);
    }
    return { createdByKey, existingByKey };
  };
  // Each chunk is one statement with its audit rows; an import of several chunks stays all-or-nothing.
  const { createdByKey, existingByKey } = chunks.length > 1 ? await db.transaction().execute(save) : await save(db);
  for (const c of fresh) {
    const createdId = createdByKey.get(c.values.importKey);
    report.set(
      c.row,
      createdId
        ? { row: c.row, status: 'created', patientId: createdId }
        : { row: c.row, status: 'duplicate', patientId: existingByKey.get(c.values.importKey) },
    );
  }
  // Rows that repeat a key within the file point at the patient of their first occurrence.
  for (const c of candidates) {
    const entry = report.get(c.row);
    if (entry?.status === 'duplicate' && !entry.patientId) {
      entry.patientId = createdByKey.get(c.values.importKey) ?? existingByKey.get(c.values.importKey);
    }
  }

  const rows = [...report.values()].sort((a, b) => a.row - b.row);
  return {
    summary: {
      total: rows.length,
      created: rows.filter((r) => r.status === 'created').length,
      duplicate: rows.filter((r) => r.status === 'duplicate').length,
      invalid: rows.filter((r) => r.status === 'invalid').length,
    },
    rows,
  };
}

const TIMELINE_SUMMARIES: Record<string, (status: string | null, detail: string | null) => string> = {
  patient_created: () => 'Patient registered',
  invite: (status) => `Invitation (${status})`,
  chat_session: (status, detail) => `Risk assessment ${status?.replace('_', ' ')}${detail ? ` (${detail})` : ''}`,
  eligibility_result: (status, detail) => `Eligibility result: ${detail}, ${status}`,
  lab_order: (status, detail) => `Lab order ${detail}: ${status}`,
  appointment: (status, detail) => `Appointment (${detail}): ${status}`,
};

export async function patientTimeline(
  db: Db,
  context: StaffContext,
  patientId: string,
  query: { limit: number; cursor?: string },
) {
  const patient = await requirePatient(db, context.actor, patientId);
  const rows = await repo.timeline(db, patientId, {
    after: decodeCursor(query.cursor, 'instant') as [string, string] | undefined,
    limit: query.limit,
  });
  await recordAudit(db, context, [patientAudit('patient.timeline.read', patient)]);
  const page = toPage(
    rows,
    query.limit,
    (r) => [r.cursor_at, r.id],
    (r) => ({
      type: r.type,
      id: r.id,
      at: isoInstant(r.at) as string,
      status: r.status,
      summary: (TIMELINE_SUMMARIES[r.type] ?? (() => r.type))(r.status, r.detail),
    }),
  );
  return { patientId, ...page };
}
