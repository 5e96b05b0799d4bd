import { describe, expect, test } from 'vitest';
import { appointmentEmail, whenText } from '../../../functions/scheduling/appointment-emails.ts';
import {
  CONFIRMATION_ALPHABET,
  CONFIRMATION_CODE,
  newConfirmationCode,
} from '../../../functions/scheduling/confirmation-code.ts';
import { buildIcs, escapeText, foldLine } from '../../../functions/scheduling/ics.ts';
import {
  MAX_RANGE_DAYS,
  rangeProblem,
  requestedRange,
  resolveRange,
  isRangeBound,
} from '../../../functions/scheduling/range.ts';

const unfold = (ics: string) => ics.replace(/\r\n /g, '');

describe('iCalendar', () => {
  const event = {
    method: 'REQUEST' as const,
    uid: 'a1b2@genascope.dev',
    sequence: 2,
    startsAt: new Date('2025-03-10T13:00:00Z'),
    endsAt: new Date('2025-03-10T13:30:00Z'),
    stamp: new Date('2025-03-01T08:09:10.123Z'),
    summary: 'Appointment with Smith, Jones; & Co\\Clinic\nline two',
    location: 'Virtual',
    description: 'Confirmation code: ABCD2345',
    organizer: { name: 'Smith "The" Clinic', email: 'appointments@genascope.dev' },
    attendee: { name: 'Zoë', email: 'zoe@example.com' },
  };

  test('RFC 5545 text escaping, CRLF lines, UTC times, iTIP method, UID and sequence', () => {
    const ics = buildIcs(event);
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = unfold(ics).split('\r\n');
    expect(lines.slice(0, 5)).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Genascope//Scheduling//EN',
      'CALSCALE:GREGORIAN',
      'METHOD:REQUEST',
    ]);
    expect(lines).toContain('UID:a1b2@genascope.dev');
    expect(lines).toContain('SEQUENCE:2');
    expect(lines).toContain('DTSTAMP:20250301T080910Z');
    expect(lines).toContain('DTSTART:20250310T130000Z');
    expect(lines).toContain('DTEND:20250310T133000Z');
    expect(lines).toContain('SUMMARY:Appointment with Smith\\, Jones\\; & Co\\\\Clinic\\nline two');
    expect(lines).toContain('STATUS:CONFIRMED');
    expect(lines).toContain('ORGANIZER;CN="Smith The Clinic":mailto:appointments@genascope.dev');
    expect(lines.find((l) => l.startsWith('ATTENDEE'))).toBe(
      'ATTENDEE;CN="Zoë";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:zoe@example.com',
    );
    expect(lines.at(-2)).toBe('END:VCALENDAR');
  });

  test('a cancellation keeps the UID and says CANCEL', () => {
    const lines = unfold(buildIcs({ ...event, method: 'CANCEL', sequence: 3 })).split('\r\n');
    expect(lines).toContain('METHOD:CANCEL');
    expect(lines).toContain('STATUS:CANCELLED');
    expect(lines).toContain('UID:a1b2@genascope.dev');
    expect(lines).toContain('SEQUENCE:3');
  });

  test('long lines fold at 75 octets without splitting UTF-8 characters', () => {
    const line = `SUMMARY:${escapeText('Ünïcödé clinic name '.repeat(12))}`;
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(3);
    for (const part of parts) expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(75);
    for (const part of parts.slice(1)) expect(part.startsWith(' ')).toBe(true);
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    expect(parts.join('')).not.toContain('\uFFFD');
  });

  test('control characters cannot start a new property', () => {
    expect(escapeText('a\r\nEND:VEVENT\u0007')).toBe('a\\nEND:VEVENT');
    const ics = buildIcs({
      ...event,
      summary: 'x\r\nATTENDEE:mailto:evil@example.com',
      attendee: { name: 'A"\r\nB', email: 'zoe@example.com\r\nX:y' },
    });
    expect(
      unfold(ics)
        .split('\r\n')
        .filter((l) => l.startsWith('ATTENDEE')),
    ).toHaveLength(1);
    expect(
      unfold(ics)
        .split('\r\n')
        .some((l) => l.startsWith('X:')),
    ).toBe(false);
  });
});

