import { authConfig } from '../config.ts';
import type { Db } from '../db.ts';
import type { UserRole } from '../database.ts';

export interface DirectoryEntry {
  userId: string;
  role: UserRole;
  accountId: string | null;
  active: boolean;
}

interface CacheEntry {
  entry: DirectoryEntry | undefined;
  expiresAt: number;
}

const cache = new Map<string, CacheEntry>();

/**
 * Looks up the user row of a verified token. The answer is cached for `AUTH_USER_CACHE_TTL_MS`
 * (30 s by default, well inside the promise that suspending a user or an account locks them out
 * within 60 s) so a warm Lambda does not spend a Data API round trip per request on it.
 */
export async function findStaffBySub(db: Db, sub: string, now = Date.now()): Promise<DirectoryEntry | undefined> {
  const cached = cache.get(sub);
  if (cached && cached.expiresAt > now) return cached.entry;
  const row = await db
    .selectFrom('users')
    .leftJoin('accounts', 'accounts.id', 'users.account_id')
    .select(['users.id', 'users.role', 'users.account_id', 'users.status', 'accounts.status as account_status'])
    .where('users.cognito_sub', '=', sub)
    .executeTakeFirst();
  const entry: DirectoryEntry | undefined = row
    ? {
        userId: row.id,
        role: row.role,
        accountId: row.account_id,
        active:
          row.status === 'active' &&
          (row.account_id === null ? row.role === 'super_admin' : row.account_status === 'active'),
      }
    : undefined;
  if (authConfig.userCacheTtlMs > 0) cache.set(sub, { entry, expiresAt: now + authConfig.userCacheTtlMs });
  return entry;
}

export function forgetStaff(sub?: string): void {
  if (sub) cache.delete(sub);
  else cache.clear();
}
