import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import bcratCases from '../../fixtures/domain/bcrat-cases.json' with { type: 'json' };
import {
  BcratInputSchema,
  bcratCategories,
  bcratFromProfile,
  bcratModel,
  calculateBcrat,
  type BcratInput,
  type BcratNotApplicableCode,
} from '../../../functions/risk-models/bcrat.ts';
import { BcratResultSchema } from '../../../functions/risk-models/risk-models.schemas.ts';
import { parseRiskProfile } from '../../../functions/eligibility/risk-profile.schema.ts';

const TOLERANCE_PCT = 0.001;

function input(overrides: Partial<BcratInput> = {}): BcratInput {
  return v.parse(BcratInputSchema, {
    race: 'white',
    age: 40,
    ageAtMenarche: 12,
    ageAtFirstLiveBirth: 25,
    nulliparous: false,
    biopsies: 0,
    atypicalHyperplasia: null,
    affectedFirstDegreeRelatives: 0,
    ...overrides,
  });
}

describe('BCRAT reference cases (NCI implementation)', () => {
  test.each(bcratCases.cases)('case $id matches within 0.001 percentage points', ({ input: raw, expected }) => {
    const outcome = calculateBcrat(v.parse(BcratInputSchema, raw));
    if (!outcome.applicable) throw new Error(`not applicable: ${JSON.stringify(outcome.reasons)}`);
    const { result } = outcome;
    expect(Math.abs(result.fiveYearRiskPct - expected.fiveYearRiskPct)).toBeLessThan(TOLERANCE_PCT);
    expect(Math.abs(result.lifetimeRiskPct - expected.lifetimeRiskPct)).toBeLessThan(TOLERANCE_PCT);
    expect(Math.abs(result.averageFiveYearRiskPct - expected.averageFiveYearRiskPct)).toBeLessThan(TOLERANCE_PCT);
    expect(Math.abs(result.averageLifetimeRiskPct - expected.averageLifetimeRiskPct)).toBeLessThan(TOLERANCE_PCT);
  });
});

describe('BCRAT validity', () => {
  test.each<[Partial<BcratInput>, BcratNotApplicableCode]>([
    [{ age: 34 }, 'age_out_of_range'],
    [{ age: 86 }, 'age_out_of_range'],
    [{ breastCancerHistory: true }, 'breast_cancer_history'],
    [{ knownBrcaVariant: true }, 'known_brca_variant'],
    [{ chestRadiationBefore30: true }, 'chest_radiation_before_30'],
    [{ ageAtMenarche: 13, ageAtFirstLiveBirth: 12 }, 'first_birth_before_menarche'],
    [{ age: 40, ageAtFirstLiveBirth: 41 }, 'first_birth_after_current_age'],
    [{ age: 40, ageAtMenarche: 41, ageAtFirstLiveBirth: null }, 'menarche_after_current_age'],
  ])('%j → %s', (overrides, code) => {
    const outcome = calculateBcrat(input(overrides));
    expect(outcome.applicable).toBe(false);
    if (!outcome.applicable) {
      expect(outcome.reasons.map((r) => r.code)).toContain(code);
      expect(outcome.reasons.every((r) => r.message.length > 0)).toBe(true);
    }
  });

  test('the age limits themselves are valid; unknown context fields do not block', () => {
    expect(calculateBcrat(input({ age: 35 })).applicable).toBe(true);
    expect(
      calculateBcrat(
        input({ age: 85, breastCancerHistory: null, knownBrcaVariant: null, chestRadiationBefore30: false }),
      ).applicable,
    ).toBe(true);
  });

  test('schema errors carry paths', () => {
    const issues = (raw: unknown) => {
      const result = v.safeParse(BcratInputSchema, raw);
      return result.success ? [] : result.issues.map((i) => v.getDotPath(i));
    };
    expect(issues({ age: 40, race: 'martian' })).toContain('race');
    expect(issues({ age: 40, biopsies: 0, atypicalHyperplasia: true })).toContain('atypicalHyperplasia');
    expect(issues({ age: 40, nulliparous: true, ageAtFirstLiveBirth: 20 })).toContain('ageAtFirstLiveBirth');
    expect(issues({ age: 40, surprise: 1 })).toContain('surprise');
  });
});

