import { sql, type Selectable } from 'kysely';
import { writeWithAudit, type AuditFor } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import type { AppointmentsTable } from '../core/database.ts';
import { asDate, asTime, asTimestamptz, asUuid, dbNow, keysetAfter } from '../core/sql.ts';
import type { RangeBound } from './range.ts';
import type { Interval } from './slots.ts';

export type AppointmentRecord = Selectable<AppointmentsTable>;
/** An appointment (its row carries the patient's tenant) and the appointment that replaced it, if any. */
export type AppointmentRow = AppointmentRecord & { rescheduled_to_id: string | null };

function withReplacement(db: Db) {
  return db
    .selectFrom('appointments as a')
    .selectAll('a')
    .select((eb) => eb.selectFrom('appointments as n').select('n.id').whereRef('n.rescheduled_from_id', '=', 'a.id').as('rescheduled_to_id'));
}

export interface AppointmentScope {
  /** Null for super_admin. */
  accountId: string | null;
  /** Set for a patient session: only that patient's appointments exist. */
  patientId?: string;
}

export async function findAppointment(db: Db, id: string, scope: AppointmentScope): Promise<AppointmentRow | undefined> {
  let query = withReplacement(db).where('a.id', '=', asUuid(id));
  if (scope.accountId) query = query.where('a.account_id', '=', asUuid(scope.accountId));
  if (scope.patientId) query = query.where('a.patient_id', '=', asUuid(scope.patientId));
  return query.executeTakeFirst() as Promise<AppointmentRow | undefined>;
}

/** Locks one appointment row for the rest of the transaction (reschedule and cancel take it first). */
export async function lockAppointment(db: Db, id: string): Promise<AppointmentRecord | undefined> {
  return db.selectFrom('appointments').selectAll().where('id', '=', asUuid(id)).forUpdate().executeTakeFirst();
}

export interface AppointmentListFilter extends AppointmentScope {
  clinicianId?: string;
  status?: string;
  from?: RangeBound;
  to?: RangeBound;
  after?: [string, string];
  limit: number;
}

/** In time order; a date bound compares with the clinician-local `date`, an instant with `date_time`. */
export async function listAppointments(db: Db, filter: AppointmentListFilter): Promise<AppointmentRow[]> {
  let query = withReplacement(db);
  if (filter.accountId) query = query.where('a.account_id', '=', asUuid(filter.accountId));
  if (filter.patientId) query = query.where('a.patient_id', '=', asUuid(filter.patientId));
  if (filter.clinicianId) query = query.where('a.clinician_id', '=', asUuid(filter.clinicianId));
  if (filter.status) query = query.where('a.status', '=', filter.status);
  if (filter.from) {
    const from = filter.from;
    query = from.kind === 'date' ? query.where('a.date', '>=', asDate(from.date)) : query.where('a.date_time', '>=', asTimestamptz(new Date(from.ms)));
  }
  if (filter.to) {
    const to = filter.to;
    query = to.kind === 'date' ? query.where('a.date', '<=', asDate(to.date)) : query.where('a.date_time', '<', asTimestamptz(new Date(to.ms)));
  }
  if (filter.after) query = query.where(keysetAfter(['a.date_time', 'a.id'], filter.after, 'asc', 'instant'));
  return query.orderBy('a.date_time').orderBy('a.id').limit(filter.limit + 1).execute() as Promise<AppointmentRow[]>;
}

export interface NewAppointment {
  id: string;
  patientId: string;
  /** The patient's account. */
  accountId: string;
  clinicianId: string;
  date: string;
  time: string;
  dateTime: Date;
  durationMinutes: number;
  timeZone: string;
  appointmentType: 'virtual' | 'in-person';
  notes: string | null;
  confirmationCode: string;
  rescheduledFromId: string | null;
  calendarUid: string;
  calendarSequence: number;
}

