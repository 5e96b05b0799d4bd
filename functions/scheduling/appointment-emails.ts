import type { OutgoingEmail } from '../core/email/email.ts';
import { escapeHtml, singleLine } from '../core/email/html.ts';
import { buildIcs } from './ics.ts';

export type AppointmentEmailKind = 'appointment_confirmation' | 'appointment_rescheduled' | 'appointment_cancelled';

export interface AppointmentEmailInput {
  kind: AppointmentEmailKind;
  to: string;
  firstName: string | null;
  clinicName: string;
  accountId: string;
  appointmentId: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  appointmentType: 'virtual' | 'in-person';
  confirmationCode: string;
  calendarUid: string;
  calendarSequence: number;
  /** The clinic's sending address (ORGANIZER of the calendar event). */
  organizerEmail: string;
  now?: Date;
}

/** "Monday, March 10, 2025 at 9:00 AM EDT" on the clinician's wall clock. */
export function whenText(startsAt: Date, timeZone: string): string {
  const date = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  }).format(startsAt);
  const time = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(startsAt);
  return `${date} at ${time}`;
}

const typeText = (type: 'virtual' | 'in-person') =>
  type === 'virtual' ? 'a virtual appointment' : 'an in-person appointment';

/**
 * Confirmation, reschedule and cancellation e-mails with an iCalendar attachment. They say who (the
 * clinic), when, how and the confirmation code: no clinician, no reason, no notes, nothing about health.
 * Clinic and patient names are user-supplied, so the HTML is escaped and the subject kept on one line.
 */
export function appointmentEmail(input: AppointmentEmailInput): OutgoingEmail {
  const when = whenText(input.startsAt, input.timeZone);
  const greeting = input.firstName ? `Hello ${input.firstName},` : 'Hello,';
  const cancelled = input.kind === 'appointment_cancelled';
  const lead = {
    appointment_confirmation: `Your appointment with ${input.clinicName} is booked for ${when}. It is ${typeText(input.appointmentType)}.`,
    appointment_rescheduled: `Your appointment with ${input.clinicName} has moved to ${when}. It is ${typeText(input.appointmentType)}.`,
    appointment_cancelled: `Your appointment with ${input.clinicName} on ${when} has been cancelled.`,
  }[input.kind];
  const code = `Confirmation code: ${input.confirmationCode}`;
  const closing = cancelled
    ? `Please contact ${input.clinicName} if you would like a new appointment.`
    : 'The attached calendar file adds the appointment to your calendar.';
  const subject = singleLine(
    {
      appointment_confirmation: `Your appointment with ${input.clinicName}`,
      appointment_rescheduled: `Your appointment with ${input.clinicName} has moved`,
      appointment_cancelled: `Your appointment with ${input.clinicName} is cancelled`,
    }[input.kind],
  );
  const ics = buildIcs({
    method: cancelled ? 'CANCEL' : 'REQUEST',
    uid: input.calendarUid,
    sequence: input.calendarSequence,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    stamp: input.now ?? new Date(),
    summary: `Appointment with ${input.clinicName}`,
    location: input.appointmentType === 'virtual' ? 'Virtual' : input.clinicName,
    description: code,
    organizer: { name: input.clinicName, email: input.organizerEmail },
    attendee: { name: input.firstName ?? undefined, email: input.to },
  });
  return {
    kind: input.kind,
    to: input.to,
    subject,
    accountId: input.accountId,
    relatedId: input.appointmentId,
    text: `${greeting}\n\n${lead}\n\n${code}\n\n${closing}\n`,
    html: `<p>${escapeHtml(greeting)}</p><p>${escapeHtml(lead)}</p><p>${escapeHtml(code)}</p><p>${escapeHtml(closing)}</p>`,
    attachments: [
      {
        filename: cancelled ? 'appointment-cancelled.ics' : 'appointment.ics',
        contentType: `text/calendar; charset=utf-8; method=${cancelled ? 'CANCEL' : 'REQUEST'}`,
        content: Buffer.from(ics, 'utf8').toString('base64'),
      },
    ],
  };
}
