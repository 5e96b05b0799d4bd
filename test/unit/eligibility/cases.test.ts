import { describe, expect, test } from 'vitest';
import eligibilityCases from '../../fixtures/domain/eligibility-cases.json' with { type: 'json' };
import { evaluateEligibility } from '../../../functions/eligibility/engine.ts';
import { parseRiskProfile } from '../../../functions/eligibility/risk-profile.schema.ts';

describe('eligibility reference cases (eligibility-cases.json)', () => {
  test.each(eligibilityCases.cases)('$id $description', ({ profile, expected }) => {
    const result = evaluateEligibility(parseRiskProfile(profile));
    const metSections = [...new Set(result.criteria.filter((c) => c.status === 'met').map((c) => c.section))];

    expect(result.ruleset).toBe('NCCN-BOPP-2026.3+CEG-2026.1');
    expect(result.outcome).toBe(expected.outcome);
    expect(result.nccnEligible).toBe(expected.outcome === 'meets');
    expect(metSections.sort()).toEqual([...expected.metSections].sort());
    if ('unknownsNonEmpty' in expected && expected.unknownsNonEmpty) expect(result.unknowns.length).toBeGreaterThan(0);
  });
});