/** Inserts a scheduled appointment; a taken slot fails with the exclusion constraint (23P01). */
export async function insertAppointment(db: Db, values: NewAppointment): Promise<AppointmentRecord> {
  return db
    .insertInto('appointments')
    .values({
      id: asUuid(values.id),
      patient_id: asUuid(values.patientId),
      account_id: asUuid(values.accountId),
      clinician_id: asUuid(values.clinicianId),
      date: asDate(values.date),
      time: asTime(values.time),
      date_time: asTimestamptz(values.dateTime),
      duration_minutes: values.durationMinutes,
      time_zone: values.timeZone,
      appointment_type: values.appointmentType,
      status: 'scheduled',
      notes: values.notes,
      confirmation_code: values.confirmationCode,
      rescheduled_from_id: values.rescheduledFromId ? asUuid(values.rescheduledFromId) : null,
      calendar_uid: values.calendarUid,
      calendar_sequence: values.calendarSequence,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Frees the slot of a scheduled appointment that a new one replaces. */
export async function markRescheduled(db: Db, id: string): Promise<void> {
  await db
    .updateTable('appointments')
    .set({ status: 'rescheduled', updated_at: dbNow() })
    .where('id', '=', asUuid(id))
    .where('status', '=', 'scheduled')
    .executeTakeFirstOrThrow();
}

export async function cancelAppointment(db: Db, id: string, reason: string | null): Promise<AppointmentRecord | undefined> {
  return db
    .updateTable('appointments')
    .set((eb) => ({
      status: 'cancelled',
      cancelled_at: dbNow(),
      cancellation_reason: reason,
      calendar_sequence: eb('calendar_sequence', '+', 1),
      updated_at: dbNow(),
    }))
    .where('id', '=', asUuid(id))
    .where('status', '=', 'scheduled')
    .returningAll()
    .executeTakeFirst();
}

/** Updates an appointment and writes its audit row in one statement; undefined (and no audit row) when none matched. */
export async function updateAppointment(
  db: Db,
  id: string,
  changes: { status?: string; notes?: string | null },
  audit: AuditFor,
): Promise<AppointmentRecord | undefined> {
  const update = db
    .updateTable('appointments')
    .set({
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      ...(changes.notes !== undefined ? { notes: changes.notes } : {}),
      updated_at: dbNow(),
    })
    .where('id', '=', asUuid(id))
    .returningAll();
  return writeWithAudit(db, update, audit);
}

/** Scheduled appointments of these clinicians that overlap [fromMs, toMs). */
export async function bookedIntervals(db: Db, clinicianIds: readonly string[], fromMs: number, toMs: number): Promise<Map<string, Interval[]>> {
  const byClinician = new Map<string, Interval[]>();
  if (clinicianIds.length === 0 || toMs <= fromMs) return byClinician;
  const rows = await db
    .selectFrom('appointments')
    .select(['clinician_id', 'date_time', 'duration_minutes'])
    .where('status', '=', 'scheduled')
    .where('clinician_id', 'in', clinicianIds.map(asUuid))
    .where('date_time', '<', asTimestamptz(new Date(toMs)))
    .where(sql<Date>`date_time + make_interval(mins => duration_minutes)`, '>', asTimestamptz(new Date(fromMs)))
    .execute();
  for (const row of rows) {
    const startsAt = new Date(row.date_time).getTime();
    const list = byClinician.get(row.clinician_id) ?? [];
    list.push({ startsAt, endsAt: startsAt + row.duration_minutes * 60_000 });
    byClinician.set(row.clinician_id, list);
  }
  return byClinician;
}

/** Who an appointment e-mail goes to and in whose name; no health information. */
export async function appointmentContact(db: Db, appointmentId: string) {
  return db
    .selectFrom('appointments as a')
    .innerJoin('patients as p', 'p.id', 'a.patient_id')
    .innerJoin('accounts as c', 'c.id', 'a.account_id')
    .select(['p.email', 'p.first_name', 'c.name as clinic_name', 'c.id as account_id'])
    .where('a.id', '=', asUuid(appointmentId))
    .executeTakeFirst();
}
