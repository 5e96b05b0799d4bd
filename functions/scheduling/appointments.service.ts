import { randomUUID } from 'node:crypto';
import type { PatientActor, StaffActor } from '../core/auth/actor.ts';
import { tenantScope } from '../core/auth/actor.ts';
import { recordAudit, type AuditEntry } from '../core/audit.ts';
import { optionalConfig } from '../core/config.ts';
import type { Db } from '../core/db.ts';
import {
  DEADLOCK_DETECTED,
  EXCLUSION_VIOLATION,
  SERIALIZATION_FAILURE,
  UNIQUE_VIOLATION,
  sqlState,
} from '../core/db-errors.ts';
import { sendEmail } from '../core/email/email.ts';
import { ProblemError, conflict, forbidden, notFound, unprocessable } from '../core/errors.ts';
import { rootLogger } from '../core/logger.ts';
import { auditedPage } from '../core/pagination.ts';
import { isoDate, isoInstant } from '../core/sql.ts';
import { appointmentEmail, type AppointmentEmailKind } from './appointment-emails.ts';
import * as repo from './appointments.repository.ts';
import type { CreateAppointmentInput, ListAppointmentsQuery, UpdateAppointmentInput } from './appointments.schemas.ts';
import { toPattern, type AvailabilityRow } from './availability.repository.ts';
import { instantCursor, nextFreeSlots, type SchedulingContext } from './availability.service.ts';
import { newConfirmationCode } from './confirmation-code.ts';
import { parseRangeBound } from './range.ts';
import { slotAt, type Slot } from './slots.ts';

export function toAppointmentDto(row: repo.AppointmentRow) {
  const startsAt = new Date(row.date_time);
  return {
    id: row.id,
    accountId: row.account_id,
    patientId: row.patient_id,
    clinicianId: row.clinician_id,
    appointmentType: row.appointment_type,
    status: row.status as 'scheduled' | 'completed' | 'cancelled' | 'no_show' | 'rescheduled',
    dateTime: startsAt.toISOString(),
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + row.duration_minutes * 60_000).toISOString(),
    durationMinutes: row.duration_minutes,
    date: isoDate(row.date) as string,
    time: String(row.time).slice(0, 5),
    timeZone: row.time_zone,
    confirmationCode: row.confirmation_code,
    notes: row.notes,
    cancelledAt: isoInstant(row.cancelled_at),
    cancellationReason: row.cancellation_reason,
    rescheduledFromId: row.rescheduled_from_id,
    rescheduledToId: row.rescheduled_to_id,
    createdAt: isoInstant(row.created_at) as string,
    updatedAt: isoInstant(row.updated_at) as string,
  };
}

const appointmentAudit = (action: string, row: { id: string; patient_id: string; account_id: string }): AuditEntry => ({
  action,
  resourceType: 'appointment',
  resourceId: row.id,
  patientId: row.patient_id,
  accountId: row.account_id,
});

/** A patient session sees only its own patient's appointments; staff their clinic's; super_admin all. */
function scopeOf(actor: StaffActor | PatientActor): repo.AppointmentScope {
  return actor.kind === 'patient'
    ? { accountId: actor.accountId, patientId: actor.patientId }
    : { accountId: tenantScope(actor) };
}

async function requireAppointment(db: Db, actor: StaffActor | PatientActor, id: string): Promise<repo.AppointmentRow> {
  const row = await repo.findAppointment(db, id, scopeOf(actor));
  if (!row) throw notFound('Appointment');
  return row;
}

const calendarUidOf = (row: { id: string; calendar_uid: string | null }) =>
  row.calendar_uid ?? `${row.id}@genascope.dev`;

export const SLOT_TAKEN = Symbol('slot taken');

/**
 * Runs a statement that takes a slot (one statement, so atomic without a transaction). The exclusion constraint
 * decides who gets a slot: the losers of a race get 23P01 (a taken slot). Concurrent inserts into one slot can
 * also deadlock (40P01) or fail serialization (40001): such a statement is retried once and, failing again,
 * counts as a taken slot. A confirmation-code collision (23505 on the code) is retried with a new code.
 */
export async function takeSlot<T>(db: Db, work: (db: Db) => Promise<T>): Promise<T | typeof SLOT_TAKEN> {
  let transient = 0;
  let collisions = 0;
  for (;;) {
    try {
      return await work(db);
    } catch (error) {
      if (error instanceof ProblemError) throw error;
      const state = sqlState(error);
      if (state === EXCLUSION_VIOLATION) return SLOT_TAKEN;
      if (state === DEADLOCK_DETECTED || state === SERIALIZATION_FAILURE) {
        transient += 1;
        if (transient > 1) return SLOT_TAKEN;
        continue;
      }
      if (state === UNIQUE_VIOLATION && /confirmation_code/.test(constraintOf(error)) && collisions < 3) {
        collisions += 1;
        continue;
      }
      throw error;
    }
  }
}

function constraintOf(error: unknown): string {
  const constraint = (error as { constraint?: unknown }).constraint;
  if (typeof constraint === 'string') return constraint;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' ? (/constraint "([^"]+)"/.exec(message)?.[1] ?? '') : '';
}

