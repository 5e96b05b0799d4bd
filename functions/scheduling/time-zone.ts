/**
 * Wall-clock arithmetic in IANA time zones with nothing but `Intl.DateTimeFormat` (no date library).
 *
 * A local date is `YYYY-MM-DD`; a local time is minutes after local midnight. `Intl` answers one question
 * exactly: "what does the wall clock of `timeZone` show at this instant?". Everything else follows:
 * the offset at an instant is (wall clock read as UTC) − instant, and a wall-clock time maps to the instants
 * whose offset makes them show that time. Around a daylight-saving change that is zero instants (the skipped
 * hour) or two (the repeated hour); callers decide, and `zonedToInstant` answers the earlier one or nothing.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, found);
  }
  return found;
}

const ZONE_NAME = /^(?:UTC|[A-Za-z][A-Za-z_-]*(?:\/[A-Za-z0-9_+-]+){1,2})$/;

/** An IANA zone name that this runtime knows (`America/New_York`, `Asia/Kolkata`, `UTC`); offsets like `+05:00` are not zones. */
export function isValidTimeZone(timeZone: string): boolean {
  if (!ZONE_NAME.test(timeZone)) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Offset of `timeZone` from UTC at an instant, in milliseconds (wall clock = UTC + offset). */
export function offsetMsAt(instantMs: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(new Date(instantMs));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wallAsUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  return wallAsUtc - wholeSecond;
}

/** `YYYY-MM-DD` → milliseconds of its midnight read as UTC (a day number, not an instant). */
export function dateToUtcMs(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

export function addDays(date: string, days: number): string {
  return new Date(dateToUtcMs(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Monday … 6 = Sunday, as `recurring_availability.days_of_week` counts. */
export function weekday(date: string): number {
  return (new Date(dateToUtcMs(date)).getUTCDay() + 6) % 7;
}

export const formatMinutes = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

export interface ZonedDateTime {
  date: string;
  /** `HH:MM`. */
  time: string;
  /** Minutes after local midnight. */
  minutes: number;
}

/** What the wall clock of `timeZone` shows at an instant (to the minute). */
export function instantToZoned(instantMs: number, timeZone: string): ZonedDateTime {
  const wall = new Date(instantMs + offsetMsAt(instantMs, timeZone));
  const minutes = wall.getUTCHours() * 60 + wall.getUTCMinutes();
  return { date: wall.toISOString().slice(0, 10), time: formatMinutes(minutes), minutes };
}

/**
 * Wall-clock times of one local day → instants. In the repeated hour of a fall-back change the earlier
 * instant (still on summer time) is answered, so that hour is offered once; in the skipped hour of a
 * spring-forward change there is no such instant and the answer is undefined.
 *
 * Any instant of the day lies within [midnight − 1 day, midnight + 2 days] read as UTC (offsets are within
 * ±14 h), and a real zone changes its offset at most once in three days, so the offsets sampled at both
 * ends (and the middle) are all the candidates; each candidate is checked against `Intl` once.
 */
export function zonedDay(date: string, timeZone: string): (minutes: number) => number | undefined {
  const midnight = dateToUtcMs(date);
  const offsets = [
    ...new Set([
      offsetMsAt(midnight - DAY_MS, timeZone),
      offsetMsAt(midnight + DAY_MS / 2, timeZone),
      offsetMsAt(midnight + 2 * DAY_MS, timeZone),
    ]),
  ];
  return (minutes) => {
    const wall = midnight + minutes * MINUTE_MS;
    let earliest: number | undefined;
    for (const offset of offsets) {
      const instant = wall - offset;
      if (offsetMsAt(instant, timeZone) !== offset) continue;
      if (earliest === undefined || instant < earliest) earliest = instant;
    }
    return earliest;
  };
}

/** The instant at which the wall clock of `timeZone` shows `date` + `minutes` (see `zonedDay`). */
export function zonedToInstant(date: string, minutes: number, timeZone: string): number | undefined {
  return zonedDay(date, timeZone)(minutes);
}

/** The first instant of a local day (midnight, or the end of a skipped hour that swallows midnight). */
export function startOfZonedDay(date: string, timeZone: string): number {
  const day = zonedDay(date, timeZone);
  for (let minutes = 0; minutes < 24 * 60; minutes += 1) {
    const instant = day(minutes);
    if (instant !== undefined) return instant;
  }
  throw new Error(`No instant in ${timeZone} on ${date}`);
}
