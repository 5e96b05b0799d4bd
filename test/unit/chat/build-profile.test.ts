import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import { buildRiskProfile } from '../../../functions/chat/question-bank/build-profile.ts';
import { BANK_V1 } from '../../../functions/chat/question-bank/bank-v1.ts';
import { RiskProfileSchema } from '../../../functions/eligibility/risk-profile.schema.ts';
import { FULL_FEMALE_PATH, MALE_PATH, answerInOrder, changeAnswer, walkBank, type Step } from './helpers.ts';

const build = (steps: readonly Step[]) => {
  const walked = walkBank(answerInOrder(steps));
  expect(walked.current).toBeNull();
  return buildRiskProfile(walked.path, BANK_V1.questions);
};

describe('buildRiskProfile', () => {
  test('a full female path with two cancers and two relatives', () => {
    const { profile, notes } = build(FULL_FEMALE_PATH);
    expect(profile).toEqual({
      version: 1,
      sex: 'female',
      age: 52,
      ashkenaziJewish: false,
      race: 'white',
      personalCancers: [
        {
          type: 'breast',
          ageAtDiagnosis: 44,
          mmrDeficient: null,
          tripleNegative: false,
          lobular: true,
          multiplePrimary: false,
        },
        { type: 'colorectal', ageAtDiagnosis: 50, mmrDeficient: true },
      ],
      relatives: [
        {
          relationship: 'mother',
          throughTwoMales: null,
          testStatus: 'positive',
          cancers: [
            {
              type: 'breast',
              ageAtDiagnosis: 48,
              mmrDeficient: null,
              tripleNegative: null,
              lobular: null,
              multiplePrimary: null,
            },
            { type: 'ovarian', ageAtDiagnosis: 60, mmrDeficient: null, histology: null },
          ],
        },
        {
          relationship: 'paternal_first_cousin',
          sex: 'male',
          throughTwoMales: true,
          testStatus: 'untested',
          cancers: [
            {
              type: 'prostate',
              ageAtDiagnosis: 58,
              mmrDeficient: null,
              riskGroup: 'high',
              metastatic: null,
              intraductalOrCribriform: null,
            },
          ],
        },
      ],
      knownFamilialVariant: { present: true, gene: 'BRCA2' },
      priorGeneticTesting: 'none',
      brcaCarrierProbability: null,
      breastHistory: { biopsies: 2, atypicalHyperplasia: false, lcis: false },
      reproductive: { ageAtMenarche: 12, ageAtFirstLiveBirth: 28, nulliparous: false },
    });
    expect(notes).toEqual([]);
    expect(v.parse(RiskProfileSchema, profile)).toEqual(profile);
  });

  test('an all-"I don\'t know" path gives nulls, and notes what the profile cannot say', () => {
    const { profile, notes } = build([
      ['sex_at_birth', 'female'],
      ['age', 40],
      ['ashkenazi', null],
      ['race', null],
      ['has_cancer', true],
      ['cancer_type_female', 'breast'],
      ['cancer_age', null],
      ['breast_triple_negative', null],
      ['breast_lobular', null],
      ['breast_multiple_primary', null],
      ['another_cancer', false],
      ['has_relatives_with_cancer', null],
      ['familial_variant', null],
      ['prior_genetic_testing', null],
      ['breast_biopsies', null],
      ['breast_lcis', null],
      ['age_at_menarche', null],
      ['had_live_birth', null],
    ]);
    expect(profile).toEqual({
      version: 1,
      sex: 'female',
      age: 40,
      ashkenaziJewish: null,
      race: null,
      personalCancers: [
        {
          type: 'breast',
          ageAtDiagnosis: null,
          mmrDeficient: null,
          tripleNegative: null,
          lobular: null,
          multiplePrimary: null,
        },
      ],
      relatives: [],
      knownFamilialVariant: { present: null, gene: null },
      priorGeneticTesting: null,
      brcaCarrierProbability: null,
      breastHistory: { biopsies: null, atypicalHyperplasia: null, lcis: null },
      reproductive: { ageAtMenarche: null, ageAtFirstLiveBirth: null, nulliparous: null },
    });
    expect(notes).toEqual([
      'Family history of cancer is unknown; the profile lists no relatives, which reads as none.',
    ]);
    expect(v.parse(RiskProfileSchema, profile)).toEqual(profile);
  });

  test('relatives whose details are unknown', () => {
    const { profile, notes } = build([
      ['sex_at_birth', 'male'],
      ['age', 30],
      ['ashkenazi', false],
      ['race', 'other'],
      ['has_cancer', false],
      ['has_relatives_with_cancer', true],
      ['relative_relationship', 'maternal_great_aunt'],
      ['relative_cancer_type_female', null],
      ['relative_cancer_age', null],
      ['relative_second_cancer', null],
      ['relative_tested', null],
      ['another_relative', true],
      ['relative_relationship', 'paternal_great_uncle'],
      ['relative_through_two_males', null],
      ['relative_cancer_type_male', 'prostate'],
      ['relative_cancer_age', 70],
      ['relative_prostate_high_risk', false],
      ['relative_second_cancer', false],
      ['relative_tested', 'negative'],
      ['another_relative', false],
      ['familial_variant', true],
      ['familial_variant_gene', 'other'],
      ['prior_genetic_testing', 'none'],
    ]);
    expect(profile.relatives).toEqual([
      {
        relationship: 'maternal_great_aunt',
        throughTwoMales: false,
        testStatus: null,
        cancers: [{ type: 'other', ageAtDiagnosis: null, mmrDeficient: null }],
      },
      {
        relationship: 'paternal_great_uncle',
        throughTwoMales: null,
        testStatus: 'negative',
        cancers: [
          {
            type: 'prostate',
            ageAtDiagnosis: 70,
            mmrDeficient: null,
            riskGroup: null,
            metastatic: false,
            intraductalOrCribriform: null,
          },
        ],
      },
    ]);
    expect(profile.knownFamilialVariant).toEqual({ present: true, gene: null });
    expect(notes).toEqual([
      'The type of a cancer of relative 1 is unknown; it is recorded as "other".',
      'The familial variant is in a gene not listed in the questionnaire; the gene is not recorded.',
    ]);
    expect(() => v.parse(RiskProfileSchema, profile)).not.toThrow();
  });

  test('a male path omits the BCRAT sections', () => {
    const { profile, notes } = build(MALE_PATH);
    expect(profile).toEqual({
      version: 1,
      sex: 'male',
      age: 61,
      ashkenaziJewish: true,
      race: 'black',
      personalCancers: [
        {
          type: 'prostate',
          ageAtDiagnosis: 58,
          mmrDeficient: null,
          riskGroup: 'intermediate',
          metastatic: false,
          intraductalOrCribriform: true,
        },
      ],
      relatives: [],
      knownFamilialVariant: { present: false, gene: null },
      priorGeneticTesting: 'vus',
      brcaCarrierProbability: null,
    });
    expect('breastHistory' in profile).toBe(false);
    expect('reproductive' in profile).toBe(false);
    expect(notes).toEqual([]);
    expect(v.parse(RiskProfileSchema, profile)).toMatchObject(profile);
  });

  test('no cancer and no relatives give empty lists; no live birth means nulliparous', () => {
    const { profile } = build([
      ['sex_at_birth', 'female'],
      ['age', 36],
      ['ashkenazi', false],
      ['race', 'hispanic_us'],
      ['has_cancer', false],
      ['has_relatives_with_cancer', false],
      ['familial_variant', false],
      ['prior_genetic_testing', 'none'],
      ['breast_biopsies', 0],
      ['breast_lcis', false],
      ['age_at_menarche', 11],
      ['had_live_birth', false],
    ]);
    expect(profile.personalCancers).toEqual([]);
    expect(profile.relatives).toEqual([]);
    expect(profile.breastHistory).toEqual({ biopsies: 0, atypicalHyperplasia: null, lcis: false });
    expect(profile.reproductive).toEqual({ ageAtMenarche: 11, ageAtFirstLiveBirth: null, nulliparous: true });
  });

  test('an answer that a corrected age made impossible counts as unknown, with a note', () => {
    const answers = changeAnswer(answerInOrder(FULL_FEMALE_PATH), 'age', 0, 40);
    const { profile, notes } = buildRiskProfile(walkBank(answers).path, BANK_V1.questions);
    expect(profile.personalCancers.map((c) => c.ageAtDiagnosis)).toEqual([null, null]);
    expect(profile.reproductive?.ageAtFirstLiveBirth).toBe(28);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/cancer_age \(44\) conflicts/);
    expect(() => v.parse(RiskProfileSchema, profile)).not.toThrow();
  });

  test('a path without sex or age cannot make a profile', () => {
    expect(() => buildRiskProfile([], BANK_V1.questions)).toThrow(/sex_at_birth and age/);
  });
});
