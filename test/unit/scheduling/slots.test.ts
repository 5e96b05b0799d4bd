import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  expandSlots,
  freeSlots,
  parseTimeSlot,
  slotAt,
  slotStartsOn,
  timeSlotProblem,
  type AvailabilityPattern,
} from '../../../functions/scheduling/slots.ts';
import {
  instantToZoned,
  isValidTimeZone,
  offsetMsAt,
  startOfZonedDay,
  weekday,
  zonedToInstant,
} from '../../../functions/scheduling/time-zone.ts';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const at = (s: string) => Date.parse(s);
const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];

function pattern(timeZone: string, timeSlots: string[], extra: Partial<AvailabilityPattern> = {}): AvailabilityPattern {
  return {
    timeZone,
    slotMinutes: 30,
    startDate: null,
    validUntil: null,
    rules: [{ daysOfWeek: EVERY_DAY, timeSlots }],
    ...extra,
  };
}

const startsOf = (p: AvailabilityPattern, from: string, to: string) =>
  expandSlots(p, at(from), at(to)).map((s) => `${iso(s.startsAt)} ${s.time}`);

describe('time-zone arithmetic', () => {
  test('weekday counts 0 = Monday', () => {
    expect(weekday('2025-03-10')).toBe(0);
    expect(weekday('2025-03-09')).toBe(6);
    expect(weekday('2024-02-29')).toBe(3);
  });

  test('offsets of New York around both 2025 changes, and of zones without daylight saving', () => {
    expect(offsetMsAt(at('2025-03-09T06:59:59Z'), 'America/New_York')).toBe(-5 * 3600_000);
    expect(offsetMsAt(at('2025-03-09T07:00:00Z'), 'America/New_York')).toBe(-4 * 3600_000);
    expect(offsetMsAt(at('2025-11-02T05:59:59Z'), 'America/New_York')).toBe(-4 * 3600_000);
    expect(offsetMsAt(at('2025-11-02T06:00:00Z'), 'America/New_York')).toBe(-5 * 3600_000);
    for (const instant of ['2025-01-15T12:00:00Z', '2025-07-15T12:00:00Z']) {
      expect(offsetMsAt(at(instant), 'Asia/Kolkata')).toBe(5.5 * 3600_000);
      expect(offsetMsAt(at(instant), 'America/Phoenix')).toBe(-7 * 3600_000);
    }
  });

  test('a skipped wall time has no instant; a repeated one answers the first occurrence', () => {
    expect(zonedToInstant('2025-03-09', 2 * 60 + 30, 'America/New_York')).toBeUndefined();
    expect(iso(zonedToInstant('2025-03-09', 3 * 60, 'America/New_York'))).toBe('2025-03-09T07:00:00.000Z');
    expect(iso(zonedToInstant('2025-11-02', 60 + 30, 'America/New_York'))).toBe('2025-11-02T05:30:00.000Z');
    expect(instantToZoned(at('2025-11-02T06:30:00Z'), 'America/New_York')).toEqual({
      date: '2025-11-02',
      time: '01:30',
      minutes: 90,
    });
  });

  test('the start of a day whose midnight is skipped is the end of the gap (Havana)', () => {
    expect(iso(startOfZonedDay('2025-03-09', 'America/Havana'))).toBe('2025-03-09T05:00:00.000Z');
    expect(iso(startOfZonedDay('2025-03-10', 'America/New_York'))).toBe('2025-03-10T04:00:00.000Z');
  });

  test('only IANA names are time zones', () => {
    for (const zone of ['America/New_York', 'Asia/Kolkata', 'UTC', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5'])
      expect(isValidTimeZone(zone)).toBe(true);
    for (const zone of ['+05:00', 'EST5EDT ', 'Mars/Olympus_Mons', '', 'America/New_York\n', '../etc'])
      expect(isValidTimeZone(zone)).toBe(false);
  });
});

describe('slot expansion', () => {
  test('spring forward in New York: the skipped hour has no slots, the others keep their wall time', () => {
    expect(
      startsOf(pattern('America/New_York', ['00:00-04:00']), '2025-03-09T00:00:00Z', '2025-03-10T00:00:00Z'),
    ).toEqual([
      '2025-03-09T05:00:00.000Z 00:00',
      '2025-03-09T05:30:00.000Z 00:30',
      '2025-03-09T06:00:00.000Z 01:00',
      '2025-03-09T06:30:00.000Z 01:30',
      '2025-03-09T07:00:00.000Z 03:00',
      '2025-03-09T07:30:00.000Z 03:30',
    ]);
  });

  test('fall back in New York: the repeated hour is offered once', () => {
    const slots = startsOf(
      pattern('America/New_York', ['00:00-04:00']),
      '2025-11-02T00:00:00Z',
      '2025-11-03T00:00:00Z',
    );
    expect(slots).toEqual([
      '2025-11-02T04:00:00.000Z 00:00',
      '2025-11-02T04:30:00.000Z 00:30',
      '2025-11-02T05:00:00.000Z 01:00',
      '2025-11-02T05:30:00.000Z 01:30',
      '2025-11-02T07:00:00.000Z 02:00',
      '2025-11-02T07:30:00.000Z 02:30',
      '2025-11-02T08:00:00.000Z 03:00',
      '2025-11-02T08:30:00.000Z 03:30',
    ]);
  });

  test('09:00 stays 09:00 local across both changes (the UTC instant moves by an hour)', () => {
    const p = pattern('America/New_York', ['09:00']);
    expect(startsOf(p, '2025-03-07T00:00:00Z', '2025-03-11T00:00:00Z')).toEqual([
      '2025-03-07T14:00:00.000Z 09:00',
      '2025-03-08T14:00:00.000Z 09:00',
      '2025-03-09T13:00:00.000Z 09:00',
      '2025-03-10T13:00:00.000Z 09:00',
    ]);
    expect(startsOf(p, '2025-11-01T00:00:00Z', '2025-11-04T00:00:00Z')).toEqual([
      '2025-11-01T13:00:00.000Z 09:00',
      '2025-11-02T14:00:00.000Z 09:00',
      '2025-11-03T14:00:00.000Z 09:00',
    ]);
  });

  test('a zone without daylight saving keeps the same UTC times through the New York change dates', () => {
    for (const zone of ['Asia/Kolkata', 'America/Phoenix']) {
      const p = pattern(zone, ['00:00-04:00', '09:00-10:00']);
      for (const [from, to] of [
        ['2025-03-08', '2025-03-11'],
        ['2025-11-01', '2025-11-04'],
      ] as const) {
        const slots = expandSlots(p, startOfZonedDay(from, zone), startOfZonedDay(to, zone));
        expect(slots).toHaveLength(3 * 10);
        const offset = offsetMsAt(at('2025-06-01T00:00:00Z'), zone);
        for (const slot of slots) {
          const wall = new Date(slot.startsAt + offset).toISOString();
          expect(wall.slice(11, 16)).toBe(slot.time);
          expect(slot.endsAt - slot.startsAt).toBe(30 * 60_000);
        }
      }
    }
    expect(startsOf(pattern('Asia/Kolkata', ['09:00']), '2025-03-08T00:00:00Z', '2025-03-11T00:00:00Z')).toEqual([
      '2025-03-08T03:30:00.000Z 09:00',
      '2025-03-09T03:30:00.000Z 09:00',
      '2025-03-10T03:30:00.000Z 09:00',
    ]);
  });

  test('days of week, ranges, start and end dates', () => {
    const p: AvailabilityPattern = {
      timeZone: 'America/New_York',
      slotMinutes: 45,
      startDate: '2025-03-11',
      validUntil: '2025-03-13',
      rules: [
        { daysOfWeek: [1, 3], timeSlots: ['09:00-10:30'] },
        { daysOfWeek: [2], timeSlots: ['13:00', '09:00-10:00'] },
      ],
    };
    // Mon 10 (before start) … Fri 14 (after end): Tue 11 and Thu 13 have 09:00, 09:45; Wed 12 has 09:00, 13:00.
    expect(startsOf(p, '2025-03-10T00:00:00Z', '2025-03-15T00:00:00Z')).toEqual([
      '2025-03-11T13:00:00.000Z 09:00',
      '2025-03-11T13:45:00.000Z 09:45',
      '2025-03-12T13:00:00.000Z 09:00',
      '2025-03-12T17:00:00.000Z 13:00',
      '2025-03-13T13:00:00.000Z 09:00',
      '2025-03-13T13:45:00.000Z 09:45',
    ]);
    expect(startsOf({ ...p, validUntil: '2025-03-12' }, '2025-03-10T00:00:00Z', '2025-03-15T00:00:00Z')).toHaveLength(
      4,
    );
  });

  test('overlapping rules give each start once; the range end is exclusive of a partial slot', () => {
    expect(
      slotStartsOn(
        [
          { daysOfWeek: [0], timeSlots: ['09:00-10:15', '09:30'] },
          { daysOfWeek: [0], timeSlots: ['09:00'] },
        ],
        30,
        0,
      ),
    ).toEqual([540, 570]);
    expect(slotStartsOn([{ daysOfWeek: [0], timeSlots: ['23:00-24:00'] }], 30, 0)).toEqual([1380, 1410]);
    expect(slotStartsOn([{ daysOfWeek: [0], timeSlots: ['09:00'] }], 30, 1)).toEqual([]);
  });

  test('time slot syntax', () => {
    expect(parseTimeSlot('09:00')).toEqual({ start: 540 });
    expect(parseTimeSlot('09:00-16:00')).toEqual({ start: 540, end: 960 });
    expect(parseTimeSlot('22:00-24:00')).toEqual({ start: 1320, end: 1440 });
    for (const bad of ['9:00', '24:00', '10:00-09:00', '10:00-10:00', '09:00-', '09:60'])
      expect(parseTimeSlot(bad)).toBeUndefined();
    expect(timeSlotProblem('09:00-09:20', 30)).toMatch(/shorter/);
    expect(timeSlotProblem('23:45', 30)).toMatch(/midnight/);
    expect(timeSlotProblem('09:00-09:30', 30)).toBeUndefined();
  });

  test('booked intervals remove every slot they overlap, and only those', () => {
    const p = pattern('UTC', ['09:00-11:00']);
    const slots = expandSlots(p, at('2025-05-05T00:00:00Z'), at('2025-05-06T00:00:00Z'));
    const free = freeSlots(slots, [
      { startsAt: at('2025-05-05T09:15:00Z'), endsAt: at('2025-05-05T09:45:00Z') },
      { startsAt: at('2025-05-05T10:30:00Z'), endsAt: at('2025-05-05T11:00:00Z') },
    ]);
    expect(free.map((s) => iso(s.startsAt))).toEqual(['2025-05-05T10:00:00.000Z']);
  });

  test('slotAt finds only exact slot starts', () => {
    const p = pattern('America/New_York', ['09:00-12:00']);
    expect(slotAt(p, at('2025-03-10T13:30:00Z'))).toMatchObject({ date: '2025-03-10', time: '09:30' });
    expect(slotAt(p, at('2025-03-10T13:15:00Z'))).toBeUndefined();
    expect(slotAt(p, at('2025-03-07T13:00:00Z'))).toBeUndefined();
  });

  test('property: every slot shows its wall time in its zone, lies in the range, and starts are strictly increasing', () => {
    const zones = [
      'America/New_York',
      'Europe/London',
      'Australia/Sydney',
      'Asia/Kolkata',
      'America/Havana',
      'Pacific/Chatham',
      'UTC',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2027-01-01T00:00:00Z') }),
        fc.integer({ min: 1, max: 10 }),
        fc.constantFrom(15, 30, 45, 60),
        (zone, fromMs, days, slotMinutes) => {
          const p = pattern(zone, ['00:00-04:00', '09:00-17:00', '23:30'], { slotMinutes });
          const toMs = fromMs + days * 86_400_000;
          const slots = expandSlots(p, fromMs, toMs);
          let previous = -Infinity;
          for (const slot of slots) {
            expect(slot.startsAt).toBeGreaterThanOrEqual(fromMs);
            expect(slot.startsAt).toBeLessThan(toMs);
            expect(slot.startsAt).toBeGreaterThan(previous);
            previous = slot.startsAt;
            expect(instantToZoned(slot.startsAt, zone)).toMatchObject({ date: slot.date, time: slot.time });
          }
          expect(slots.length).toBeLessThanOrEqual((days + 1) * slotStartsOn(p.rules, slotMinutes, 0).length);
        },
      ),
      { numRuns: 80 },
    );
  });
});
