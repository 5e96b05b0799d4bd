import { sql, type Selectable } from 'kysely';
import { writeAllWithAudit, writeWithAudit, type AuditFor } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import type { PatientStatus, PatientsTable } from '../core/database.ts';
import { asDate, asTimestamptz, asUuid, dbNow, instantText, keysetAfter } from '../core/sql.ts';

export type PatientRow = Selectable<PatientsTable>;

export interface PatientValues {
  accountId: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  dateOfBirth: string | null;
  providerId: string | null;
  importKey: string | null;
}

const escapeLike = (value: string) => value.replaceAll(/[\\%_]/g, (c) => `\\${c}`);

export async function findPatient(db: Db, id: string, accountId: string | null): Promise<PatientRow | undefined> {
  let query = db.selectFrom('patients').selectAll().where('id', '=', asUuid(id));
  if (accountId) query = query.where('account_id', '=', asUuid(accountId));
  return query.executeTakeFirst();
}

export interface PatientListFilter {
  accountId: string | null;
  q?: string;
  status?: PatientStatus;
  providerId?: string;
  sort: 'lastName' | 'createdAt';
  after?: [string | number | null, string];
  limit: number;
}

const cursorInstant = instantText;

export type PatientListRow = PatientRow & { cursor_created_at: string };

export async function listPatients(db: Db, filter: PatientListFilter): Promise<PatientListRow[]> {
  let query = db.selectFrom('patients').selectAll().select(cursorInstant('created_at').as('cursor_created_at'));
  if (filter.accountId) query = query.where('account_id', '=', asUuid(filter.accountId));
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.providerId) query = query.where('provider_id', '=', asUuid(filter.providerId));
  if (filter.q) {
    const prefix = `${escapeLike(filter.q.toLowerCase())}%`;
    query = query.where((eb) =>
      eb.or([
        eb(sql`lower(last_name)`, 'like', prefix),
        eb(sql`lower(first_name)`, 'like', prefix),
        eb(sql`lower(email)`, 'like', prefix),
      ]),
    );
  }
  if (filter.sort === 'lastName') {
    if (filter.after) query = query.where(keysetAfter(['last_name', 'id'], filter.after, 'asc', 'text'));
    query = query.orderBy('last_name').orderBy('id');
  } else {
    if (filter.after) query = query.where(keysetAfter(['created_at', 'id'], filter.after, 'desc', 'instant'));
    query = query.orderBy('created_at', 'desc').orderBy('id', 'desc');
  }
  return query.limit(filter.limit + 1).execute();
}

function insertValues(values: PatientValues) {
  return {
    account_id: asUuid(values.accountId),
    first_name: values.firstName,
    last_name: values.lastName,
    email: values.email,
    phone: values.phone,
    date_of_birth: values.dateOfBirth ? asDate(values.dateOfBirth) : null,
    provider_id: values.providerId ? asUuid(values.providerId) : null,
    import_key: values.importKey,
  };
}

function insertSkippingKnownKeys(db: Db, rows: PatientValues[]) {
  return db
    .insertInto('patients')
    .values(rows.map(insertValues))
    .onConflict((oc) => oc.columns(['account_id', 'import_key']).where('import_key', 'is not', null).doNothing())
    .returningAll();
}

/**
 * Inserts patients and an audit row for each one created, in one statement; returns the rows created (those
 * whose identity key already exists in the account are skipped).
 */
export async function insertAuditedPatients(db: Db, rows: PatientValues[], audit: AuditFor): Promise<PatientRow[]> {
  if (rows.length === 0) return [];
  return writeAllWithAudit(db, insertSkippingKnownKeys(db, rows), {
    ...audit,
    resourceIdColumn: 'id',
    patientIdColumn: 'id',
  });
}

export async function findByImportKeys(
  db: Db,
  accountId: string,
  keys: string[],
): Promise<Pick<PatientRow, 'id' | 'import_key'>[]> {
  if (keys.length === 0) return [];
  return db
    .selectFrom('patients')
    .select(['id', 'import_key'])
    .where('account_id', '=', asUuid(accountId))
    .where('import_key', 'in', keys)
    .execute();
}

export type PatientChanges = Partial<Omit<PatientValues, 'accountId'>> & { status?: PatientStatus };

