import { sql, type Selectable } from 'kysely';
import { auditInsertFor, type AuditFor } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import type { RecurringAvailabilityTable } from '../core/database.ts';
import { asDate, asJson, asTime, asUuid, isoDate } from '../core/sql.ts';
import type { AvailabilityPattern } from './slots.ts';

export type AvailabilityRow = Selectable<RecurringAvailabilityTable>;

/** What an unsaved pattern looks like (the column defaults of `recurring_availability`). */
export const DEFAULT_TIME_ZONE = 'America/New_York';
export const DEFAULT_SLOT_MINUTES = 30;

export interface ClinicianRow {
  id: string;
  account_id: string;
}

function clinicianQuery(db: Db, id: string, accountId: string | null) {
  let query = db
    .selectFrom('users')
    .select(['id', 'account_id'])
    .where('id', '=', asUuid(id))
    .where('role', '=', 'clinician')
    .where('status', '=', 'active')
    .where('account_id', 'is not', null);
  if (accountId) query = query.where('account_id', '=', asUuid(accountId));
  return query;
}

const toClinician = (row: { id: string; account_id: string | null } | undefined): ClinicianRow | undefined =>
  row ? { id: row.id, account_id: row.account_id as string } : undefined;

/** An active clinician; scoped to `accountId` unless it is null (super_admin). */
export async function findClinician(db: Db, id: string, accountId: string | null): Promise<ClinicianRow | undefined> {
  return toClinician(await clinicianQuery(db, id, accountId).executeTakeFirst());
}

/**
 * `findClinician` that also locks the clinician's user row for the rest of the transaction, so that two
 * concurrent saves of a pattern are applied one after the other instead of interleaving their deletes and inserts.
 */
export async function lockClinician(db: Db, id: string, accountId: string | null): Promise<ClinicianRow | undefined> {
  return toClinician(await clinicianQuery(db, id, accountId).forNoKeyUpdate().executeTakeFirst());
}

export async function listClinicianIds(db: Db, accountId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('account_id', '=', asUuid(accountId))
    .where('role', '=', 'clinician')
    .where('status', '=', 'active')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

const sortedUnique = <T extends number | string>(values: readonly T[]) =>
  [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * One clinician's rows as a pattern. Every row of a clinician carries the same zone, slot length and dates
 * (they are written together); a row with no days only holds those settings.
 */
export function toPattern(rows: readonly AvailabilityRow[]): AvailabilityPattern & { updatedAt: Date | null } {
  const first = rows[0];
  if (!first)
    return {
      timeZone: DEFAULT_TIME_ZONE,
      slotMinutes: DEFAULT_SLOT_MINUTES,
      startDate: null,
      validUntil: null,
      rules: [],
      updatedAt: null,
    };
  const rules = rows
    .filter((r) => r.days_of_week.length > 0 && r.time_slots.length > 0)
    .map((r) => ({ daysOfWeek: sortedUnique(r.days_of_week), timeSlots: sortedUnique(r.time_slots) }))
    .sort(
      (a, b) =>
        (a.daysOfWeek[0] ?? 0) - (b.daysOfWeek[0] ?? 0) || ((a.timeSlots[0] ?? '') < (b.timeSlots[0] ?? '') ? -1 : 1),
    );
  return {
    timeZone: first.time_zone,
    slotMinutes: first.slot_minutes,
    startDate: isoDate(first.start_date),
    validUntil: isoDate(first.valid_until ?? first.end_date),
    rules,
    updatedAt: new Date(first.updated_at),
  };
}

/** Patterns of clinicians that have one, by clinician id. */
export async function findPatterns(
  db: Db,
  clinicianIds: readonly string[],
): Promise<Map<string, ReturnType<typeof toPattern>>> {
  const patterns = new Map<string, ReturnType<typeof toPattern>>();
  if (clinicianIds.length === 0) return patterns;
  const rows = await db
    .selectFrom('recurring_availability')
    .selectAll()
    .where('clinician_id', 'in', clinicianIds.map(asUuid))
    .orderBy('clinician_id')
    .orderBy('id')
    .execute();
  const byClinician = new Map<string, AvailabilityRow[]>();
  for (const row of rows) {
    const list = byClinician.get(row.clinician_id) ?? [];
    list.push(row);
    byClinician.set(row.clinician_id, list);
  }
  for (const [id, list] of byClinician) patterns.set(id, toPattern(list));
  return patterns;
}

/**
 * Replaces a clinician's pattern and writes one audit row, in one statement. Run it after `lockClinician` in the
 * same transaction: the statement then starts after any concurrent save committed, and deletes its rows too.
 */
export async function replacePattern(
  db: Db,
  clinicianId: string,
  pattern: AvailabilityPattern,
  audit: AuditFor,
): Promise<AvailabilityRow[]> {
  const rules = pattern.rules.length > 0 ? pattern.rules : [{ daysOfWeek: [], timeSlots: [] }];
  const insert = db
    .insertInto('recurring_availability')
    .values(
      rules.map((rule) => ({
        clinician_id: asUuid(clinicianId),
        // The document's single-value columns are filled when a rule is a single day / single start.
        day_of_week: rule.daysOfWeek.length === 1 ? rule.daysOfWeek[0] : null,
        time:
          rule.timeSlots.length === 1 && /^\d{2}:\d{2}$/.test(rule.timeSlots[0] ?? '')
            ? asTime(rule.timeSlots[0] as string)
            : null,
        start_date: pattern.startDate ? asDate(pattern.startDate) : null,
        end_date: pattern.validUntil ? asDate(pattern.validUntil) : null,
        valid_until: pattern.validUntil ? asDate(pattern.validUntil) : null,
        days_of_week: asJson(rule.daysOfWeek),
        time_slots: asJson(rule.timeSlots),
        time_zone: pattern.timeZone,
        slot_minutes: pattern.slotMinutes,
      })),
    )
    .returningAll();
  // The delete sees only the rows from before this statement, never the ones it inserts.
  const { rows } = await sql<AvailabilityRow>`
    with replaced as (${db.deleteFrom('recurring_availability').where('clinician_id', '=', asUuid(clinicianId))}),
    saved as (${insert}),
    change as (select 1),
    audited as (${auditInsertFor('change', audit)})
    select * from saved
  `.execute(db);
  return rows;
}

/** The demo pattern: weekdays 09:00–16:00, 30-minute slots, New York time. */
export const DEMO_PATTERN: AvailabilityPattern = {
  timeZone: 'America/New_York',
  slotMinutes: 30,
  startDate: null,
  validUntil: null,
  rules: [{ daysOfWeek: [0, 1, 2, 3, 4], timeSlots: ['09:00-16:00'] }],
};

/** Gives each clinician without a pattern the demo pattern; clinicians that have one keep it (idempotent). */
export async function seedAvailability(db: Db, clinicianIds: readonly string[]): Promise<void> {
  const [rule] = DEMO_PATTERN.rules;
  if (!rule) return;
  for (const id of clinicianIds) {
    await sql`
      insert into recurring_availability (clinician_id, days_of_week, time_slots, time_zone, slot_minutes)
      select u.id, ${asJson(rule.daysOfWeek)}, ${asJson(rule.timeSlots)}, ${DEMO_PATTERN.timeZone}, ${DEMO_PATTERN.slotMinutes}
      from users u
      where u.id = ${asUuid(id)} and u.role = 'clinician'
        and not exists (select 1 from recurring_availability r where r.clinician_id = u.id)
    `.execute(db);
  }
}
