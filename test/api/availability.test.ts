import { describe, expect, test } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { useTestApi } from '../support/api.ts';
import { whileRowLocked } from '../support/assessment.ts';

const CLINICIAN = 'clinician@demo-clinic.test';
const STAFF = 'staff@demo-clinic.test';

describe.each(DIALECTS)('clinician availability writes (%s)', (dialect) => {
  const api = useTestApi(dialect);
  const userId = (email: string) => api().seed.users[email] as string;
  const storedRules = async (clinicianId: string) =>
    (
      await api()
        .db.selectFrom('recurring_availability')
        .select(['days_of_week', 'time_slots', 'time_zone'])
        .where('clinician_id', '=', clinicianId)
        .execute()
    )
      .map((r) => JSON.stringify([r.days_of_week, r.time_slots, r.time_zone]))
      .sort();

  test('a pattern of several rules is stored as one row per rule and audited once', async () => {
    const clinician = userId(CLINICIAN);
    const body = {
      timeZone: 'Europe/Paris',
      rules: [
        { daysOfWeek: [0], timeSlots: ['09:00-12:00'] },
        { daysOfWeek: [3], timeSlots: ['14:00-17:00'] },
      ],
    };
    const response = await api().request('PUT', `/v1/clinicians/${clinician}/availability`, {
      token: await api().token(STAFF),
      body,
    });
    expect(response.status).toBe(200);
    expect(response.body.rules).toEqual(body.rules);
    expect(await storedRules(clinician)).toHaveLength(2);
    const audit = await api()
      .db.selectFrom('audit_events')
      .selectAll()
      .where('request_id', '=', response.headers.get('x-request-id') as string)
      .execute();
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'availability.update',
        resource_type: 'recurring_availability',
        resource_id: clinician,
        account_id: api().seed.accounts['Demo Clinic'],
        actor_id: userId(STAFF),
      }),
    ]);
  });

  test('concurrent saves of one pattern apply one after the other: the rows are those of exactly one request', async () => {
    const clinician = userId(CLINICIAN);
    const token = await api().token(STAFF);
    const bodies = [0, 1, 2].map((i) => ({
      timeZone: 'UTC',
      rules: [
        { daysOfWeek: [i], timeSlots: ['08:00-09:00'] },
        { daysOfWeek: [i + 3], timeSlots: ['10:00-11:00'] },
      ],
    }));
    // All three saves wait for the clinician's row before any of them replaces the pattern.
    const responses = await whileRowLocked(api(), 'users', clinician, 3, () =>
      Promise.all(
        bodies.map((body) => api().request('PUT', `/v1/clinicians/${clinician}/availability`, { token, body })),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    const stored = await storedRules(clinician);
    expect(stored).toHaveLength(2);
    const patterns = bodies.map((body) =>
      body.rules.map((rule) => JSON.stringify([rule.daysOfWeek, rule.timeSlots, 'UTC'])).sort(),
    );
    expect(patterns).toContainEqual(stored);
    const audits = await api()
      .db.selectFrom('audit_events')
      .select('request_id')
      .where('action', '=', 'availability.update')
      .where(
        'request_id',
        'in',
        responses.map((r) => r.headers.get('x-request-id') as string),
      )
      .execute();
    expect(audits).toHaveLength(3);
  });
});
