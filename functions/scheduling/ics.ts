/**
 * iCalendar (RFC 5545) text for appointment e-mails, with iTIP (RFC 5546) methods: REQUEST for a new or
 * moved appointment, CANCEL for a cancelled one. One UID per appointment across reschedules, with a rising
 * SEQUENCE, so calendar programs update the event they already have instead of adding another.
 * Times are UTC (`…Z`), which needs no VTIMEZONE; calendar programs show them in the reader's zone.
 */

export interface CalendarEvent {
  method: 'REQUEST' | 'CANCEL';
  uid: string;
  sequence: number;
  startsAt: Date;
  endsAt: Date;
  /** When this version of the event was made (DTSTAMP). */
  stamp: Date;
  summary: string;
  location?: string;
  description?: string;
  organizer: { name: string; email: string };
  attendee: { name?: string; email: string };
}

/** TEXT values (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped; other controls dropped. */
export function escapeText(value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0009\u000B-\u001F\u007F]/g, '')
    .replace(/[\\;,\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** Parameter values (§3.2) are always quoted; a quoted value cannot hold DQUOTE or controls, so they are dropped. */
export function quoteParam(value: string): string {
  return `"${value.replace(/["\u0000-\u001F\u007F]/g, '')}"`;
}

/** A mailto: URI; addresses are validated on input, this only keeps a value on its line. */
const mailto = (email: string) => `mailto:${email.replace(/[\s"<>\u0000-\u001F\u007F]/g, '')}`;

/** `20250309T140000Z`. */
export function formatUtc(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/**
 * Folds a content line at 75 octets (§3.1): CRLF and one space before each continuation, never inside a
 * UTF-8 character.
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    const limit = out.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

export function buildIcs(event: CalendarEvent): string {
  const cancelled = event.method === 'CANCEL';
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Genascope//Scheduling//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${event.method}`,
    'BEGIN:VEVENT',
    `UID:${escapeText(event.uid)}`,
    `SEQUENCE:${event.sequence}`,
    `DTSTAMP:${formatUtc(event.stamp)}`,
    `DTSTART:${formatUtc(event.startsAt)}`,
    `DTEND:${formatUtc(event.endsAt)}`,
    `SUMMARY:${escapeText(event.summary)}`,
    ...(event.location ? [`LOCATION:${escapeText(event.location)}`] : []),
    ...(event.description ? [`DESCRIPTION:${escapeText(event.description)}`] : []),
    `STATUS:${cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    `ORGANIZER;CN=${quoteParam(event.organizer.name)}:${mailto(event.organizer.email)}`,
    `ATTENDEE;${event.attendee.name ? `CN=${quoteParam(event.attendee.name)};` : ''}ROLE=REQ-PARTICIPANT;PARTSTAT=${cancelled ? 'DECLINED' : 'ACCEPTED'};RSVP=FALSE:${mailto(event.attendee.email)}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
