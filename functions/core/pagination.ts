import { badRequest } from './errors.ts';

/**
 * Keyset cursors: the sort key and id of the last row, base64url JSON. Opaque to clients, stable under
 * inserts, and every page is one indexed range scan.
 */
export type CursorKey = [string | number | null, string];

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): CursorKey | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === 'string' && ['string', 'number'].includes(typeof parsed[0]) || (Array.isArray(parsed) && parsed[0] === null && typeof parsed[1] === 'string')) {
      return parsed as CursorKey;
    }
  } catch {
    // fall through
  }
  throw badRequest('Invalid cursor', [{ field: 'query.cursor', message: 'must be a cursor from a previous page' }]);
}

/** Rows are fetched with limit + 1 to know whether another page exists. */
export function toPage<R, T>(rows: R[], limit: number, keyOf: (row: R) => CursorKey, map: (row: R) => T): { items: T[]; nextCursor: string | null } {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(map),
    nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null,
  };
}