describe('BCRAT computation', () => {
  test('race recoding (BCRAT.md step 2)', () => {
    const recode = (race: BcratInput['race'], overrides: Partial<BcratInput>) =>
      bcratCategories(input({ race, ...overrides }), race ?? 'other');
    const heavy = { ageAtMenarche: 10, biopsies: 3, ageAtFirstLiveBirth: 31, affectedFirstDegreeRelatives: 2 };
    expect(recode('white', heavy)).toEqual({ menarche: 2, biopsies: 2, firstLiveBirth: 3, relatives: 2 });
    expect(recode('hispanic_foreign', heavy)).toEqual({ menarche: 2, biopsies: 1, firstLiveBirth: 2, relatives: 1 });
    expect(recode('hispanic_us', heavy)).toEqual({ menarche: 0, biopsies: 1, firstLiveBirth: 2, relatives: 1 });
    expect(recode('hispanic_us', { ageAtFirstLiveBirth: null, nulliparous: true })).toMatchObject({
      firstLiveBirth: 2,
    });
    expect(recode('hispanic_us', { ageAtFirstLiveBirth: 27 })).toMatchObject({ firstLiveBirth: 1 });
    expect(recode('black', heavy)).toEqual({ menarche: 1, biopsies: 2, firstLiveBirth: 0, relatives: 2 });
    expect(recode('japanese', heavy)).toEqual({ menarche: 2, biopsies: 2, firstLiveBirth: 3, relatives: 1 });
    expect(
      recode('white', {
        ageAtMenarche: null,
        biopsies: null,
        ageAtFirstLiveBirth: null,
        nulliparous: null,
        affectedFirstDegreeRelatives: null,
      }),
    ).toEqual({
      menarche: 0,
      biopsies: 0,
      firstLiveBirth: 0,
      relatives: 0,
    });
  });

  test('unknown race uses the "other" (white) rates', () => {
    const unknown = calculateBcrat(input({ race: null }));
    const white = calculateBcrat(input({ race: 'white' }));
    if (!unknown.applicable || !white.applicable) throw new Error('expected applicable');
    expect(unknown.result.race).toBe('other');
    expect(unknown.result.fiveYearRiskPct).toBeCloseTo(white.result.fiveYearRiskPct, 10);
  });

  test('atypical hyperplasia multiplies the relative risk (1.82 / 0.93 / 1)', () => {
    const rr = (atypicalHyperplasia: boolean | null) => {
      const outcome = calculateBcrat(input({ biopsies: 1, atypicalHyperplasia }));
      if (!outcome.applicable) throw new Error('expected applicable');
      return outcome.result.relativeRisk.before50;
    };
    expect(rr(true) / rr(null)).toBeCloseTo(1.82, 10);
    expect(rr(false) / rr(null)).toBeCloseTo(0.93, 10);
  });

  test('at 85 the five-year and lifetime projections coincide (both end at 90)', () => {
    const outcome = calculateBcrat(input({ age: 85 }));
    if (!outcome.applicable) throw new Error('expected applicable');
    expect(outcome.result.fiveYearToAge).toBe(90);
    expect(outcome.result.fiveYearRiskPct).toBeCloseTo(outcome.result.lifetimeRiskPct, 12);
  });
});

describe('bcratFromProfile', () => {
  const base = {
    version: 1,
    sex: 'female',
    age: 40,
    race: 'white',
    personalCancers: [],
    relatives: [
      { relationship: 'mother', cancers: [{ type: 'breast', ageAtDiagnosis: 60 }] },
      { relationship: 'sister', cancers: [{ type: 'ovarian', ageAtDiagnosis: 45 }] },
      { relationship: 'maternal_aunt', cancers: [{ type: 'breast', ageAtDiagnosis: 50 }] },
    ],
    breastHistory: { biopsies: 1, atypicalHyperplasia: false, lcis: false },
    reproductive: { ageAtMenarche: 11, nulliparous: true },
  };

  test('derives the inputs; affected first-degree relatives are mother, sisters and daughters with breast cancer', () => {
    const derived = bcratFromProfile(parseRiskProfile(base));
    expect(derived).toEqual({
      applicable: true,
      input: {
        race: 'white',
        age: 40,
        ageAtMenarche: 11,
        ageAtFirstLiveBirth: null,
        nulliparous: true,
        biopsies: 1,
        atypicalHyperplasia: false,
        affectedFirstDegreeRelatives: 1,
        breastCancerHistory: false,
        knownBrcaVariant: null,
        chestRadiationBefore30: null,
      },
    });
    // Same woman as reference case B.
    if (!derived.applicable) return;
    const outcome = calculateBcrat(derived.input);
    if (!outcome.applicable) throw new Error('expected applicable');
    expect(Math.abs(outcome.result.fiveYearRiskPct - 1.8984)).toBeLessThan(TOLERANCE_PCT);
  });

  test('hyperplasia is ignored without a known biopsy count', () => {
    const derived = bcratFromProfile(
      parseRiskProfile({ ...base, breastHistory: { biopsies: null, atypicalHyperplasia: true } }),
    );
    expect(derived.applicable && derived.input.atypicalHyperplasia).toBe(null);
  });

  test.each<[string, Record<string, unknown>, BcratNotApplicableCode]>([
    ['a man', { sex: 'male', relatives: [], reproductive: {} }, 'not_female'],
    ['too young', { age: 30 }, 'age_out_of_range'],
    [
      'personal breast cancer (DCIS included)',
      { personalCancers: [{ type: 'breast', ageAtDiagnosis: 38 }] },
      'breast_cancer_history',
    ],
    ['LCIS', { breastHistory: { biopsies: 1, lcis: true } }, 'breast_cancer_history'],
    ['a positive germline test', { priorGeneticTesting: 'positive' }, 'known_brca_variant'],
    [
      'first birth after current age',
      { reproductive: { ageAtMenarche: 12, ageAtFirstLiveBirth: 41, nulliparous: false } },
      'first_birth_after_current_age',
    ],
  ])('not applicable to %s', (_, overrides, code) => {
    const derived = bcratFromProfile(parseRiskProfile({ ...base, ...overrides }));
    expect(derived.applicable).toBe(false);
    if (!derived.applicable) expect(derived.reasons.map((r) => r.code)).toContain(code);
  });

  test('as a RiskModel', async () => {
    const available = await bcratModel.assess(parseRiskProfile(base));
    expect(available).toMatchObject({ available: true, result: { model: 'BCRAT' } });
    const unavailable = await bcratModel.assess(parseRiskProfile({ ...base, age: 30 }));
    expect(unavailable).toEqual({ available: false, reason: 'BCRAT is validated for ages 35 to 85; the woman is 30' });
  });

  test('results conform to the response schema', () => {
    for (const c of bcratCases.cases) {
      const outcome = calculateBcrat(v.parse(BcratInputSchema, c.input));
      expect(outcome.applicable && v.is(BcratResultSchema, outcome.result)).toBe(true);
    }
  });
});
