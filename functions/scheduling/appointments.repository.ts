import { sql, type Selectable } from 'kysely';
import { auditInsertFor, writeWithAudit, type AuditFor } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import type { AppointmentsTable, PatientStatus } from '../core/database.ts';
import { asDate, asTime, asTimestamptz, asUuid, dbNow, keysetAfter } from '../core/sql.ts';
import type { AvailabilityRow } from './availability.repository.ts';
import type { RangeBound } from './range.ts';
import type { Interval } from './slots.ts';

export type AppointmentRecord = Selectable<AppointmentsTable>;
/** An appointment (its row carries the patient's tenant) and the appointment that replaced it, if any. */
export type AppointmentRow = AppointmentRecord & { rescheduled_to_id: string | null };

function withReplacement(db: Db) {
  return db
    .selectFrom('appointments as a')
    .selectAll('a')
    .select((eb) =>
      eb
        .selectFrom('appointments as n')
        .select('n.id')
        .whereRef('n.rescheduled_from_id', '=', 'a.id')
        .as('rescheduled_to_id'),
    );
}

export interface AppointmentScope {
  /** Null for super_admin. */
  accountId: string | null;
  /** Set for a patient session: only that patient's appointments exist. */
  patientId?: string;
}

function scoped<Q extends ReturnType<typeof withReplacement>>(query: Q, id: string, scope: AppointmentScope): Q {
  let scopedQuery = query.where('a.id', '=', asUuid(id)) as Q;
  if (scope.accountId) scopedQuery = scopedQuery.where('a.account_id', '=', asUuid(scope.accountId)) as Q;
  if (scope.patientId) scopedQuery = scopedQuery.where('a.patient_id', '=', asUuid(scope.patientId)) as Q;
  return scopedQuery;
}

export async function findAppointment(
  db: Db,
  id: string,
  scope: AppointmentScope,
): Promise<AppointmentRow | undefined> {
  return scoped(withReplacement(db), id, scope).executeTakeFirst() as Promise<AppointmentRow | undefined>;
}

/** Who an appointment e-mail goes to and in whose name; no health information. */
export interface AppointmentContact {
  email: string | null;
  first_name: string | null;
  clinic_name: string;
}

/** A clinician's availability rows (the pattern, see `toPattern`), as one JSON array. */
const availabilityOf = (clinicianIdColumn: string) =>
  sql<
    AvailabilityRow[]
  >`coalesce((select json_agg(r order by r.id) from recurring_availability r where r.clinician_id = ${sql.ref(clinicianIdColumn)}), '[]'::json)`;

function withContact(db: Db) {
  return withReplacement(db)
    .innerJoin('patients as p', 'p.id', 'a.patient_id')
    .innerJoin('accounts as c', 'c.id', 'a.account_id')
    .select(['p.email', 'p.first_name', 'c.name as clinic_name']);
}

/** An appointment with its patient's contact, for a change that e-mails the patient (one read). */
export async function findAppointmentWithContact(
  db: Db,
  id: string,
  scope: AppointmentScope,
): Promise<(AppointmentRow & AppointmentContact) | undefined> {
  return scoped(withContact(db), id, scope).executeTakeFirst() as Promise<
    (AppointmentRow & AppointmentContact) | undefined
  >;
}

/** `findAppointmentWithContact` and the clinician's availability rows, which a reschedule checks the new slot against. */
export async function findAppointmentToReschedule(
  db: Db,
  id: string,
  scope: AppointmentScope,
): Promise<(AppointmentRow & AppointmentContact & { availability: AvailabilityRow[] }) | undefined> {
  const query = scoped(withContact(db), id, scope).select(availabilityOf('a.clinician_id').as('availability'));
  return query.executeTakeFirst() as Promise<
    (AppointmentRow & AppointmentContact & { availability: AvailabilityRow[] }) | undefined
  >;
}

export interface BookingContext extends AppointmentContact {
  id: string;
  account_id: string;
  status: PatientStatus;
  /** Null unless the clinician is an active clinician of the patient's clinic. */
  clinician_id: string | null;
  availability: AvailabilityRow[];
}

/**
 * What booking needs, in one read: the patient (scoped to `accountId` unless it is null), the patient's contact,
 * and the clinician — only an active clinician of the patient's clinic — with their availability rows.
 */
