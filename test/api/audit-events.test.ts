import { describe, expect, test } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { useTestApi } from '../support/api.ts';

describe.each(DIALECTS)('GET /v1/audit-events (%s)', (dialect) => {
  const api = useTestApi(dialect);

  async function readPatientAsClinician() {
    const token = await api().token('clinician@demo-clinic.test');
    const list = await api().request('GET', '/v1/patients?limit=1', { token });
    const patientId = list.body.items[0].id as string;
    const read = await api().request('GET', `/v1/patients/${patientId}`, { token });
    return { patientId, requestId: read.headers.get('x-request-id') };
  }

  test('an account_admin sees who read which patient, with the request id', async () => {
    const { patientId, requestId } = await readPatientAsClinician();
    const token = await api().token('admin@demo-clinic.test');
    const response = await api().request('GET', `/v1/audit-events?patientId=${patientId}`, { token });
    expect(response.status).toBe(200);
    const read = response.body.items.find((e: { action: string }) => e.action === 'patient.read');
    expect(read).toMatchObject({
      actorType: 'user',
      actorId: api().seed.users['clinician@demo-clinic.test'],
      patientId,
      resourceType: 'patient',
      requestId,
      accountId: api().seed.accounts['Demo Clinic'],
    });
    const since = new Date(Date.parse(read.occurredAt) + 1).toISOString();
    const later = await api().request(
      'GET',
      `/v1/audit-events?patientId=${patientId}&from=${encodeURIComponent(since)}`,
      { token },
    );
    expect(later.body.items.map((e: { id: string }) => e.id)).not.toContain(read.id);
  });

  test("another clinic's admin sees none of these events; clinicians and office staff may not read the audit log", async () => {
    const { patientId } = await readPatientAsClinician();
    const other = await api().request('GET', `/v1/audit-events?patientId=${patientId}`, {
      token: await api().token('admin@lakeside-clinic.test'),
    });
    expect(other.status).toBe(200);
    expect(other.body.items).toEqual([]);
    for (const email of ['clinician@demo-clinic.test', 'staff@demo-clinic.test']) {
      expect((await api().request('GET', '/v1/audit-events', { token: await api().token(email) })).status).toBe(403);
    }
    const superAdmin = await api().request('GET', `/v1/audit-events?patientId=${patientId}`, {
      token: await api().token('superadmin@genascope.test'),
    });
    expect(superAdmin.body.items.length).toBeGreaterThan(0);
  });

  test('filters are validated and pages do not overlap', async () => {
    const token = await api().token('admin@demo-clinic.test');
    const bad = await api().request('GET', '/v1/audit-events?from=yesterday&patientId=x', { token });
    expect(bad.status).toBe(400);
    expect([...new Set(bad.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual([
      'query.from',
      'query.patientId',
    ]);
    await readPatientAsClinician();
    const first = await api().request('GET', '/v1/audit-events?limit=2', { token });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api().request('GET', `/v1/audit-events?limit=2&cursor=${first.body.nextCursor}`, { token });
    const ids = [...first.body.items, ...second.body.items].map((e: { id: string }) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