describe('appointment e-mails', () => {
  const input = {
    kind: 'appointment_confirmation' as const,
    to: 'ann@example.com',
    firstName: '<b>Ann</b>',
    clinicName: 'Demo & Co',
    accountId: 'acc',
    appointmentId: 'apt',
    startsAt: new Date('2025-03-10T13:00:00Z'),
    endsAt: new Date('2025-03-10T13:30:00Z'),
    timeZone: 'America/New_York',
    appointmentType: 'virtual' as const,
    confirmationCode: 'ABCD2345',
    calendarUid: 'apt@genascope.dev',
    calendarSequence: 0,
    organizerEmail: 'appointments@genascope.dev',
  };

  test('the clinician-local time, the code and an .ics attachment; HTML escaped', () => {
    expect(whenText(input.startsAt, input.timeZone)).toBe('Monday, March 10, 2025 at 9:00 AM EDT');
    const mail = appointmentEmail(input);
    expect(mail.text).toContain('Monday, March 10, 2025 at 9:00 AM EDT');
    expect(mail.text).toContain('ABCD2345');
    expect(mail.html).toContain('&lt;b&gt;Ann&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>Ann');
    const [attachment] = mail.attachments ?? [];
    expect(attachment?.contentType).toBe('text/calendar; charset=utf-8; method=REQUEST');
    const ics = Buffer.from(attachment?.content ?? '', 'base64').toString('utf8');
    expect(ics).toContain('DTSTART:20250310T130000Z');
    const cancelled = appointmentEmail({ ...input, kind: 'appointment_cancelled', calendarSequence: 1 });
    expect(cancelled.subject).toMatch(/cancelled/);
    expect(Buffer.from(cancelled.attachments?.[0]?.content ?? '', 'base64').toString('utf8')).toContain(
      'METHOD:CANCEL',
    );
  });
});

describe('confirmation codes', () => {
  test('8 characters from an alphabet without look-alikes', () => {
    for (const c of '01OIL') expect(CONFIRMATION_ALPHABET).not.toContain(c);
    expect(new Set(CONFIRMATION_ALPHABET).size).toBe(CONFIRMATION_ALPHABET.length);
    const codes = Array.from({ length: 2000 }, () => newConfirmationCode());
    for (const code of codes) expect(code).toMatch(CONFIRMATION_CODE);
    expect(new Set(codes).size).toBe(codes.length);
    // Every symbol can appear (the generator indexes the whole alphabet).
    expect(new Set(codes.join('')).size).toBe(CONFIRMATION_ALPHABET.length);
    expect(newConfirmationCode(() => 0)).toBe('22222222');
    expect(newConfirmationCode((max) => max - 1)).toBe('ZZZZZZZZ');
  });
});

describe('query ranges', () => {
  const now = Date.parse('2025-03-05T12:00:00Z');

  test('dates and instants; defaults of 7 days; at most 62 days', () => {
    expect(isRangeBound('2025-03-09')).toBe(true);
    expect(isRangeBound('2025-02-30')).toBe(false);
    expect(isRangeBound('2025-03-09T10:00:00-05:00')).toBe(true);
    expect(isRangeBound('tomorrow')).toBe(false);
    expect(requestedRange(undefined, undefined, now)).toEqual({
      from: { kind: 'instant', ms: now },
      to: { kind: 'instant', ms: now + 7 * 86_400_000 },
    });
    expect(requestedRange('2025-03-09', undefined, now).to).toEqual({ kind: 'date', date: '2025-03-15' });
    expect(rangeProblem(requestedRange('2025-03-01', '2025-05-01', now))).toBeUndefined();
    expect(rangeProblem(requestedRange('2025-03-01', '2025-05-02', now))).toMatch(String(MAX_RANGE_DAYS));
    expect(rangeProblem(requestedRange('2025-03-02T00:00:00Z', '2025-03-01T00:00:00Z', now))).toMatch(/after/);
    expect(rangeProblem(requestedRange('2025-03-02', '2025-03-02', now))).toBeUndefined();
  });

  test('a date range is whole local days of the zone, across the spring-forward day', () => {
    const range = requestedRange('2025-03-09', '2025-03-09', now);
    const ny = resolveRange(range, 'America/New_York');
    expect(new Date(ny.fromMs).toISOString()).toBe('2025-03-09T05:00:00.000Z');
    expect(new Date(ny.toMs).toISOString()).toBe('2025-03-10T04:00:00.000Z');
    const kolkata = resolveRange(range, 'Asia/Kolkata');
    expect(new Date(kolkata.fromMs).toISOString()).toBe('2025-03-08T18:30:00.000Z');
  });
});
