import { DAY_MS, addDays, dateToUtcMs, startOfZonedDay } from './time-zone.ts';

/**
 * `from` / `to` of the availability and appointment queries: a calendar date (`YYYY-MM-DD`, a day on the
 * clinician's wall clock) or an instant (RFC 3339). A `to` date includes that whole day; a `to` instant
 * is exclusive.
 */
export type RangeBound = { kind: 'date'; date: string } | { kind: 'instant'; ms: number };

export const MAX_RANGE_DAYS = 62;
export const DEFAULT_RANGE_DAYS = 7;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

function isRealDate(value: string): boolean {
  const ms = dateToUtcMs(value);
  return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(value);
}

export function isRangeBound(value: string): boolean {
  if (DATE.test(value)) return isRealDate(value);
  return INSTANT.test(value) && !Number.isNaN(Date.parse(value)) && isRealDate(value.slice(0, 10));
}

export function parseRangeBound(value: string): RangeBound {
  return DATE.test(value) ? { kind: 'date', date: value } : { kind: 'instant', ms: Date.parse(value) };
}

/** Time-zone-free position of a bound (a date counts from its midnight in UTC), to size a range. */
const nominal = (bound: RangeBound, end: boolean) =>
  bound.kind === 'instant' ? bound.ms : dateToUtcMs(bound.date) + (end ? DAY_MS : 0);

/** The bounds a query asked for, with defaults: from now, for 7 days. */
export function requestedRange(
  from: string | undefined,
  to: string | undefined,
  nowMs: number,
): { from: RangeBound; to: RangeBound } {
  const start: RangeBound = from ? parseRangeBound(from) : { kind: 'instant', ms: nowMs };
  if (to) return { from: start, to: parseRangeBound(to) };
  const end: RangeBound =
    start.kind === 'date'
      ? { kind: 'date', date: addDays(start.date, DEFAULT_RANGE_DAYS - 1) }
      : { kind: 'instant', ms: start.ms + DEFAULT_RANGE_DAYS * DAY_MS };
  return { from: start, to: end };
}

/** Why a range cannot be served, or undefined: it must not be empty and span at most 62 days. */
export function rangeProblem(range: { from: RangeBound; to: RangeBound }): string | undefined {
  const span = nominal(range.to, true) - nominal(range.from, false);
  if (span <= 0) return 'must be after from';
  if (span > MAX_RANGE_DAYS * DAY_MS) return `the range must span at most ${MAX_RANGE_DAYS} days`;
  // The default end (7 days on) of a late `from` would pass year 9999, which the database cannot represent.
  if (nominal(range.to, true) > Date.UTC(9999, 11, 31)) return 'must end by 9999-12-30';
  return undefined;
}

/** The instants [from, to) of a range on the wall clock of `timeZone`. */
export function resolveRange(
  range: { from: RangeBound; to: RangeBound },
  timeZone: string,
): { fromMs: number; toMs: number } {
  return {
    fromMs: range.from.kind === 'instant' ? range.from.ms : startOfZonedDay(range.from.date, timeZone),
    toMs: range.to.kind === 'instant' ? range.to.ms : startOfZonedDay(addDays(range.to.date, 1), timeZone),
  };
}
