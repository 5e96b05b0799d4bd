import { describe, expect, test } from 'vitest';
import eligibilityCases from '../../fixtures/domain/eligibility-cases.json' with { type: 'json' };
import { validateRiskProfile } from '../../../functions/eligibility/risk-profile.schema.ts';

const base = { version: 1, sex: 'female', age: 45, personalCancers: [], relatives: [] };

function errorsOf(input: unknown): Record<string, string> {
  const validation = validateRiskProfile(input);
  if (validation.ok) throw new Error('expected the profile to be rejected');
  return Object.fromEntries(validation.errors.map((e) => [e.path, e.message]));
}

describe('RiskProfile schema', () => {
  test('every reference case profile is valid', () => {
    for (const c of eligibilityCases.cases) expect(validateRiskProfile(c.profile).ok, c.id).toBe(true);
  });

  test('omitted unknowable fields parse as null (unknown)', () => {
    const validation = validateRiskProfile({
      ...base,
      personalCancers: [{ type: 'breast' }],
      relatives: [{ relationship: 'mother', cancers: [] }],
    });
    expect(validation.ok).toBe(true);
    if (!validation.ok) return;
    expect(validation.profile).toMatchObject({
      ashkenaziJewish: null,
      race: null,
      knownFamilialVariant: { present: null, gene: null },
      priorGeneticTesting: null,
      brcaCarrierProbability: null,
      breastHistory: { biopsies: null, atypicalHyperplasia: null, lcis: null },
      reproductive: { ageAtMenarche: null, ageAtFirstLiveBirth: null, nulliparous: null },
      personalCancers: [
        {
          type: 'breast',
          ageAtDiagnosis: null,
          tripleNegative: null,
          lobular: null,
          multiplePrimary: null,
          mmrDeficient: null,
        },
      ],
      relatives: [{ relationship: 'mother', throughTwoMales: null, testStatus: null, cancers: [] }],
    });
  });

  test.each([
    [{ ...base, version: 2 }, 'version'],
    [{ ...base, age: 17 }, 'age'],
    [{ ...base, age: 111 }, 'age'],
    [{ ...base, age: 45.5 }, 'age'],
    [{ ...base, sex: 'other' }, 'sex'],
    [{ ...base, race: 'martian' }, 'race'],
    [{ ...base, brcaCarrierProbability: -0.1 }, 'brcaCarrierProbability'],
    [{ ...base, brcaCarrierProbability: 1.01 }, 'brcaCarrierProbability'],
    [{ ...base, priorGeneticTesting: 'maybe' }, 'priorGeneticTesting'],
    [{ ...base, nickname: 'x' }, 'nickname'],
    [{ version: 1, sex: 'female', age: 45, relatives: [] }, 'personalCancers'],
    [{ ...base, knownFamilialVariant: { present: true, gene: '' } }, 'knownFamilialVariant.gene'],
    [{ ...base, personalCancers: [{ type: 'lung' }] }, 'personalCancers[0].type'],
    [{ ...base, personalCancers: [{ type: 'breast', ageAtDiagnosis: 46 }] }, 'personalCancers[0].ageAtDiagnosis'],
    [{ ...base, personalCancers: [{ type: 'colorectal', tripleNegative: true }] }, 'personalCancers[0].tripleNegative'],
    [{ ...base, personalCancers: [{ type: 'ovarian', histology: 'clear_cell' }] }, 'personalCancers[0].histology'],
    [{ ...base, personalCancers: [{ type: 'prostate' }] }, 'personalCancers[0].type'],
    [{ ...base, sex: 'male', personalCancers: [{ type: 'endometrial' }] }, 'personalCancers[0].type'],
    [{ ...base, relatives: [{ relationship: 'cousin', cancers: [] }] }, 'relatives[0].relationship'],
    [{ ...base, relatives: [{ relationship: 'maternal_first_cousin', cancers: [] }] }, 'relatives[0].sex'],
    [{ ...base, relatives: [{ relationship: 'mother', side: 'paternal', cancers: [] }] }, 'relatives[0].side'],
    [{ ...base, relatives: [{ relationship: 'sister', side: 'maternal', cancers: [] }] }, 'relatives[0].side'],
    [
      { ...base, relatives: [{ relationship: 'paternal_grandfather', throughTwoMales: true, cancers: [] }] },
      'relatives[0].throughTwoMales',
    ],
    [
      { ...base, relatives: [{ relationship: 'maternal_great_uncle', throughTwoMales: true, cancers: [] }] },
      'relatives[0].throughTwoMales',
    ],
    [
      { ...base, relatives: [{ relationship: 'mother', cancers: [{ type: 'prostate' }] }] },
      'relatives[0].cancers[0].type',
    ],
    [
      { ...base, relatives: [{ relationship: 'father', testStatus: 'pending', cancers: [] }] },
      'relatives[0].testStatus',
    ],
    [{ ...base, breastHistory: { biopsies: 0, atypicalHyperplasia: true } }, 'breastHistory.atypicalHyperplasia'],
    [{ ...base, reproductive: { nulliparous: true, ageAtFirstLiveBirth: 25 } }, 'reproductive.ageAtFirstLiveBirth'],
  ])('rejects %j at %s', (input, path) => {
    expect(Object.keys(errorsOf(input))).toContain(path);
  });

  test('unknown keys are named in the message', () => {
    expect(
      errorsOf({ ...base, personalCancers: [{ type: 'colorectal', tripleNegative: true }] })[
        'personalCancers[0].tripleNegative'
      ],
    ).toBe('Unknown or misplaced field "tripleNegative"');
  });

  test('accepts what the relationships allow', () => {
    const ok = validateRiskProfile({
      ...base,
      relatives: [
        { relationship: 'niece', side: 'paternal', cancers: [] },
        {
          relationship: 'paternal_first_cousin',
          sex: 'male',
          throughTwoMales: true,
          cancers: [{ type: 'prostate', riskGroup: 'high' }],
        },
        {
          relationship: 'mother',
          side: 'maternal',
          throughTwoMales: false,
          testStatus: 'negative',
          cancers: [{ type: 'ovarian', histology: null }],
        },
        { relationship: 'father', sex: 'female', cancers: [{ type: 'ovarian' }] },
      ],
    });
    expect(ok.ok).toBe(true);
  });
});
