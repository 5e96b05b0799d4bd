import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { useTestApi } from '../support/api.ts';

interface EligibilityCase {
  id: string;
  profile: Record<string, unknown>;
  expected: { outcome: string; metSections: string[] };
}
interface BcratCase {
  id: string;
  input: Record<string, unknown>;
  expected: Record<string, number>;
}

const eligibilityCases = (
  JSON.parse(readFileSync('test/fixtures/domain/eligibility-cases.json', 'utf8')) as { cases: EligibilityCase[] }
).cases;
const bcratCases = (JSON.parse(readFileSync('test/fixtures/domain/bcrat-cases.json', 'utf8')) as { cases: BcratCase[] })
  .cases;

// Stateless routes touch no database rows, so one dialect is enough here; stored results are tested with the chat journey.
describe('stateless eligibility and risk-model routes', () => {
  const api = useTestApi('pg');

  test.each(eligibilityCases.map((c) => [c.id, c] as const))(
    'POST /v1/eligibility/evaluate: case %s',
    async (_id, c) => {
      const token = await api().token('staff@demo-clinic.test');
      const response = await api().request('POST', '/v1/eligibility/evaluate', { token, body: c.profile });
      expect(response.status).toBe(200);
      expect(response.body.outcome).toBe(c.expected.outcome);
      const met = [
        ...new Set(
          response.body.criteria
            .filter((x: { status: string }) => x.status === 'met')
            .map((x: { section: string }) => x.section),
        ),
      ].sort();
      expect(met).toEqual([...c.expected.metSections].sort());
      expect(response.body.nccnEligible).toBe(c.expected.outcome === 'meets');
    },
  );

  test('an invalid RiskProfile is a 422 naming the fields, and nothing is stored', async () => {
    const token = await api().token('clinician@demo-clinic.test');
    const response = await api().request('POST', '/v1/eligibility/evaluate', {
      token,
      body: { version: 1, sex: 'unknown', age: 12, personalCancers: [{ type: 'spleen' }], relatives: [] },
    });
    expect(response.status).toBe(422);
    const fields = response.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.sex', 'body.age']));
    expect(fields.some((f: string) => f.startsWith('body.personalCancers[0]'))).toBe(true);
    const stored = await api().db.selectFrom('eligibility_results').select('id').execute();
    expect(stored).toHaveLength(0);
  });

  test.each(bcratCases.map((c) => [c.id, c] as const))(
    'POST /v1/risk-models/bcrat: case %s within 0.001 pp',
    async (_id, c) => {
      const token = await api().token('clinician@demo-clinic.test');
      const response = await api().request('POST', '/v1/risk-models/bcrat', { token, body: c.input });
      expect(response.status).toBe(200);
      for (const [key, value] of Object.entries(c.expected)) {
        expect(Math.abs(response.body[key] - value)).toBeLessThanOrEqual(0.001);
      }
    },
  );

  test('BCRAT answers 422 with the reason when it does not apply', async () => {
    const token = await api().token('clinician@demo-clinic.test');
    const base = bcratCases[0]?.input as Record<string, unknown>;
    const tooYoung = await api().request('POST', '/v1/risk-models/bcrat', { token, body: { ...base, age: 30 } });
    expect(tooYoung.status).toBe(422);
    expect(tooYoung.body.detail).toMatch(/35/);
  });

  test('the routes need a staff token', async () => {
    expect(
      (await api().request('POST', '/v1/eligibility/evaluate', { body: eligibilityCases[0]?.profile })).status,
    ).toBe(401);
    expect((await api().request('POST', '/v1/risk-models/bcrat', { body: bcratCases[0]?.input })).status).toBe(401);
  });
});
