import { describe, expect, test } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { useTestApi } from '../support/api.ts';
import { whileRowLocked } from '../support/assessment.ts';

const SUPER = 'superadmin@genascope.test';
const ADMIN = 'admin@demo-clinic.test';
const CLINICIAN = 'clinician@demo-clinic.test';
const STAFF = 'staff@demo-clinic.test';
const LAKESIDE_ADMIN = 'admin@lakeside-clinic.test';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field).sort();

describe.each(DIALECTS)('users (%s)', (dialect) => {
  const api = useTestApi(dialect);
  const demo = () => api().seed.accounts['Demo Clinic'] as string;
  const lakeside = () => api().seed.accounts['Lakeside Clinic'] as string;
  const userId = (email: string) => api().seed.users[email] as string;
  const userRow = (email: string) =>
    api().db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  const countUsers = async () =>
    Number(
      (
        await api()
          .db.selectFrom('users')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  test('account_admin lists the users of its own account only, paginated by e-mail without overlap', async () => {
    const token = await api().token(ADMIN);
    const all = await api().request('GET', '/v1/users', { token });
    expect(all.status).toBe(200);
    const emails = all.body.items.map((u: { email: string }) => u.email);
    expect(emails).toEqual([ADMIN, CLINICIAN, STAFF]);
    expect(all.body.items.every((u: { accountId: string }) => u.accountId === demo())).toBe(true);

    const first = await api().request('GET', '/v1/users?limit=2', { token });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api().request('GET', `/v1/users?limit=2&cursor=${first.body.nextCursor}`, { token });
    expect(second.body.items.map((u: { email: string }) => u.email)).toEqual([STAFF]);
    expect(second.body.nextCursor).toBeNull();

    // Asking for another clinic does not widen an account_admin's scope.
    const foreign = await api().request('GET', `/v1/users?accountId=${lakeside()}`, { token });
    expect(foreign.body.items.map((u: { email: string }) => u.email)).toEqual([ADMIN, CLINICIAN, STAFF]);
  });

  test('role and status filters; super_admin lists any account', async () => {
    const admin = await api().token(ADMIN);
    const clinicians = await api().request('GET', '/v1/users?role=clinician', { token: admin });
    expect(clinicians.body.items.map((u: { email: string }) => u.email)).toEqual([CLINICIAN]);
    const superAdmin = await api().token(SUPER);
    const lakesideUsers = await api().request('GET', `/v1/users?accountId=${lakeside()}`, { token: superAdmin });
    expect(lakesideUsers.body.items.map((u: { email: string }) => u.email)).toEqual([
      LAKESIDE_ADMIN,
      'clinician@lakeside-clinic.test',
      'staff@lakeside-clinic.test',
    ]);
    const everyone = await api().request('GET', '/v1/users?limit=100', { token: superAdmin });
    expect(everyone.body.items.map((u: { email: string }) => u.email)).toContain(SUPER);
    const bad = await api().request('GET', '/v1/users?role=owner&status=gone&accountId=x', { token: admin });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(['query.accountId', 'query.role', 'query.status']);
    const craftedCursor = Buffer.from(JSON.stringify(['a@demo-clinic.test', 'not-a-uuid'])).toString('base64url');
    for (const path of ['/v1/users', '/v1/clinicians']) {
      const response = await api().request('GET', `${path}?cursor=${craftedCursor}`, { token: admin });
      expect(response.status, path).toBe(400);
      expect(fieldsOf(response.body)).toEqual(['query.cursor']);
    }
  });

  test('clinician and office_staff are refused every /v1/users route', async () => {
    const before = await countUsers();
    for (const email of [CLINICIAN, STAFF]) {
      const token = await api().token(email);
      const target = userId(STAFF);
      const calls = [
        api().request('GET', '/v1/users', { token }),
        api().request('POST', '/v1/users', {
          token,
          body: { email: 'x@demo-clinic.test', firstName: 'X', lastName: 'Y', role: 'office_staff' },
        }),
        api().request('GET', `/v1/users/${target}`, { token }),
        api().request('PATCH', `/v1/users/${target}`, { token, body: { firstName: 'Changed' } }),
        api().request('DELETE', `/v1/users/${target}`, { token }),
      ];
      for (const response of await Promise.all(calls)) expect(response.status).toBe(403);
    }
    expect(await countUsers()).toBe(before);
    expect(await userRow(STAFF)).toMatchObject({ first_name: 'Sam', status: 'active' });
  });

  test('GET /v1/clinicians: every staff role sees its own clinic’s active clinicians', async () => {
    for (const email of [ADMIN, CLINICIAN, STAFF]) {
      const response = await api().request('GET', '/v1/clinicians', { token: await api().token(email) });
      expect(response.status).toBe(200);
      expect(response.body.items).toEqual([
        { id: userId(CLINICIAN), firstName: 'Casey', lastName: 'Clinician', email: CLINICIAN },
      ]);
    }
    const lakesideView = await api().request('GET', '/v1/clinicians', {
      token: await api().token('staff@lakeside-clinic.test'),
    });
    expect(lakesideView.body.items.map((c: { email: string }) => c.email)).toEqual(['clinician@lakeside-clinic.test']);
    const superView = await api().request('GET', `/v1/clinicians?accountId=${lakeside()}`, {
      token: await api().token(SUPER),
    });
    expect(superView.status).toBe(200);
    expect(superView.body.items.map((c: { email: string }) => c.email)).toEqual(['clinician@lakeside-clinic.test']);
  });

  test('account_admin creates a user in its own account: identity, row, audit, and a working login', async () => {
    const token = await api().token(ADMIN);
    const response = await api().request('POST', '/v1/users', {
      token,
      body: { email: 'New.Clinician@Demo-Clinic.test', firstName: 'Nora', lastName: 'New', role: 'clinician' },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`/v1/users/${response.body.id}`);
    expect(response.body).toMatchObject({
      email: 'new.clinician@demo-clinic.test',
      role: 'clinician',
      accountId: demo(),
      status: 'active',
      lastLogin: null,
    });
    const row = await userRow('new.clinician@demo-clinic.test');
    expect(row).toMatchObject({ id: response.body.id, account_id: demo(), role: 'clinician' });
    expect(row?.cognito_sub).toMatch(/^[0-9a-f-]{36}$/);
    const audit = await api()
      .db.selectFrom('audit_events')
      .selectAll()
      .where('resource_id', '=', response.body.id)
      .execute();
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'user.create',
        actor_type: 'user',
        actor_id: userId(ADMIN),
        account_id: demo(),
        request_id: response.headers.get('x-request-id'),
      }),
    ]);
    const me = await api().request('GET', '/v1/me', { token: await api().token('new.clinician@demo-clinic.test') });
    expect(me.status).toBe(200);
    expect(me.body.role).toBe('clinician');
    expect(me.body.account.id).toBe(demo());
  });

  test('invalid user bodies answer 422 naming each field and write nothing', async () => {
    const token = await api().token(ADMIN);
    const before = await countUsers();
    const response = await api().request('POST', '/v1/users', {
      token,
      body: { email: 'not-an-email', firstName: '', lastName: 'x'.repeat(101), role: 'owner', password: 'secret' },
    });
    expect(response.status).toBe(422);
    expect(fieldsOf(response.body)).toEqual([
      'body.email',
      'body.firstName',
      'body.lastName',
      'body.password',
      'body.role',
    ]);
    const missing = await api().request('POST', '/v1/users', { token, body: { email: 'missing@demo-clinic.test' } });
    expect(missing.status).toBe(422);
    expect(fieldsOf(missing.body)).toEqual(['body.firstName', 'body.lastName', 'body.role']);
    expect(await countUsers()).toBe(before);
  });

  test('a duplicate e-mail answers 409', async () => {
    const token = await api().token(ADMIN);
    const before = await countUsers();
    const response = await api().request('POST', '/v1/users', {
      token,
      body: { email: 'CLINICIAN@lakeside-clinic.test', firstName: 'Dup', lastName: 'Licate', role: 'clinician' },
    });
    expect(response.status).toBe(409);
    expect(await countUsers()).toBe(before);
  });

  test('account_admin can never create a super_admin nor a user in another account', async () => {
    const token = await api().token(ADMIN);
    const before = await countUsers();
    const superAttempt = await api().request('POST', '/v1/users', {
      token,
      body: { email: 'sneaky.super@demo-clinic.test', firstName: 'Sneaky', lastName: 'Super', role: 'super_admin' },
    });
    expect(superAttempt.status).toBe(403);
    const foreign = await api().request('POST', '/v1/users', {
      token,
      body: {
        email: 'planted@lakeside-clinic.test',
        firstName: 'Planted',
        lastName: 'User',
        role: 'clinician',
        accountId: lakeside(),
      },
    });
    expect(foreign.status).toBe(403);
    expect(await countUsers()).toBe(before);
    expect(await userRow('sneaky.super@demo-clinic.test')).toBeUndefined();
    expect(await userRow('planted@lakeside-clinic.test')).toBeUndefined();
  });

  test('super_admin names the account of clinic users, and none for super_admins', async () => {
    const token = await api().token(SUPER);
    const noAccount = await api().request('POST', '/v1/users', {
      token,
      body: { email: 'orphan@example.com', firstName: 'Or', lastName: 'Phan', role: 'clinician' },
    });
    expect(noAccount.status).toBe(422);
    expect(fieldsOf(noAccount.body)).toEqual(['body.accountId']);
    const unknownAccount = await api().request('POST', '/v1/users', {
      token,
      body: { email: 'ghost@example.com', firstName: 'Gh', lastName: 'Ost', role: 'clinician', accountId: UNKNOWN_ID },
    });
    expect(unknownAccount.status).toBe(422);
    expect(fieldsOf(unknownAccount.body)).toEqual(['body.accountId']);
    const superWithAccount = await api().request('POST', '/v1/users', {
      token,
      body: { email: 'op2@genascope.test', firstName: 'Op', lastName: 'Two', role: 'super_admin', accountId: demo() },
    });
    expect(superWithAccount.status).toBe(422);
    expect(await userRow('orphan@example.com')).toBeUndefined();
    expect(await userRow('op2@genascope.test')).toBeUndefined();

    const clinicUser = await api().request('POST', '/v1/users', {
      token,
      body: {
        email: 'lake.staff2@lakeside-clinic.test',
        firstName: 'Lake',
        lastName: 'Staff',
        role: 'office_staff',
        accountId: lakeside(),
      },
    });
    expect(clinicUser.status).toBe(201);
    expect(clinicUser.body.accountId).toBe(lakeside());
    const operator = await api().request('POST', '/v1/users', {
      token,
      body: { email: 'op3@genascope.test', firstName: 'Op', lastName: 'Three', role: 'super_admin' },
    });
    expect(operator.status).toBe(201);
    expect(operator.body.accountId).toBeNull();
  });

  test('GET one user: own clinic for account_admin; another clinic and unknown ids answer 404', async () => {
    const token = await api().token(ADMIN);
    const own = await api().request('GET', `/v1/users/${userId(CLINICIAN)}`, { token });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ email: CLINICIAN, role: 'clinician', firstName: 'Casey' });
    const foreign = await api().request('GET', `/v1/users/${userId('clinician@lakeside-clinic.test')}`, { token });
    expect(foreign.status).toBe(404);
    const operator = await api().request('GET', `/v1/users/${userId(SUPER)}`, { token });
    expect(operator.status).toBe(404);
    expect((await api().request('GET', `/v1/users/${UNKNOWN_ID}`, { token })).status).toBe(404);
    const bad = await api().request('GET', '/v1/users/casey', { token });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(['path.userId']);
    expect(
      (
        await api().request('GET', `/v1/users/${userId('clinician@lakeside-clinic.test')}`, {
          token: await api().token(SUPER),
        })
      ).status,
    ).toBe(200);
  });

  test("account_admin cannot change or deactivate another clinic's users: 404 and unchanged", async () => {
    const token = await api().token(ADMIN);
    const target = userId('staff@lakeside-clinic.test');
    expect(
      (await api().request('PATCH', `/v1/users/${target}`, { token, body: { firstName: 'Hijacked' } })).status,
    ).toBe(404);
    expect((await api().request('DELETE', `/v1/users/${target}`, { token })).status).toBe(404);
    expect(
      (await api().request('PATCH', `/v1/users/${userId(SUPER)}`, { token, body: { status: 'suspended' } })).status,
    ).toBe(404);
    expect(await userRow('staff@lakeside-clinic.test')).toMatchObject({ first_name: 'Sam', status: 'active' });
    expect(await userRow(SUPER)).toMatchObject({ status: 'active' });
  });

  test('account_admin can never promote to super_admin nor move a user to another account', async () => {
    const token = await api().token(ADMIN);
    const target = userId(STAFF);
    const promote = await api().request('PATCH', `/v1/users/${target}`, { token, body: { role: 'super_admin' } });
    expect(promote.status).toBe(403);
    const move = await api().request('PATCH', `/v1/users/${target}`, { token, body: { accountId: lakeside() } });
    expect(move.status).toBe(403);
    const both = await api().request('PATCH', `/v1/users/${target}`, {
      token,
      body: { firstName: 'Sam', accountId: lakeside(), role: 'super_admin' },
    });
    expect(both.status).toBe(403);
    expect(await userRow(STAFF)).toMatchObject({ role: 'office_staff', account_id: demo() });
    const audits = await api()
      .db.selectFrom('audit_events')
      .select('id')
      .where('resource_id', '=', target)
      .where('action', '=', 'user.update')
      .execute();
    expect(audits).toEqual([]);
  });

  test('account_admin changes names and roles within its clinic; changes are audited', async () => {
    const token = await api().token(ADMIN);
    const created = await api().request('POST', '/v1/users', {
      token,
      body: { email: 'promote.me@demo-clinic.test', firstName: 'Pro', lastName: 'Mote', role: 'office_staff' },
    });
    const response = await api().request('PATCH', `/v1/users/${created.body.id}`, {
      token,
      body: { role: 'clinician', lastName: 'Moted' },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ role: 'clinician', lastName: 'Moted', firstName: 'Pro' });
    expect(await userRow('promote.me@demo-clinic.test')).toMatchObject({ role: 'clinician', last_name: 'Moted' });
    const audit = await api()
      .db.selectFrom('audit_events')
      .selectAll()
      .where('resource_id', '=', created.body.id)
      .where('action', '=', 'user.update')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: userId(ADMIN), request_id: response.headers.get('x-request-id') });
    // The new role takes effect on the next request (no re-login needed).
    const newToken = await api().token('promote.me@demo-clinic.test');
    const archiveAllowed = await api().request('GET', '/v1/me', { token: newToken });
    expect(archiveAllowed.body.role).toBe('clinician');
  });

  test('invalid patches answer 422; changing one’s own role or deactivating oneself answers 409', async () => {
    const token = await api().token(ADMIN);
    const empty = await api().request('PATCH', `/v1/users/${userId(STAFF)}`, { token, body: {} });
    expect(empty.status).toBe(422);
    expect(fieldsOf(empty.body)).toEqual(['body']);
    const invalid = await api().request('PATCH', `/v1/users/${userId(STAFF)}`, {
      token,
      body: { role: 'boss', status: 'gone', email: 'new@x.test' },
    });
    expect(invalid.status).toBe(422);
    expect(fieldsOf(invalid.body)).toEqual(['body.email', 'body.role', 'body.status']);
    const self = userId(ADMIN);
    expect((await api().request('PATCH', `/v1/users/${self}`, { token, body: { role: 'clinician' } })).status).toBe(
      409,
    );
    expect((await api().request('PATCH', `/v1/users/${self}`, { token, body: { status: 'suspended' } })).status).toBe(
      409,
    );
    expect((await api().request('DELETE', `/v1/users/${self}`, { token })).status).toBe(409);
    expect(await userRow(ADMIN)).toMatchObject({ role: 'account_admin', status: 'active' });
  });

  test('DELETE deactivates: status inactive, row kept, user locked out', async () => {
    const token = await api().token(ADMIN);
    const created = await api().request('POST', '/v1/users', {
      token,
      body: { email: 'leaver@demo-clinic.test', firstName: 'Lea', lastName: 'Ver', role: 'office_staff' },
    });
    const leaverToken = await api().token('leaver@demo-clinic.test');
    const response = await api().request('DELETE', `/v1/users/${created.body.id}`, { token });
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('inactive');
    expect(await userRow('leaver@demo-clinic.test')).toMatchObject({ status: 'inactive' });
    expect((await api().request('GET', '/v1/me', { token: leaverToken })).status).toBe(401);
    const active = await api().request('GET', '/v1/users?status=active&limit=100', { token });
    expect(active.body.items.map((u: { email: string }) => u.email)).not.toContain('leaver@demo-clinic.test');
  });

  describe('maxUsers', () => {
    async function smallClinic(maxUsers: number) {
      const superToken = await api().token(SUPER);
      const account = await api().request('POST', '/v1/accounts', {
        token: superToken,
        body: { name: `Small ${maxUsers} ${Date.now()}`, maxUsers },
      });
      expect(account.status).toBe(201);
      return { superToken, accountId: account.body.id as string };
    }
    const seats = async (accountId: string) =>
      Number(
        (
          await api()
            .db.selectFrom('users')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('account_id', '=', accountId)
            .where('status', '!=', 'inactive')
            .executeTakeFirstOrThrow()
        ).n,
      );

    test('creating users stops at the limit with 409 and writes nothing', async () => {
      const { superToken, accountId } = await smallClinic(2);
      const create = (local: string) =>
        api().request('POST', '/v1/users', {
          token: superToken,
          body: { email: `${local}@small2.test`, firstName: 'A', lastName: local, role: 'office_staff', accountId },
        });
      expect((await create('one')).status).toBe(201);
      expect((await create('two')).status).toBe(201);
      const third = await create('three');
      expect(third.status).toBe(409);
      expect(third.body.detail).toContain('2');
      expect(await userRow('three@small2.test')).toBeUndefined();
      expect(await seats(accountId)).toBe(2);
    });

    test('an account_admin is held to the limit too, and a deactivated user frees a seat', async () => {
      const { superToken, accountId } = await smallClinic(2);
      const admin = await api().request('POST', '/v1/users', {
        token: superToken,
        body: { email: 'boss@small-b.test', firstName: 'Bo', lastName: 'Ss', role: 'account_admin', accountId },
      });
      expect(admin.status).toBe(201);
      const adminToken = await api().token('boss@small-b.test');
      const first = await api().request('POST', '/v1/users', {
        token: adminToken,
        body: { email: 'first@small-b.test', firstName: 'Fi', lastName: 'Rst', role: 'clinician' },
      });
      expect(first.status).toBe(201);
      const refused = await api().request('POST', '/v1/users', {
        token: adminToken,
        body: { email: 'second@small-b.test', firstName: 'Se', lastName: 'Cond', role: 'clinician' },
      });
      expect(refused.status).toBe(409);
      expect((await api().request('DELETE', `/v1/users/${first.body.id}`, { token: adminToken })).status).toBe(200);
      const second = await api().request('POST', '/v1/users', {
        token: adminToken,
        body: { email: 'second@small-b.test', firstName: 'Se', lastName: 'Cond', role: 'clinician' },
      });
      expect(second.status).toBe(201);
      expect(await seats(accountId)).toBe(2);
    });

    test('concurrent creates cannot take more seats than the limit', async () => {
      const { superToken, accountId } = await smallClinic(1);
      const create = (local: string) =>
        api().request('POST', '/v1/users', {
          token: superToken,
          body: { email: `${local}@small-race.test`, firstName: 'Ra', lastName: local, role: 'clinician', accountId },
        });
      // All three requests wait for the account row before any of them counts the seats.
      const responses = await whileRowLocked(api(), 'accounts', accountId, 3, () =>
        Promise.all(['one', 'two', 'three'].map(create)),
      );
      expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409]);
      expect(await seats(accountId)).toBe(1);
      const created = responses.find((r) => r.status === 201)?.body.id;
      const audits = await api()
        .db.selectFrom('audit_events')
        .select('resource_id')
        .where('action', '=', 'user.create')
        .where('account_id', '=', accountId)
        .execute();
      expect(audits).toEqual([{ resource_id: created }]);
    });

    test('reactivating a deactivated user cannot exceed the limit', async () => {
      const { superToken, accountId } = await smallClinic(1);
      const first = await api().request('POST', '/v1/users', {
        token: superToken,
        body: { email: 'first@small-c.test', firstName: 'Fi', lastName: 'Rst', role: 'clinician', accountId },
      });
      expect((await api().request('DELETE', `/v1/users/${first.body.id}`, { token: superToken })).status).toBe(200);
      const second = await api().request('POST', '/v1/users', {
        token: superToken,
        body: { email: 'second@small-c.test', firstName: 'Se', lastName: 'Cond', role: 'clinician', accountId },
      });
      expect(second.status).toBe(201);
      const reactivate = await api().request('PATCH', `/v1/users/${first.body.id}`, {
        token: superToken,
        body: { status: 'active' },
      });
      expect(reactivate.status).toBe(409);
      expect(await userRow('first@small-c.test')).toMatchObject({ status: 'inactive' });
      expect(await seats(accountId)).toBe(1);
    });

    test('moving a user into a full account (super_admin) cannot exceed its limit', async () => {
      const { superToken, accountId } = await smallClinic(1);
      const occupant = await api().request('POST', '/v1/users', {
        token: superToken,
        body: { email: 'occupant@small-d.test', firstName: 'Oc', lastName: 'Cupant', role: 'clinician', accountId },
      });
      expect(occupant.status).toBe(201);
      const mover = await api().request('POST', '/v1/users', {
        token: superToken,
        body: {
          email: 'mover@demo-clinic.test',
          firstName: 'Mo',
          lastName: 'Ver',
          role: 'office_staff',
          accountId: demo(),
        },
      });
      const move = await api().request('PATCH', `/v1/users/${mover.body.id}`, {
        token: superToken,
        body: { accountId },
      });
      expect(move.status).toBe(409);
      expect(await userRow('mover@demo-clinic.test')).toMatchObject({ account_id: demo() });
      const toUnknown = await api().request('PATCH', `/v1/users/${mover.body.id}`, {
        token: superToken,
        body: { accountId: UNKNOWN_ID },
      });
      expect(toUnknown.status).toBe(422);
      expect(fieldsOf(toUnknown.body)).toEqual(['body.accountId']);
      // Into an account with room it works.
      const moved = await api().request('PATCH', `/v1/users/${mover.body.id}`, {
        token: superToken,
        body: { accountId: lakeside() },
      });
      expect(moved.status).toBe(200);
      expect(moved.body.accountId).toBe(lakeside());
    });
  });
});
