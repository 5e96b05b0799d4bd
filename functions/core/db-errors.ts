/**
 * The SQLSTATE of a database error. node-postgres exposes it as `code`; the RDS Data API only puts it
 * in the message (`...; SQLState: 23505`), so both are read.
 */
export function sqlState(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const message = (error as { message?: unknown }).message;
  if (typeof message === 'string') {
    const match = /SQLState: ([0-9A-Z]{5})/.exec(message);
    if (match) return match[1];
  }
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export const UNIQUE_VIOLATION = '23505';
export const EXCLUSION_VIOLATION = '23P01';
export const FOREIGN_KEY_VIOLATION = '23503';
export const SERIALIZATION_FAILURE = '40001';
export const DEADLOCK_DETECTED = '40P01';