async function slotTaken(db: Db, clinicianId: string, startsAtMs: number): Promise<ProblemError> {
  return conflict('The slot is no longer available', {
    nextFreeSlots: await nextFreeSlots(db, clinicianId, startsAtMs),
  });
}

/** A clinician's availability rows as a pattern; undefined when the clinician has none. */
const patternOf = (rows: readonly AvailabilityRow[]) => (rows.length > 0 ? toPattern(rows) : undefined);

/** The pattern's slot that starts at `startsAt`, in the future; 422 naming `body.startsAt` otherwise. */
function requireSlot(
  pattern: ReturnType<typeof patternOf>,
  startsAt: string,
): Slot & { timeZone: string; slotMinutes: number } {
  const startsAtMs = Date.parse(startsAt);
  if (startsAtMs <= Date.now()) {
    throw unprocessable('The appointment must start in the future', [
      { field: 'body.startsAt', message: 'must be in the future' },
    ]);
  }
  const slot = pattern ? slotAt(pattern, startsAtMs) : undefined;
  if (!pattern || !slot) {
    throw unprocessable("startsAt is not one of the clinician's available slots", [
      { field: 'body.startsAt', message: "must be the start of one of the clinician's slots (GET /v1/availability)" },
    ]);
  }
  return { ...slot, timeZone: pattern.timeZone, slotMinutes: pattern.slotMinutes };
}

/** Appointment e-mails go out after the change is committed; a failed send is logged, the change stands. */
async function notifyPatient(
  db: Db,
  kind: AppointmentEmailKind,
  row: repo.AppointmentRecord,
  contact: repo.AppointmentContact,
): Promise<void> {
  if (!contact.email) return;
  try {
    const startsAt = new Date(row.date_time);
    await sendEmail(
      db,
      appointmentEmail({
        kind,
        to: contact.email,
        firstName: contact.first_name,
        clinicName: contact.clinic_name,
        accountId: row.account_id,
        appointmentId: row.id,
        startsAt,
        endsAt: new Date(startsAt.getTime() + row.duration_minutes * 60_000),
        timeZone: row.time_zone,
        appointmentType: row.appointment_type,
        confirmationCode: row.confirmation_code,
        calendarUid: calendarUidOf(row),
        calendarSequence: row.calendar_sequence,
        organizerEmail: optionalConfig('EMAIL_FROM') ?? 'appointments@genascope.dev',
      }),
    );
  } catch (error) {
    rootLogger.error('appointment e-mail not sent', { appointmentId: row.id, kind, errorName: (error as Error).name });
  }
}

export async function bookAppointment(db: Db, context: SchedulingContext, input: CreateAppointmentInput) {
  const { actor } = context;
  if (actor.kind === 'patient' && input.patientId && input.patientId !== actor.patientId) throw notFound('Patient');
  const patientId = actor.kind === 'patient' ? actor.patientId : input.patientId;
  if (!patientId) throw unprocessable('patientId is required', [{ field: 'body.patientId', message: 'Required' }]);
  const patient = await repo.findBookingContext(db, patientId, input.clinicianId, tenantScope(actor));
  if (!patient) throw notFound('Patient');
  // The clinician must belong to the patient's clinic (for super_admin too); any other id answers 404.
  const clinicianId = patient.clinician_id;
  if (!clinicianId) throw notFound('Clinician');
  if (patient.status === 'archived') throw conflict('The patient is archived; restore the patient before booking');
  const slot = requireSlot(patternOf(patient.availability), input.startsAt);
  const id = randomUUID();
  const row = { id, patient_id: patient.id, account_id: patient.account_id };
  const result = await takeSlot(db, (db) =>
    repo.insertAppointment(
      db,
      {
        id,
        patientId: patient.id,
        accountId: patient.account_id,
        clinicianId,
        date: slot.date,
        time: slot.time,
        dateTime: new Date(slot.startsAt),
        durationMinutes: slot.slotMinutes,
        timeZone: slot.timeZone,
        appointmentType: input.appointmentType,
        notes: input.notes ?? null,
        confirmationCode: newConfirmationCode(),
        rescheduledFromId: null,
        calendarUid: `${id}@genascope.dev`,
        calendarSequence: 0,
      },
      { context, entry: appointmentAudit('appointment.create', row) },
    ),
  );
  if (result === SLOT_TAKEN) throw await slotTaken(db, clinicianId, slot.startsAt);
  await notifyPatient(db, 'appointment_confirmation', result, patient);
  return toAppointmentDto({ ...result, rescheduled_to_id: null });
}

