import * as v from 'valibot';
import { isoDate, pagination, uuid } from '../core/http/schemas.ts';
import { isValidTimeZone } from './time-zone.ts';
import { isRangeBound } from './range.ts';

export const clinicianParams = v.strictObject({ clinicianId: uuid('clinicianId') });

const dayOfWeek = v.pipe(
  v.number(),
  v.integer('must be a whole number'),
  v.minValue(0, 'must be 0 (Monday) to 6 (Sunday)'),
  v.maxValue(6, 'must be 0 (Monday) to 6 (Sunday)'),
);
const daysOfWeek = v.pipe(
  v.array(dayOfWeek),
  v.minLength(1, 'must name at least one day'),
  v.maxLength(7, 'must have at most 7 days'),
  v.check((days) => new Set(days).size === days.length, 'must not repeat a day'),
);
/** Shape only; whether a range holds a slot of the chosen length is checked with `slotMinutes`. */
const timeSlot = v.pipe(
  v.string(),
  v.regex(/^([01]\d|2[0-3]):[0-5]\d(-(([01]\d|2[0-3]):[0-5]\d|24:00))?$/, 'must be HH:MM or HH:MM-HH:MM'),
);
const timeSlots = v.pipe(
  v.array(timeSlot),
  v.minLength(1, 'must have at least one time slot'),
  v.maxLength(48, 'must have at most 48 time slots'),
);

export const availabilityRule = v.strictObject({
  /** 0 = Monday … 6 = Sunday. */
  daysOfWeek,
  /** `HH:MM` (one slot starting then) or `HH:MM-HH:MM` (back-to-back slots filling the range), clinician-local. */
  timeSlots,
});

export const timeZone = v.pipe(
  v.string(),
  v.check(isValidTimeZone, 'must be an IANA time zone such as America/New_York'),
);

/**
 * The weekly pattern, replaced as a whole. `rules` gives different hours on different days; the shorthand
 * `daysOfWeek` + `timeSlots` is one rule. An empty `rules` keeps the settings and offers no slots.
 */
export const putAvailabilityBody = v.pipe(
  v.strictObject({
    timeZone,
    slotMinutes: v.optional(
      v.pipe(
        v.number(),
        v.integer('must be a whole number of minutes'),
        v.minValue(5, 'must be at least 5'),
        v.maxValue(480, 'must be at most 480'),
      ),
      30,
    ),
    /** First local date the pattern applies (inclusive); null or absent: from now on. */
    startDate: v.optional(v.nullable(isoDate), null),
    /** Last local date the pattern applies (inclusive); null or absent: open-ended. */
    validUntil: v.optional(v.nullable(isoDate), null),
    rules: v.optional(v.pipe(v.array(availabilityRule), v.maxLength(14, 'must have at most 14 rules'))),
    daysOfWeek: v.optional(daysOfWeek),
    timeSlots: v.optional(timeSlots),
  }),
  v.forward(
    v.check(
      (b) => (b.rules !== undefined) !== (b.daysOfWeek !== undefined || b.timeSlots !== undefined),
      'give rules, or daysOfWeek and timeSlots',
    ),
    ['rules'],
  ),
  v.forward(
    v.check(
      (b) => b.rules !== undefined || (b.daysOfWeek !== undefined && b.timeSlots !== undefined),
      'daysOfWeek and timeSlots go together',
    ),
    ['daysOfWeek'],
  ),
  v.forward(
    v.check((b) => !b.startDate || !b.validUntil || b.startDate <= b.validUntil, 'must not be before startDate'),
    ['validUntil'],
  ),
);

export const availability = v.object({
  clinicianId: v.string(),
  timeZone: v.string(),
  slotMinutes: v.number(),
  startDate: v.nullable(v.string()),
  validUntil: v.nullable(v.string()),
  rules: v.array(v.object({ daysOfWeek: v.array(v.number()), timeSlots: v.array(v.string()) })),
  /** Null until the pattern is first saved (the defaults are shown). */
  updatedAt: v.nullable(v.string()),
});

const rangeBound = v.pipe(
  v.string(),
  v.check(isRangeBound, 'must be a date YYYY-MM-DD (clinician-local day) or an RFC 3339 date-time'),
);

export const freeSlotsQuery = v.strictObject({
  ...pagination,
  /** Absent: every clinician of the caller's clinic (required for super_admin). */
  clinicianId: v.optional(uuid('clinicianId')),
  /** Default now. A date is the start of that day in each clinician's time zone. */
  from: v.optional(rangeBound),
  /** Default 7 days after `from`. A date is inclusive (the end of that local day); an instant is exclusive. At most 62 days. */
  to: v.optional(rangeBound),
});

export const freeSlot = v.object({
  clinicianId: v.string(),
  startsAt: v.string(),
  endsAt: v.string(),
  timeZone: v.string(),
});

export type PutAvailabilityInput = v.InferOutput<typeof putAvailabilityBody>;
export type FreeSlotsQuery = v.InferOutput<typeof freeSlotsQuery>;
