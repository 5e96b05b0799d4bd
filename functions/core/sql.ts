import { sql, type RawBuilder } from 'kysely';

/**
 * The RDS Data API sends untyped string parameters as varchar, so every non-text parameter is cast
 * in SQL. These helpers are the only way repositories pass such values.
 */
export const asUuid = (value: string): RawBuilder<string> => sql<string>`cast(${value} as uuid)`;
export const asJson = (value: unknown): RawBuilder<string> => sql<string>`cast(${JSON.stringify(value)} as jsonb)`;
export const asDate = (value: string): RawBuilder<string> => sql<string>`cast(${value} as date)`;
export const asTime = (value: string): RawBuilder<string> => sql<string>`cast(${value} as time)`;
export const asTimestamptz = (value: Date | string): RawBuilder<Date> =>
  sql<Date>`cast(${typeof value === 'string' ? value : value.toISOString()} as timestamptz)`;

/** Dates come back as Date (pg and Data API) or string; the API speaks `YYYY-MM-DD`. */
export function isoDate(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.slice(0, 10);
  return value.toISOString().slice(0, 10);
}

export function isoInstant(value: Date | string): string;
export function isoInstant(value: Date | string | null | undefined): string | null;
export function isoInstant(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return (typeof value === 'string' ? new Date(value) : value).toISOString();
}

/** The database clock, so every timestamp of one statement agrees. */
export const dbNow = (): RawBuilder<Date> => sql<Date>`now()`;

/**
 * An instant as PostgreSQL's text (with its offset, so casting it back to timestamptz is exact). Keyset
 * cursors use it: a JavaScript Date keeps only milliseconds, and rows written in one transaction share one
 * `now()`, so a millisecond cursor would skip the rest of the rows of that instant.
 */
export const instantText = (column: string): RawBuilder<string> => sql<string>`cast(${sql.ref(column)} as text)`;

/**
 * The keyset condition of a cursor page: rows after `key` in (sort column, id) order, as one row comparison
 * (`(created_at, id) < (…, …)`), which a btree index on the same two columns serves directly.
 */
export function keysetAfter(
  columns: readonly [sort: string, id: string],
  key: readonly [sort: string | number | null, id: string],
  order: 'asc' | 'desc',
  sortType: 'instant' | 'text',
): RawBuilder<boolean> {
  const sortValue = sortType === 'instant' ? asTimestamptz(String(key[0])) : sql`${String(key[0])}`;
  const comparison = sql.raw(order === 'desc' ? '<' : '>');
  return sql<boolean>`(${sql.ref(columns[0])}, ${sql.ref(columns[1])}) ${comparison} (${sortValue}, ${asUuid(key[1])})`;
}
