import { describe, expect, test } from 'vitest';

// CORS origins are read once when the config module loads: set them before anything imports it, so this
// suite can show both an allowed and a refused origin (local mode otherwise allows `*`).
const ALLOWED_ORIGIN = 'https://app.genascope.test';
process.env.CORS_ALLOWED_ORIGINS = `${ALLOWED_ORIGIN},https://admin.genascope.test`;
const { DIALECTS } = await import('../support/dialects.ts');
const { useTestApi } = await import('../support/api.ts');

const PROBLEM = 'application/problem+json';

describe.each(DIALECTS)('HTTP pipeline (%s)', (dialect) => {
  const api = useTestApi(dialect);

  const countPatients = async () =>
    Number(
      (
        await api()
          .db.selectFrom('patients')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const countAudit = async () =>
    Number(
      (
        await api()
          .db.selectFrom('audit_events')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  test('a non-JSON body answers 415 problem+json and writes nothing', async () => {
    const token = await api().token('clinician@demo-clinic.test');
    const [patients, audit] = [await countPatients(), await countAudit()];
    const response = await api().request('POST', '/v1/patients', {
      token,
      rawBody: JSON.stringify({ firstName: 'Ann', lastName: 'Plain', email: 'ann.plain@example.com' }),
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(415);
    expect(response.headers.get('content-type')).toBe(PROBLEM);
    expect(response.body).toMatchObject({ status: 415, title: 'Unsupported Media Type' });
    expect(response.body.detail).toContain('application/json');
    // CSV is accepted by the import route only.
    const csv = await api().request('POST', '/v1/patients', {
      token,
      rawBody: 'first_name,last_name\nAnn,Plain\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(csv.status).toBe(415);
    expect(await countPatients()).toBe(patients);
    expect(await countAudit()).toBe(audit);
  });

  test('malformed JSON answers 400 naming the body and writes nothing', async () => {
    const token = await api().token('clinician@demo-clinic.test');
    const before = await countPatients();
    const response = await api().request('POST', '/v1/patients', {
      token,
      rawBody: '{"firstName": "Ann", "lastName": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe(PROBLEM);
    expect(response.body.errors).toEqual([{ field: 'body', message: 'Malformed JSON' }]);
    expect(await countPatients()).toBe(before);
  });

  test('a JSON media type with parameters or a +json suffix is accepted', async () => {
    const token = await api().token('clinician@demo-clinic.test');
    const withCharset = await api().request('POST', '/v1/patients', {
      token,
      body: { firstName: 'Charset', lastName: 'Tester', email: 'charset.tester@example.com' },
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(withCharset.status).toBe(201);
    const suffixed = await api().request('POST', '/v1/patients', {
      token,
      body: { firstName: 'Suffix', lastName: 'Tester', email: 'suffix.tester@example.com' },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(suffixed.status).toBe(201);
  });

  test('a missing body answers 422 naming the required fields; JSON sent as text/plain (fetch default) 415', async () => {
    const token = await api().token('clinician@demo-clinic.test');
    const before = await countPatients();
    const empty = await api().request('POST', '/v1/patients', {
      token,
      headers: { 'content-type': 'application/json' },
    });
    expect(empty.status).toBe(422);
    expect(empty.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.firstName',
      'body.lastName',
    ]);
    expect(await countPatients()).toBe(before);
    // fetch labels a string body text/plain;charset=UTF-8 when no content type is given.
    const untyped = await api().request('POST', '/v1/patients', { token, rawBody: '{"firstName":"A","lastName":"B"}' });
    expect(untyped.status).toBe(415);
  });

  test('prototype-pollution keys are refused with 400', async () => {
    const token = await api().token('clinician@demo-clinic.test');
    const before = await countPatients();
    const response = await api().request('POST', '/v1/patients', {
      token,
      rawBody: '{"firstName":"Proto","lastName":"Type","__proto__":{"admin":true}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'body.__proto__', message: 'Forbidden field name' }]);
    expect(await countPatients()).toBe(before);
  });

  test('a body over 1 MB answers 413', async () => {
    const token = await api().token('clinician@demo-clinic.test');
    const response = await api().request('POST', '/v1/patients', {
      token,
      rawBody: JSON.stringify({ firstName: 'Big', lastName: 'Body', padding: 'x'.repeat(1_100_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe(PROBLEM);
  });

  test('problems carry type, title, status, the request id as instance, and one error per bad field', async () => {
    const token = await api().token('clinician@demo-clinic.test');
    const response = await api().request('POST', '/v1/patients', {
      token,
      body: { firstName: '', lastName: 'Valid', email: 'not-an-email', dateOfBirth: '2001-02-30', nickname: 'x' },
    });
    expect(response.status).toBe(422);
    expect(response.body.type).toBe('https://genascope.dev/problems/unprocessable-content');
    expect(response.body.title).toBe('Unprocessable Content');
    expect(response.body.status).toBe(422);
    expect(response.body.instance).toBe(response.headers.get('x-request-id'));
    const fields = (response.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['body.dateOfBirth', 'body.email', 'body.firstName', 'body.nickname']);
  });

  test('query and path parameters are validated with 400 and named by location', async () => {
    const token = await api().token('clinician@demo-clinic.test');
    const badLimit = await api().request('GET', '/v1/patients?limit=0', { token });
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.errors.map((e: { field: string }) => e.field)).toEqual(['query.limit']);
    const unknown = await api().request('GET', '/v1/patients?colour=blue', { token });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e: { field: string }) => e.field)).toEqual(['query.colour']);
    const noQuerySchema = await api().request('GET', '/v1/me?debug=1', { token });
    expect(noQuerySchema.status).toBe(400);
    expect(noQuerySchema.body.errors).toEqual([{ field: 'query.debug', message: 'Unknown parameter' }]);
    const badPath = await api().request('GET', '/v1/patients/12345', { token });
    expect(badPath.status).toBe(400);
    expect(badPath.body.errors.map((e: { field: string }) => e.field)).toEqual(['path.patientId']);
  });

  test('POST /dev/token validates its body and answers 404 for unknown users', async () => {
    const invalid = await api().request('POST', '/dev/token', { body: { email: 'nobody' } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.email']);
    const unknown = await api().request('POST', '/dev/token', { body: { email: 'nobody@nowhere.test' } });
    expect(unknown.status).toBe(404);
    const known = await api().request('POST', '/dev/token', { body: { email: 'Staff@Demo-Clinic.test' } });
    expect(known.status).toBe(200);
    expect(known.body.idToken.split('.')).toHaveLength(3);
  });

  test('unknown routes answer 404 and known paths with another method 405 with Allow', async () => {
    const missing = await api().request('GET', '/v1/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe(PROBLEM);
    const wrongMethod = await api().request('DELETE', '/v1/patients');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toContain('GET');
    expect(wrongMethod.headers.get('allow')).toContain('POST');
  });

  test('responses carry security headers and a request id, errors included', async () => {
    for (const response of [await api().request('GET', '/health'), await api().request('GET', '/v1/me')]) {
      expect(response.headers.get('strict-transport-security')).toContain('max-age=');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  test('CORS headers echo an allowed origin, on success and on errors', async () => {
    const ok = await api().request('GET', '/health', { headers: { origin: ALLOWED_ORIGIN } });
    expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(ok.headers.get('vary')).toBe('origin');
    expect(ok.headers.get('access-control-expose-headers')).toContain('x-request-id');
    const denied = await api().request('GET', '/v1/me', { headers: { origin: ALLOWED_ORIGIN } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
  });

  test('CORS preflight for an allowed origin lists methods and headers; other origins get none', async () => {
    const preflight = await api().request('OPTIONS', '/v1/patients', {
      headers: {
        origin: ALLOWED_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('content-type');

    const foreign = await api().request('GET', '/health', { headers: { origin: 'https://evil.example.com' } });
    expect(foreign.status).toBe(200);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const foreignPreflight = await api().request('OPTIONS', '/v1/patients', {
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    });
    expect(foreignPreflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});