function patientUpdate(db: Db, id: string, accountId: string | null, changes: PatientChanges) {
  let query = db
    .updateTable('patients')
    .set({
      ...(changes.firstName !== undefined ? { first_name: changes.firstName } : {}),
      ...(changes.lastName !== undefined ? { last_name: changes.lastName } : {}),
      ...(changes.email !== undefined ? { email: changes.email } : {}),
      ...(changes.phone !== undefined ? { phone: changes.phone } : {}),
      ...(changes.dateOfBirth !== undefined
        ? { date_of_birth: changes.dateOfBirth ? asDate(changes.dateOfBirth) : null }
        : {}),
      ...(changes.providerId !== undefined
        ? { provider_id: changes.providerId ? asUuid(changes.providerId) : null }
        : {}),
      ...(changes.importKey !== undefined ? { import_key: changes.importKey } : {}),
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      updated_at: dbNow(),
    })
    .where('id', '=', asUuid(id));
  if (accountId) query = query.where('account_id', '=', asUuid(accountId));
  return query.returningAll();
}

/** Updates a patient and writes its audit row in one statement; undefined (and no audit row) when none matched. */
export async function updatePatient(
  db: Db,
  id: string,
  accountId: string | null,
  changes: PatientChanges,
  audit: AuditFor,
): Promise<PatientRow | undefined> {
  return writeWithAudit(db, patientUpdate(db, id, accountId, changes), audit);
}

/** Active clinicians of an account by id or e-mail, to validate `providerId` / `provider_email`. */
export async function findClinicians(
  db: Db,
  accountId: string,
  by: { ids?: string[]; emails?: string[] },
): Promise<{ id: string; email: string }[]> {
  const ids = by.ids ?? [];
  const emails = by.emails ?? [];
  if (ids.length === 0 && emails.length === 0) return [];
  return db
    .selectFrom('users')
    .select(['id', 'email'])
    .where('account_id', '=', asUuid(accountId))
    .where('role', '=', 'clinician')
    .where('status', '=', 'active')
    .where((eb) =>
      eb.or([
        ...(ids.length ? [eb('id', 'in', ids.map(asUuid))] : []),
        ...(emails.length ? [eb('email', 'in', emails)] : []),
      ]),
    )
    .execute();
}

export interface TimelineRow {
  type: string;
  id: string;
  at: Date | string;
  /** `at` with full precision, for the cursor. */
  cursor_at: string;
  status: string | null;
  detail: string | null;
}

/**
 * Everything that happened to one patient, newest first, in one statement. Each later feature's table
 * is one branch of the union.
 */
export async function timeline(
  db: Db,
  patientId: string,
  page: { after?: [string, string]; limit: number },
): Promise<TimelineRow[]> {
  const pid = asUuid(patientId);
  const after = page.after ? sql`where (at, id) < (${asTimestamptz(page.after[0])}, ${page.after[1]})` : sql``;
  const result = await sql<TimelineRow>`
    select type, id, at, ${cursorInstant('at')} as cursor_at, status, detail from (
      select 'patient_created' as type, id::text as id, created_at as at, status, null::text as detail from patients where id = ${pid}
      union all
      select 'invite', id::text, created_at, status, null from invites where patient_id = ${pid}
      union all
      select 'chat_session', id::text, coalesce(completed_at, created_at), status, source from chat_sessions where patient_id = ${pid}
      union all
      select 'eligibility_result', id::text, created_at, case when provider_reviewed then 'reviewed' else 'unreviewed' end,
             case outcome when 'meets' then 'meets NCCN testing criteria' when 'needs_review' then 'needs review (unknown answers)'
                          when 'may_consider' then 'testing may be considered' when 'not_met' then 'NCCN testing criteria not met'
                          else case when is_eligible then 'eligible' else 'not eligible' end end
        from eligibility_results where patient_id = ${pid}
      union all
      select 'lab_order', id::text, ordered_at, status, test_type from lab_orders where patient_id = ${pid}
      union all
      select 'appointment', id::text, date_time, status, appointment_type from appointments where patient_id = ${pid}
    ) events
    ${after}
    order by at desc, id desc
    limit ${page.limit + 1}
  `.execute(db);
  return result.rows;
}