export async function findBookingContext(
  db: Db,
  patientId: string,
  clinicianId: string,
  accountId: string | null,
): Promise<BookingContext | undefined> {
  let query = db
    .selectFrom('patients as p')
    .innerJoin('accounts as c', 'c.id', 'p.account_id')
    .leftJoin('users as u', (join) =>
      join
        .on('u.id', '=', asUuid(clinicianId))
        .on('u.role', '=', 'clinician')
        .on('u.status', '=', 'active')
        .onRef('u.account_id', '=', 'p.account_id'),
    )
    .select([
      'p.id',
      'p.account_id',
      'p.status',
      'p.email',
      'p.first_name',
      'c.name as clinic_name',
      'u.id as clinician_id',
    ])
    .select(availabilityOf('u.id').as('availability'))
    .where('p.id', '=', asUuid(patientId));
  if (accountId) query = query.where('p.account_id', '=', asUuid(accountId));
  return query.executeTakeFirst() as Promise<BookingContext | undefined>;
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
    query =
      from.kind === 'date'
        ? query.where('a.date', '>=', asDate(from.date))
        : query.where('a.date_time', '>=', asTimestamptz(new Date(from.ms)));
  }
  if (filter.to) {
    const to = filter.to;
    query =
      to.kind === 'date'
        ? query.where('a.date', '<=', asDate(to.date))
        : query.where('a.date_time', '<', asTimestamptz(new Date(to.ms)));
  }
  if (filter.after) query = query.where(keysetAfter(['a.date_time', 'a.id'], filter.after, 'asc', 'instant'));
  return query
    .orderBy('a.date_time')
    .orderBy('a.id')
    .limit(filter.limit + 1)
    .execute() as Promise<AppointmentRow[]>;
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

/** Inserts a scheduled appointment and its audit row in one statement; a taken slot fails with the exclusion constraint (23P01). */
export async function insertAppointment(db: Db, values: NewAppointment, audit: AuditFor): Promise<AppointmentRecord> {
  const insert = db
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
    .returningAll();
  const row = await writeWithAudit(db, insert, audit);
  if (!row) throw new Error('The appointment insert returned no row');
  return row;
}

/** The new appointment of a reschedule: its slot and code; the rest is carried over from the appointment it replaces. */
export interface NewSlot {
  id: string;
  date: string;
  time: string;
  dateTime: Date;
  durationMinutes: number;
  timeZone: string;
  confirmationCode: string;
  calendarUid: string;
}

/**
 * One statement: a scheduled appointment becomes `rescheduled`, its replacement is inserted in the new slot (same
 * calendar event, next sequence) and the audit rows are written. Undefined, and nothing written, when the appointment
 * is no longer scheduled; a taken slot fails the whole statement with the exclusion constraint (23P01), leaving the
 * old appointment untouched. Concurrent reschedules of one appointment queue on its row: the first wins.
 */
export async function rescheduleAppointment(
  db: Db,
  id: string,
  next: NewSlot,
  audits: readonly AuditFor[],
): Promise<AppointmentRecord | undefined> {
  const audited = audits.map(
    (audit, i) => sql`, ${sql.raw(`audited_${i}`)} as (${auditInsertFor('moved', audit)} returning id)`,
  );
  const { rows } = await sql<AppointmentRecord>`
    with old as (
      update appointments set status = 'rescheduled', updated_at = now()
      where id = ${asUuid(id)} and status = 'scheduled'
      returning *
    ), moved as (
      insert into appointments (id, patient_id, account_id, clinician_id, date, time, date_time, duration_minutes, time_zone,
        appointment_type, status, notes, confirmation_code, rescheduled_from_id, calendar_uid, calendar_sequence)
      select ${asUuid(next.id)}, patient_id, account_id, clinician_id, ${asDate(next.date)}, ${asTime(next.time)}, ${asTimestamptz(next.dateTime)},
        cast(${next.durationMinutes} as integer), ${next.timeZone}, appointment_type, 'scheduled', notes, ${next.confirmationCode}, id,
        ${next.calendarUid}, calendar_sequence + 1
      from old
      returning *
    )${sql.join(audited, sql``)}
    select * from moved
  `.execute(db);
  return rows[0];
}

/** Cancels a scheduled appointment and writes its audit row in one statement; undefined (and no audit row) when it is no longer scheduled. */
export async function cancelAppointment(
  db: Db,
  id: string,
  reason: string | null,
  audit: AuditFor,
): Promise<AppointmentRecord | undefined> {
  const update = db
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
    .returningAll();
  return writeWithAudit(db, update, audit);
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
export async function bookedIntervals(
  db: Db,
  clinicianIds: readonly string[],
  fromMs: number,
  toMs: number,
): Promise<Map<string, Interval[]>> {
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
