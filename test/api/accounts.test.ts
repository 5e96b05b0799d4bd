import { describe, expect, test } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { useTestApi } from '../support/api.ts';

const SUPER = 'superadmin@genascope.test';
const ADMIN = 'admin@demo-clinic.test';
const CLINICIAN = 'clinician@demo-clinic.test';
const STAFF = 'staff@demo-clinic.test';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field).sort();

describe.each(DIALECTS)('accounts (%s)', (dialect) => {
  const api = useTestApi(dialect);
  const demo = () => api().seed.accounts['Demo Clinic'] as string;
  const lakeside = () => api().seed.accounts['Lakeside Clinic'] as string;
  const accountRow = (id: string) =>
    api().db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const countAccounts = async () =>
    Number(
      (
        await api()
          .db.selectFrom('accounts')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  test('super_admin lists every account, paginated by name without overlap', async () => {
    const token = await api().token(SUPER);
    for (const name of ['Aardvark Health', 'Zebra Genetics']) {
      expect((await api().request('POST', '/v1/accounts', { token, body: { name } })).status).toBe(201);
    }
    const all = await api().request('GET', '/v1/accounts?limit=100', { token });
    expect(all.status).toBe(200);
    const names = all.body.items.map((a: { name: string }) => a.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(
      expect.arrayContaining(['Aardvark Health', 'Demo Clinic', 'Lakeside Clinic', 'Zebra Genetics']),
    );
    expect(all.body.nextCursor).toBeNull();

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: { items: { id: string; name: string }[]; nextCursor: string | null } } =
        await api().request('GET', `/v1/accounts?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { token });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.items.map((a) => a.name));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(seen).toEqual(names);
    expect(new Set(seen).size).toBe(seen.length);
  });

  test('account_admin lists only its own account; clinician and office_staff are refused', async () => {
    const response = await api().request('GET', '/v1/accounts', { token: await api().token(ADMIN) });
    expect(response.status).toBe(200);
    expect(response.body.items.map((a: { id: string }) => a.id)).toEqual([demo()]);
    for (const email of [CLINICIAN, STAFF]) {
      const refused = await api().request('GET', '/v1/accounts', { token: await api().token(email) });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  test('the status filter and list validation', async () => {
    const token = await api().token(SUPER);
    const created = await api().request('POST', '/v1/accounts', {
      token,
      body: { name: 'Dormant Clinic', status: 'inactive' },
    });
    expect(created.status).toBe(201);
    const inactive = await api().request('GET', '/v1/accounts?status=inactive', { token });
    expect(inactive.body.items.map((a: { name: string }) => a.name)).toEqual(['Dormant Clinic']);
    const bad = await api().request('GET', '/v1/accounts?status=closed&limit=101', { token });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(['query.limit', 'query.status']);
    const badCursor = await api().request('GET', '/v1/accounts?cursor=bm90LWEtY3Vyc29y', { token });
    expect(badCursor.status).toBe(400);
    expect(fieldsOf(badCursor.body)).toEqual(['query.cursor']);
    const crafted = await api().request(
      'GET',
      `/v1/accounts?cursor=${Buffer.from(JSON.stringify(['Demo Clinic', 'x'])).toString('base64url')}`,
      { token },
    );
    expect(crafted.status).toBe(400);
    expect(fieldsOf(crafted.body)).toEqual(['query.cursor']);
  });

  test('super_admin creates an account; the row is stored as answered', async () => {
    const token = await api().token(SUPER);
    const response = await api().request('POST', '/v1/accounts', {
      token,
      body: {
        name: '  Harbor Oncology  ',
        subscriptionTier: 'premium',
        maxUsers: 5,
        settings: { displayName: 'Harbor', reminders: true },
      },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`/v1/accounts/${response.body.id}`);
    expect(response.body).toMatchObject({
      name: 'Harbor Oncology',
      status: 'active',
      subscriptionTier: 'premium',
      maxUsers: 5,
      settings: { displayName: 'Harbor', reminders: true },
    });
    expect(response.body.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
    const row = await accountRow(response.body.id);
    expect(row).toMatchObject({
      name: 'Harbor Oncology',
      status: 'active',
      subscription_tier: 'premium',
      max_users: 5,
      settings: { displayName: 'Harbor', reminders: true },
    });
    const fetched = await api().request('GET', `/v1/accounts/${response.body.id}`, { token });
    expect(fetched.body).toEqual(response.body);
  });

  test('creating an account is for super_admin only', async () => {
    const before = await countAccounts();
    for (const email of [ADMIN, CLINICIAN, STAFF]) {
      const response = await api().request('POST', '/v1/accounts', {
        token: await api().token(email),
        body: { name: `By ${email}` },
      });
      expect(response.status).toBe(403);
    }
    expect(await countAccounts()).toBe(before);
  });

  test('invalid account bodies answer 422 naming each field and write nothing', async () => {
    const token = await api().token(SUPER);
    const before = await countAccounts();
    const response = await api().request('POST', '/v1/accounts', {
      token,
      body: { name: '', status: 'closed', maxUsers: 0, settings: { ok: 'x', nested: { no: true } }, plan: 'gold' },
    });
    expect(response.status).toBe(422);
    expect(fieldsOf(response.body)).toEqual([
      'body.maxUsers',
      'body.name',
      'body.plan',
      'body.settings.nested',
      'body.status',
    ]);
    const fractional = await api().request('POST', '/v1/accounts', {
      token,
      body: { name: 'Fraction', maxUsers: 2.5 },
    });
    expect(fractional.status).toBe(422);
    expect(fieldsOf(fractional.body)).toEqual(['body.maxUsers']);
    expect(await countAccounts()).toBe(before);
  });

  test('GET one account: own for account_admin, any for super_admin, 404 across clinics, 400 for a bad id', async () => {
    const admin = await api().token(ADMIN);
    const own = await api().request('GET', `/v1/accounts/${demo()}`, { token: admin });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: demo(), name: 'Demo Clinic', maxUsers: 50 });
    const foreign = await api().request('GET', `/v1/accounts/${lakeside()}`, { token: admin });
    const unknown = await api().request('GET', `/v1/accounts/${UNKNOWN_ID}`, { token: admin });
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    // Another clinic's id answers exactly like an unknown one.
    expect(foreign.body.detail).toBe(unknown.body.detail);
    expect((await api().request('GET', `/v1/accounts/${lakeside()}`, { token: await api().token(SUPER) })).status).toBe(
      200,
    );
    expect((await api().request('GET', `/v1/accounts/${UNKNOWN_ID}`, { token: await api().token(SUPER) })).status).toBe(
      404,
    );
    const bad = await api().request('GET', '/v1/accounts/demo', { token: admin });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(['path.accountId']);
    for (const email of [CLINICIAN, STAFF]) {
      expect((await api().request('GET', `/v1/accounts/${demo()}`, { token: await api().token(email) })).status).toBe(
        403,
      );
    }
  });

  test('account_admin changes its own name and settings, nothing else', async () => {
    const admin = await api().token(ADMIN);
    const response = await api().request('PATCH', `/v1/accounts/${demo()}`, {
      token: admin,
      body: { name: 'Demo Clinic', settings: { displayName: 'Demo' } },
    });
    expect(response.status).toBe(200);
    expect(response.body.settings).toEqual({ displayName: 'Demo' });
    expect((await accountRow(demo())).settings).toEqual({ displayName: 'Demo' });

    for (const body of [
      { status: 'suspended' },
      { maxUsers: 1000 },
      { subscriptionTier: 'enterprise' },
      { name: 'Demo 2', maxUsers: 1000 },
    ]) {
      const refused = await api().request('PATCH', `/v1/accounts/${demo()}`, { token: admin, body });
      expect(refused.status).toBe(403);
    }
    const row = await accountRow(demo());
    expect(row).toMatchObject({ name: 'Demo Clinic', status: 'active', max_users: 50, subscription_tier: 'standard' });
  });

  test("account_admin cannot change another clinic's account: 404, and the row is unchanged", async () => {
    const admin = await api().token(ADMIN);
    const response = await api().request('PATCH', `/v1/accounts/${lakeside()}`, {
      token: admin,
      body: { name: 'Taken Over' },
    });
    expect(response.status).toBe(404);
    expect((await accountRow(lakeside())).name).toBe('Lakeside Clinic');
  });

  test('clinician and office_staff cannot change the account', async () => {
    for (const email of [CLINICIAN, STAFF]) {
      const response = await api().request('PATCH', `/v1/accounts/${demo()}`, {
        token: await api().token(email),
        body: { name: 'Mine' },
      });
      expect(response.status).toBe(403);
    }
    expect((await accountRow(demo())).name).toBe('Demo Clinic');
  });

  test('super_admin changes limits and tier; invalid patches answer 422 and change nothing', async () => {
    const token = await api().token(SUPER);
    const created = await api().request('POST', '/v1/accounts', { token, body: { name: 'Patchable Clinic' } });
    const id = created.body.id as string;
    const response = await api().request('PATCH', `/v1/accounts/${id}`, {
      token,
      body: { maxUsers: 12, subscriptionTier: null },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ maxUsers: 12, subscriptionTier: null });
    expect(new Date(response.body.updatedAt).getTime()).toBeGreaterThanOrEqual(
      new Date(created.body.updatedAt).getTime(),
    );

    const empty = await api().request('PATCH', `/v1/accounts/${id}`, { token, body: {} });
    expect(empty.status).toBe(422);
    expect(fieldsOf(empty.body)).toEqual(['body']);
    const invalid = await api().request('PATCH', `/v1/accounts/${id}`, {
      token,
      body: { maxUsers: -1, status: 'gone' },
    });
    expect(invalid.status).toBe(422);
    expect(fieldsOf(invalid.body)).toEqual(['body.maxUsers', 'body.status']);
    expect(await accountRow(id)).toMatchObject({ max_users: 12, status: 'active', subscription_tier: null });
    expect(
      (await api().request('PATCH', `/v1/accounts/${UNKNOWN_ID}`, { token, body: { name: 'Ghost' } })).status,
    ).toBe(404);
  });
});
