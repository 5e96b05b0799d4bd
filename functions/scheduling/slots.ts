import { DAY_MS, MINUTE_MS, addDays, formatMinutes, instantToZoned, weekday, zonedDay } from './time-zone.ts';

/**
 * Slot expansion: a clinician's weekly pattern (wall-clock times in their IANA zone) over a range of
 * instants, minus what is booked. Pure functions; the service feeds them rows and the clock.
 */

export interface AvailabilityRule {
  /** 0 = Monday … 6 = Sunday. */
  daysOfWeek: number[];
  /** `HH:MM` (one slot starting then) or `HH:MM-HH:MM` (back-to-back slots filling the range). */
  timeSlots: string[];
}

export interface AvailabilityPattern {
  timeZone: string;
  slotMinutes: number;
  /** First and last local dates the pattern applies to (inclusive); null is open-ended. */
  startDate: string | null;
  validUntil: string | null;
  rules: AvailabilityRule[];
}

export interface Slot {
  startsAt: number;
  endsAt: number;
  /** Clinician-local date and `HH:MM` of `startsAt`. */
  date: string;
  time: string;
}

export interface Interval {
  startsAt: number;
  endsAt: number;
}

const TIME = '([01]\\d|2[0-3]):([0-5]\\d)';
const TIME_SLOT = new RegExp(`^${TIME}(?:-(?:${TIME}|(24):(00)))?$`);

/** `HH:MM` → { start }, `HH:MM-HH:MM` → { start, end } in minutes after midnight; undefined when malformed or empty. */
export function parseTimeSlot(spec: string): { start: number; end?: number } | undefined {
  const match = TIME_SLOT.exec(spec);
  if (!match) return undefined;
  const start = Number(match[1]) * 60 + Number(match[2]);
  if (match[3] === undefined && match[5] === undefined) return { start };
  const end = match[5] !== undefined ? 24 * 60 : Number(match[3]) * 60 + Number(match[4]);
  return end > start ? { start, end } : undefined;
}

/** Why a time slot cannot be used with this slot length, or undefined when it can. */
export function timeSlotProblem(spec: string, slotMinutes: number): string | undefined {
  const parsed = parseTimeSlot(spec);
  if (!parsed) return 'must be HH:MM or HH:MM-HH:MM with the end after the start';
  if (parsed.end !== undefined && parsed.end - parsed.start < slotMinutes)
    return `the range is shorter than one ${slotMinutes}-minute slot`;
  if (parsed.end === undefined && parsed.start + slotMinutes > 24 * 60) return 'the slot must end by midnight';
  return undefined;
}

/** Wall-clock slot starts (minutes after midnight) on a weekday, sorted, without duplicates. */
export function slotStartsOn(rules: readonly AvailabilityRule[], slotMinutes: number, day: number): number[] {
  const starts = new Set<number>();
  for (const rule of rules) {
    if (!rule.daysOfWeek.includes(day)) continue;
    for (const spec of rule.timeSlots) {
      const parsed = parseTimeSlot(spec);
      if (!parsed) continue;
      if (parsed.end === undefined) {
        if (parsed.start + slotMinutes <= 24 * 60) starts.add(parsed.start);
        continue;
      }
      for (let t = parsed.start; t + slotMinutes <= parsed.end; t += slotMinutes) starts.add(t);
    }
  }
  return [...starts].sort((a, b) => a - b);
}

const appliesOn = (pattern: AvailabilityPattern, date: string) =>
  (pattern.startDate === null || date >= pattern.startDate) &&
  (pattern.validUntil === null || date <= pattern.validUntil);

/**
 * The pattern's slots starting in [fromMs, toMs), in time order. Each slot is a wall-clock time of its
 * local day turned into an instant: 09:00 stays 09:00 local across a daylight-saving change, a time in the
 * skipped hour does not exist and gives no slot, and a time in the repeated hour gives one slot (the first).
 */
export function expandSlots(pattern: AvailabilityPattern, fromMs: number, toMs: number): Slot[] {
  if (toMs <= fromMs) return [];
  const slots: Slot[] = [];
  const seen = new Set<number>();
  const duration = pattern.slotMinutes * MINUTE_MS;
  // A day of margin on each side: where a change happens at midnight the local date can step back.
  const first = addDays(instantToZoned(fromMs, pattern.timeZone).date, -1);
  const last = addDays(instantToZoned(toMs, pattern.timeZone).date, 1);
  for (let date = first; date <= last; date = addDays(date, 1)) {
    if (!appliesOn(pattern, date)) continue;
    const starts = slotStartsOn(pattern.rules, pattern.slotMinutes, weekday(date));
    if (starts.length === 0) continue;
    const day = zonedDay(date, pattern.timeZone);
    for (const minutes of starts) {
      const startsAt = day(minutes);
      if (startsAt === undefined || startsAt < fromMs || startsAt >= toMs || seen.has(startsAt)) continue;
      seen.add(startsAt);
      slots.push({ startsAt, endsAt: startsAt + duration, date, time: formatMinutes(minutes) });
    }
  }
  return slots.sort((a, b) => a.startsAt - b.startsAt);
}

const overlaps = (a: Interval, b: Interval) => a.startsAt < b.endsAt && b.startsAt < a.endsAt;

/** Slots that overlap no booked interval. */
export function freeSlots<S extends Interval>(slots: readonly S[], booked: readonly Interval[]): S[] {
  return slots.filter((slot) => !booked.some((b) => overlaps(slot, b)));
}

/** The pattern's slot that starts exactly at `startsAtMs`, if there is one. */
export function slotAt(pattern: AvailabilityPattern, startsAtMs: number): Slot | undefined {
  return expandSlots(pattern, startsAtMs - DAY_MS, startsAtMs + DAY_MS).find((slot) => slot.startsAt === startsAtMs);
}
