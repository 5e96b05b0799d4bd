import { badRequest } from './errors.ts';
import { recordAudit, type AuditContext, type AuditEntry } from './audit.ts';
import type { Db } from './db.ts';

/**
 * Keyset cursors: the sort key and id of the last row, base64url JSON. Opaque to clients, stable under
 * inserts, and every page is one indexed range scan.
 */
export type CursorKey = [string | number | null, string];

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * What a cursor's sort key must be for the query it feeds: `text` (names, e-mails) or `instant` (a
 * timestamp the database can cast), each followed by a UUID id. Without a shape only the structure is
 * checked.
 */
export type CursorShape = 'text' | 'instant';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-](\d{2})(:?\d{2})?)$/;

/** An ISO 8601 / PostgreSQL (DateStyle ISO) timestamp with an offset that PostgreSQL will cast without error. */
function isInstant(value: string): boolean {
  const m = INSTANT.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    year >= 1 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    Number(m[9] ?? 0) <= 15
  );
}

function fits(key: CursorKey, shape: CursorShape): boolean {
  if (!UUID.test(key[1]) || typeof key[0] !== 'string') return false;
  // Text PostgreSQL cannot compare against: NUL and lone surrogates.
  if (key[0].includes('\u0000') || !(key[0] as string & { isWellFormed(): boolean }).isWellFormed()) return false;
  return shape === 'text' || isInstant(key[0]);
}

/**
 * Decodes a cursor from a previous page. Anything else (garbage, another list's cursor, a hand-made key
 * the database could not cast) is a 400 on `query.cursor`, never a database error.
 */
export function decodeCursor(cursor: string | undefined, shape?: CursorShape): CursorKey | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      (Array.isArray(parsed) &&
        parsed.length === 2 &&
        typeof parsed[1] === 'string' &&
        ['string', 'number'].includes(typeof parsed[0])) ||
      (Array.isArray(parsed) && parsed.length === 2 && parsed[0] === null && typeof parsed[1] === 'string')
    ) {
      if (!shape || fits(parsed as CursorKey, shape)) return parsed as CursorKey;
    }
  } catch {
    // fall through
  }
  throw badRequest('Invalid cursor', [{ field: 'query.cursor', message: 'must be a cursor from a previous page' }]);
}

/** Rows are fetched with limit + 1 to know whether another page exists. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => CursorKey,
  map: (row: R) => T,
): { items: T[]; nextCursor: string | null } {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(map),
    nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null,
  };
}

/**
 * The page of a list of patient data, audited: one audit row per row on the page (every access to patient data
 * is audited, lists included), written before the page is returned.
 */
export async function auditedPage<R, T>(
  db: Db,
  context: AuditContext,
  rows: R[],
  limit: number,
  audit: (row: R) => AuditEntry,
  keyOf: (row: R) => CursorKey,
  map: (row: R) => T,
): Promise<{ items: T[]; nextCursor: string | null }> {
  await recordAudit(db, context, rows.slice(0, limit).map(audit));
  return toPage(rows, limit, keyOf, map);
}
