import { describe, expect, test } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { useTestApi } from '../support/api.ts';

describe.each(DIALECTS)('platform routes (%s)', (dialect) => {
  const api = useTestApi(dialect);

  test('GET /health answers ok with security headers and a request id', async () => {
    const response = await api().request('GET', '/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('GET /v1/me returns the caller, role and account', async () => {
    const token = await api().token('clinician@demo-clinic.test');
    const response = await api().request('GET', '/v1/me', { token });
    expect(response.status).toBe(200);
    expect(response.body.user.email).toBe('clinician@demo-clinic.test');
    expect(response.body.role).toBe('clinician');
    expect(response.body.account.name).toBe('Demo Clinic');
  });

  test('GET /openapi.json is OpenAPI 3.1 covering deployed routes only', async () => {
    const response = await api().request('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    expect(response.body.paths['/v1/patients'].get.parameters.map((p: { name: string }) => p.name)).toContain('q');
    expect(response.body.paths['/dev/token']).toBeUndefined();
  });
});