export async function listAppointments(db: Db, context: SchedulingContext, query: ListAppointmentsQuery) {
  const scope = scopeOf(context.actor);
  // A patient session lists its own appointments; asking for another patient's finds nothing.
  if (scope.patientId && query.patientId && query.patientId !== scope.patientId) return { items: [], nextCursor: null };
  const rows = await repo.listAppointments(db, {
    accountId: scope.accountId ?? query.accountId ?? null,
    patientId: scope.patientId ?? query.patientId,
    clinicianId: query.clinicianId,
    status: query.status,
    from: query.from ? parseRangeBound(query.from) : undefined,
    to: query.to ? parseRangeBound(query.to) : undefined,
    after: instantCursor(query.cursor),
    limit: query.limit,
  });
  return auditedPage(
    db,
    context,
    rows,
    query.limit,
    (r) => appointmentAudit('appointment.list', r),
    (r) => [new Date(r.date_time).toISOString(), r.id],
    toAppointmentDto,
  );
}

export async function getAppointment(db: Db, context: SchedulingContext, id: string) {
  const row = await requireAppointment(db, context.actor, id);
  await recordAudit(db, context, [appointmentAudit('appointment.read', row)]);
  return toAppointmentDto(row);
}

/**
 * One statement moves the appointment: the old one becomes `rescheduled` and the new one is inserted. When the new
 * slot is taken the statement fails and the old appointment is untouched.
 */
export async function rescheduleAppointment(
  db: Db,
  context: SchedulingContext,
  id: string,
  input: { startsAt: string },
) {
  const existing = await repo.findAppointmentToReschedule(db, id, scopeOf(context.actor));
  if (!existing) throw notFound('Appointment');
  if (existing.status !== 'scheduled') throw conflict(`A ${existing.status} appointment cannot be rescheduled`);
  if (Date.parse(input.startsAt) === new Date(existing.date_time).getTime()) {
    throw unprocessable('The appointment is already at that time', [
      { field: 'body.startsAt', message: 'must differ from the current start' },
    ]);
  }
  const slot = requireSlot(patternOf(existing.availability), input.startsAt);
  const newId = randomUUID();
  const audits = [
    { context, entry: appointmentAudit('appointment.reschedule', existing) },
    {
      context,
      entry: appointmentAudit('appointment.create', {
        id: newId,
        patient_id: existing.patient_id,
        account_id: existing.account_id,
      }),
    },
  ];
  const result = await takeSlot(db, (db) =>
    repo.rescheduleAppointment(
      db,
      id,
      {
        id: newId,
        date: slot.date,
        time: slot.time,
        dateTime: new Date(slot.startsAt),
        durationMinutes: slot.slotMinutes,
        timeZone: slot.timeZone,
        confirmationCode: newConfirmationCode(),
        calendarUid: calendarUidOf(existing),
      },
      audits,
    ),
  );
  if (result === SLOT_TAKEN) throw await slotTaken(db, existing.clinician_id, slot.startsAt);
  if (!result) {
    // Changed since it was read (a concurrent reschedule or cancel won): one more read names its status.
    const current = await repo.findAppointment(db, id, scopeOf(context.actor));
    throw conflict(`A ${current?.status ?? 'missing'} appointment cannot be rescheduled`);
  }
  await notifyPatient(db, 'appointment_rescheduled', result, existing);
  return toAppointmentDto({ ...result, rescheduled_to_id: null });
}

/** Cancelling a cancelled appointment answers it unchanged (no second e-mail). */
export async function cancelAppointment(
  db: Db,
  context: SchedulingContext,
  id: string,
  input: { reason?: string | null },
) {
  const existing = await repo.findAppointmentWithContact(db, id, scopeOf(context.actor));
  if (!existing) throw notFound('Appointment');
  if (existing.status === 'cancelled') return toAppointmentDto(existing);
  if (existing.status !== 'scheduled') throw conflict(`A ${existing.status} appointment cannot be cancelled`);
  const cancelled = await repo.cancelAppointment(db, id, input.reason ?? null, {
    context,
    entry: appointmentAudit('appointment.cancel', existing),
  });
  if (!cancelled) throw conflict('The appointment changed meanwhile; reload it');
  await notifyPatient(db, 'appointment_cancelled', cancelled, existing);
  return toAppointmentDto({
    ...cancelled,
    account_id: existing.account_id,
    rescheduled_to_id: existing.rescheduled_to_id,
  });
}

/** Staff record the outcome (completed / no_show, once the appointment has started) and notes. */
export async function updateAppointment(db: Db, context: SchedulingContext, id: string, input: UpdateAppointmentInput) {
  if (context.actor.kind !== 'staff') throw forbidden();
  const existing = await requireAppointment(db, context.actor, id);
  if (input.status !== undefined) {
    const outcomes = ['scheduled', 'completed', 'no_show'];
    if (!outcomes.includes(existing.status))
      throw conflict(`A ${existing.status} appointment has no outcome to record`);
    if (new Date(existing.date_time).getTime() > Date.now()) {
      throw conflict('An appointment can be marked completed or no_show only once it has started');
    }
  }
  const updated = await repo.updateAppointment(
    db,
    id,
    { status: input.status, notes: input.notes },
    { context, entry: appointmentAudit(input.status ? `appointment.${input.status}` : 'appointment.update', existing) },
  );
  if (!updated) throw notFound('Appointment');
  return toAppointmentDto({
    ...updated,
    account_id: existing.account_id,
    rescheduled_to_id: existing.rescheduled_to_id,
  });
}
