import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { localRs256Signer, signJwt } from '../../functions/core/auth/jwt.ts';
import { authConfig } from '../../functions/core/config.ts';
import { DIALECTS } from '../support/dialects.ts';
import { useTestApi } from '../support/api.ts';

const CLINICIAN = 'clinician@demo-clinic.test';

function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe.each(DIALECTS)('staff ID tokens (%s)', (dialect) => {
  const api = useTestApi(dialect);

  async function userRow(email: string) {
    return api().db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
  }

  /** A token of the local identity provider for a seeded user, with overrides. */
  async function tokenFor(
    email: string,
    overrides: {
      expiresIn?: number;
      issuer?: string;
      audience?: string;
      accountId?: string | null;
      role?: 'super_admin';
      sub?: string;
    } = {},
  ) {
    const row = await userRow(email);
    return api().app.identityProvider.signIdToken({
      sub: overrides.sub ?? row.cognito_sub,
      email: row.email,
      role: overrides.role ?? row.role,
      accountId: overrides.accountId === undefined ? row.account_id : overrides.accountId,
      expiresIn: overrides.expiresIn,
      issuer: overrides.issuer,
      audience: overrides.audience,
    });
  }

  const me = (token?: string) => api().request('GET', '/v1/me', { token });

  function expectUnauthorized(response: { status: number; headers: Headers; body: any }) {
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.body.title).toBe('Unauthorized');
  }

  test('a locally signed token for the user is accepted (control for the refusals below)', async () => {
    const response = await me(await tokenFor(CLINICIAN));
    expect(response.status).toBe(200);
    expect(response.body.user.email).toBe(CLINICIAN);
  });

  test('no token, a non-bearer scheme and garbage answer 401', async () => {
    expectUnauthorized(await me());
    const token = await tokenFor(CLINICIAN);
    expectUnauthorized(await api().request('GET', '/v1/me', { headers: { authorization: `Basic ${token}` } }));
    expectUnauthorized(await me('not.a.jwt'));
    expectUnauthorized(await me('abc'));
  });

  test('an expired token answers 401', async () => {
    expectUnauthorized(await me(await tokenFor(CLINICIAN, { expiresIn: -60 })));
  });

  test('a tampered payload or signature answers 401', async () => {
    const token = await tokenFor(CLINICIAN);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    // Payload claims the super_admin group and a later expiry; signature is the original one.
    const claims = {
      ...decodePart(payload),
      'cognito:groups': ['super_admin'],
      exp: Math.floor(Date.now() / 1000) + 86_400,
    };
    const forgedPayload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    expectUnauthorized(await me(`${header}.${forgedPayload}.${signature}`));
    // Signature altered in one byte.
    const bytes = Buffer.from(signature, 'base64url');
    bytes[10] = (bytes[10] ?? 0) ^ 0xff;
    expectUnauthorized(await me(`${header}.${payload}.${bytes.toString('base64url')}`));
    // No signature at all, and alg none.
    expectUnauthorized(await me(`${header}.${payload}.`));
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: decodePart(header).kid })).toString(
      'base64url',
    );
    expectUnauthorized(await me(`${none}.${payload}.`));
  });

  test('a token signed with another key under the same kid answers 401', async () => {
    const row = await userRow(CLINICIAN);
    const good = await tokenFor(CLINICIAN);
    const goodClaims = decodePart(good.split('.')[1] as string);
    const kid = decodePart(good.split('.')[0] as string).kid as string;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = await signJwt({ ...goodClaims, sub: row.cognito_sub }, kid, localRs256Signer(privateKey));
    expectUnauthorized(await me(forged));
  });

  test('a wrong issuer or a wrong audience answers 401', async () => {
    const issuer = api().app.identityProvider.issuer;
    expectUnauthorized(
      await me(await tokenFor(CLINICIAN, { issuer: issuer.replace('GenascopeLocal', 'SomeOtherPool') })),
    );
    expectUnauthorized(await me(await tokenFor(CLINICIAN, { issuer: 'https://evil.example.com/' })));
    expectUnauthorized(await me(await tokenFor(CLINICIAN, { audience: `${authConfig.clientId}-other` })));
  });

  test('a token for an unknown subject answers 401', async () => {
    expectUnauthorized(await me(await tokenFor(CLINICIAN, { sub: '00000000-0000-4000-8000-000000000000' })));
  });

  test("a token naming another clinic than the user's answers 401", async () => {
    const lakeside = api().seed.accounts['Lakeside Clinic'] as string;
    expectUnauthorized(await me(await tokenFor(CLINICIAN, { accountId: lakeside })));
    expectUnauthorized(await me(await tokenFor(CLINICIAN, { accountId: null })));
  });

  test('the role comes from the user row, not from the token groups', async () => {
    const token = await tokenFor(CLINICIAN, { role: 'super_admin' });
    const accounts = await api().request('GET', '/v1/accounts', { token });
    expect(accounts.status).toBe(403);
    const meResponse = await me(token);
    expect(meResponse.status).toBe(200);
    expect(meResponse.body.role).toBe('clinician');
  });

  test('a suspended user is locked out at once and let back in when reactivated', async () => {
    const admin = await api().token('admin@demo-clinic.test');
    const staffToken = await api().token('staff@demo-clinic.test');
    const staffId = api().seed.users['staff@demo-clinic.test'] as string;
    expect((await api().request('GET', '/v1/patients', { token: staffToken })).status).toBe(200);

    const suspend = await api().request('PATCH', `/v1/users/${staffId}`, {
      token: admin,
      body: { status: 'suspended' },
    });
    expect(suspend.status).toBe(200);
    expect(suspend.body.status).toBe('suspended');
    expectUnauthorized(await api().request('GET', '/v1/patients', { token: staffToken }));
    expectUnauthorized(await me(staffToken));
    // A freshly issued token does not help either.
    expectUnauthorized(await me(await tokenFor('staff@demo-clinic.test')));
    // Other users of the clinic are unaffected.
    expect((await me(await api().token(CLINICIAN))).status).toBe(200);

    const reactivate = await api().request('PATCH', `/v1/users/${staffId}`, {
      token: admin,
      body: { status: 'active' },
    });
    expect(reactivate.status).toBe(200);
    expect((await me(staffToken)).status).toBe(200);
  });

  test('a deactivated (inactive) user is locked out', async () => {
    const admin = await api().token('admin@demo-clinic.test');
    const created = await api().request('POST', '/v1/users', {
      token: admin,
      body: { email: 'temp.staff@demo-clinic.test', firstName: 'Temp', lastName: 'Staff', role: 'office_staff' },
    });
    expect(created.status).toBe(201);
    const token = await api().token('temp.staff@demo-clinic.test');
    expect((await me(token)).status).toBe(200);
    expect((await api().request('DELETE', `/v1/users/${created.body.id}`, { token: admin })).status).toBe(200);
    expectUnauthorized(await me(token));
  });

  test('suspending an account locks out all its users, and only them', async () => {
    const superAdmin = await api().token('superadmin@genascope.test');
    const lakeside = api().seed.accounts['Lakeside Clinic'] as string;
    const lakesideTokens = await Promise.all(
      ['admin', 'clinician', 'staff'].map((local) => api().token(`${local}@lakeside-clinic.test`)),
    );
    for (const token of lakesideTokens) expect((await me(token)).status).toBe(200);

    const suspend = await api().request('PATCH', `/v1/accounts/${lakeside}`, {
      token: superAdmin,
      body: { status: 'suspended' },
    });
    expect(suspend.status).toBe(200);
    expect(suspend.body.status).toBe('suspended');
    for (const token of lakesideTokens) {
      expectUnauthorized(await me(token));
      expectUnauthorized(await api().request('GET', '/v1/patients', { token }));
    }
    // The account admin cannot undo it: it is locked out too.
    const [lakesideAdmin] = lakesideTokens as [string];
    expectUnauthorized(
      await api().request('PATCH', `/v1/accounts/${lakeside}`, { token: lakesideAdmin, body: { name: 'Lakeside' } }),
    );
    // Another clinic and the platform operator are unaffected.
    expect((await me(await api().token(CLINICIAN))).status).toBe(200);
    expect((await me(superAdmin)).status).toBe(200);

    const inactive = await api().request('PATCH', `/v1/accounts/${lakeside}`, {
      token: superAdmin,
      body: { status: 'inactive' },
    });
    expect(inactive.status).toBe(200);
    expectUnauthorized(await me(lakesideAdmin));

    const reactivate = await api().request('PATCH', `/v1/accounts/${lakeside}`, {
      token: superAdmin,
      body: { status: 'active' },
    });
    expect(reactivate.status).toBe(200);
    for (const token of lakesideTokens) expect((await me(token)).status).toBe(200);
  });

  test('public routes ignore tokens; staff routes reject patient-looking tokens', async () => {
    expect((await api().request('GET', '/health', { token: 'garbage' })).status).toBe(200);
    expectUnauthorized(await me(await tokenFor(CLINICIAN, { issuer: 'https://api.genascope.dev/patient-sessions' })));
  });
});
