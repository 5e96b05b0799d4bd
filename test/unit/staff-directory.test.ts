import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// The cache TTL is read once when the config module loads; the test setup sets it to 0 (no caching) for
// the API suites. Here it is the production default, set before anything imports the config.
const TTL_MS = 30_000;
process.env.AUTH_USER_CACHE_TTL_MS = String(TTL_MS);
const { authConfig } = await import('../../functions/core/config.ts');
const { findStaffBySub, forgetStaff } = await import('../../functions/core/auth/staff-directory.ts');
const { createTestDatabase } = await import('../support/database.ts');
const { seedDemoData } = await import('../../functions/local/seed.ts');

type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;

describe('staff directory cache', () => {
  let database: TestDatabase;
  let seed: Awaited<ReturnType<typeof seedDemoData>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    seed = await seedDemoData(database.db);
  });
  afterAll(async () => {
    forgetStaff();
    await database?.destroy();
  });

  const subOf = async (email: string) =>
    (await database.db.selectFrom('users').select('cognito_sub').where('email', '=', email).executeTakeFirstOrThrow())
      .cognito_sub;
  const setUserStatus = (email: string, status: 'active' | 'suspended') =>
    database.db.updateTable('users').set({ status }).where('email', '=', email).execute();
  const setAccountStatus = (name: string, status: 'active' | 'suspended') =>
    database.db.updateTable('accounts').set({ status }).where('name', '=', name).execute();

  test('the TTL is the configured 30 s', () => {
    expect(authConfig.userCacheTtlMs).toBe(TTL_MS);
  });

  test('resolves a user row: role, account and active state', async () => {
    const entry = await findStaffBySub(database.db, await subOf('clinician@demo-clinic.test'), 1_000);
    expect(entry).toEqual({
      userId: seed.users['clinician@demo-clinic.test'],
      role: 'clinician',
      accountId: seed.accounts['Demo Clinic'],
      active: true,
    });
    const operator = await findStaffBySub(database.db, await subOf('superadmin@genascope.test'), 1_000);
    expect(operator).toMatchObject({ role: 'super_admin', accountId: null, active: true });
    expect(await findStaffBySub(database.db, 'no-such-sub', 1_000)).toBeUndefined();
  });

  test('a cached entry is served until the TTL passes, then read again', async () => {
    const sub = await subOf('staff@demo-clinic.test');
    const t0 = 10_000_000;
    expect((await findStaffBySub(database.db, sub, t0))?.active).toBe(true);

    await setUserStatus('staff@demo-clinic.test', 'suspended');
    // Within the TTL the cached (stale) answer stands…
    expect((await findStaffBySub(database.db, sub, t0 + 1))?.active).toBe(true);
    expect((await findStaffBySub(database.db, sub, t0 + TTL_MS - 1))?.active).toBe(true);
    // …and once it has passed, the suspension is seen.
    expect((await findStaffBySub(database.db, sub, t0 + TTL_MS))?.active).toBe(false);

    // The fresh answer is cached in turn, from the time it was read.
    await setUserStatus('staff@demo-clinic.test', 'active');
    expect((await findStaffBySub(database.db, sub, t0 + TTL_MS + 1))?.active).toBe(false);
    expect((await findStaffBySub(database.db, sub, t0 + 2 * TTL_MS))?.active).toBe(true);
  });

  test('suspending the account is seen after the TTL', async () => {
    const sub = await subOf('admin@lakeside-clinic.test');
    const t0 = 50_000_000;
    expect((await findStaffBySub(database.db, sub, t0))?.active).toBe(true);
    await setAccountStatus('Lakeside Clinic', 'suspended');
    expect((await findStaffBySub(database.db, sub, t0 + TTL_MS - 1))?.active).toBe(true);
    expect((await findStaffBySub(database.db, sub, t0 + TTL_MS))?.active).toBe(false);
    await setAccountStatus('Lakeside Clinic', 'active');
  });

  test('forgetStaff drops one entry or all of them at once', async () => {
    const sub = await subOf('clinician@lakeside-clinic.test');
    const other = await subOf('staff@lakeside-clinic.test');
    const t0 = 90_000_000;
    await findStaffBySub(database.db, sub, t0);
    await findStaffBySub(database.db, other, t0);
    await setUserStatus('clinician@lakeside-clinic.test', 'suspended');
    await setUserStatus('staff@lakeside-clinic.test', 'suspended');
    expect((await findStaffBySub(database.db, sub, t0 + 1))?.active).toBe(true);
    forgetStaff(sub);
    expect((await findStaffBySub(database.db, sub, t0 + 2))?.active).toBe(false);
    expect((await findStaffBySub(database.db, other, t0 + 2))?.active).toBe(true);
    forgetStaff();
    expect((await findStaffBySub(database.db, other, t0 + 3))?.active).toBe(false);
  });
});
