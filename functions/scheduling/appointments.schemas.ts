import * as v from 'valibot';
import { instant, pagination, text, uuid } from '../core/http/schemas.ts';
import { isRangeBound } from './range.ts';

export const appointmentType = v.picklist(['virtual', 'in-person']);
/** `rescheduled`: replaced by the appointment whose `rescheduledFromId` is this one. */
export const appointmentStatus = v.picklist(['scheduled', 'completed', 'cancelled', 'no_show', 'rescheduled']);

export const appointment = v.object({
  id: v.string(),
  accountId: v.string(),
  patientId: v.string(),
  clinicianId: v.string(),
  appointmentType,
  status: appointmentStatus,
  /** The instant (equal to `startsAt`). */
  dateTime: v.string(),
  startsAt: v.string(),
  endsAt: v.string(),
  durationMinutes: v.number(),
  /** Clinician-local date and `HH:MM` of `dateTime`, in `timeZone`. */
  date: v.string(),
  time: v.string(),
  timeZone: v.string(),
  /** 8 characters of 23456789ABCDEFGHJKMNPQRSTVWXYZ. */
  confirmationCode: v.string(),
  notes: v.nullable(v.string()),
  cancelledAt: v.nullable(v.string()),
  cancellationReason: v.nullable(v.string()),
  rescheduledFromId: v.nullable(v.string()),
  rescheduledToId: v.nullable(v.string()),
  createdAt: v.string(),
  updatedAt: v.string(),
});

const notes = text(2000);

export const createAppointmentBody = v.strictObject({
  /** Required for staff; a patient session books for its own patient (another id answers 404). */
  patientId: v.optional(uuid('patientId')),
  clinicianId: uuid('clinicianId'),
  /** The start of a free slot from GET /v1/availability. */
  startsAt: instant,
  appointmentType,
  notes: v.optional(v.nullable(notes)),
});

export const appointmentParams = v.strictObject({ appointmentId: uuid('appointmentId') });

const rangeBound = v.pipe(
  v.string(),
  v.check(isRangeBound, 'must be a date YYYY-MM-DD (clinician-local day) or an RFC 3339 date-time'),
);

export const listAppointmentsQuery = v.strictObject({
  ...pagination,
  clinicianId: v.optional(uuid('clinicianId')),
  patientId: v.optional(uuid('patientId')),
  /** A date compares with the clinician-local `date`; an instant with `dateTime`. */
  from: v.optional(rangeBound),
  /** A date is inclusive; an instant is exclusive. */
  to: v.optional(rangeBound),
  status: v.optional(appointmentStatus),
  /** Only for super_admin. */
  accountId: v.optional(uuid('accountId')),
});

export const rescheduleBody = v.strictObject({ startsAt: instant });

export const cancelBody = v.strictObject({ reason: v.optional(v.nullable(text(500))) });

export const updateAppointmentBody = v.pipe(
  v.strictObject({
    /** Once the appointment has started. */
    status: v.optional(
      v.picklist(['completed', 'no_show'], 'must be completed or no_show (use cancel or reschedule otherwise)'),
    ),
    notes: v.optional(v.nullable(notes)),
  }),
  v.check((b) => b.status !== undefined || b.notes !== undefined, 'must change status or notes'),
);

export type CreateAppointmentInput = v.InferOutput<typeof createAppointmentBody>;
export type ListAppointmentsQuery = v.InferOutput<typeof listAppointmentsQuery>;
export type UpdateAppointmentInput = v.InferOutput<typeof updateAppointmentBody>;
