import { describe, expect, test } from 'vitest';
import { evaluateEligibility, outcomeOf } from '../../../functions/eligibility/engine.ts';
import { fact, known } from '../../../functions/eligibility/logic.ts';
import { criterion, judge } from '../../../functions/eligibility/rulesets/criterion.ts';
import {
  CURRENT_RULESET_ID,
  currentRuleset,
  getRuleset,
  rulesetIds,
  type Ruleset,
} from '../../../functions/eligibility/rulesets/index.ts';
import { profile, relative } from './profiles.ts';

describe('outcomeOf (precedence)', () => {
  const CI = 'clinically_indicated' as const;
  const MC = 'may_consider' as const;
  test.each([
    {
      judged: [
        { category: CI, status: 'met' },
        { category: CI, status: 'undetermined' },
      ],
      outcome: 'meets',
    },
    {
      judged: [
        { category: MC, status: 'met' },
        { category: CI, status: 'met' },
      ],
      outcome: 'meets',
    },
    {
      judged: [
        { category: CI, status: 'undetermined' },
        { category: MC, status: 'met' },
      ],
      outcome: 'needs_review',
    },
    {
      judged: [
        { category: CI, status: 'not_met' },
        { category: MC, status: 'met' },
      ],
      outcome: 'may_consider',
    },
    {
      judged: [
        { category: CI, status: 'not_met' },
        { category: MC, status: 'undetermined' },
      ],
      outcome: 'not_met',
    },
    { judged: [], outcome: 'not_met' },
  ] as const)('$outcome', ({ judged, outcome }) => {
    expect(outcomeOf(judged)).toBe(outcome);
  });
});

describe('evaluateEligibility', () => {
  test('explains which cancer meets the criterion and points at it', () => {
    const result = evaluateEligibility(
      profile({
        personalCancers: [
          { type: 'breast', ageAtDiagnosis: 42, tripleNegative: false, lobular: false, multiplePrimary: false },
        ],
        relatives: [
          relative('father', [{ type: 'melanoma', ageAtDiagnosis: 60 }]),
          relative('sister', [{ type: 'ovarian', ageAtDiagnosis: 39, histology: 'epithelial' }]),
        ],
      }),
    );
    expect(result.outcome).toBe('meets');
    expect(result.criteria).toContainEqual({
      id: 'BOPP-CRIT-2.age-50',
      section: 'BOPP-CRIT-2',
      category: 'clinically_indicated',
      status: 'met',
      explanation: 'Breast cancer diagnosed at 42 (≤ 50)',
      evidence: ['personalCancers[0]'],
      unknowns: [],
    });
    const family = result.criteria.find((c) => c.id === 'BOPP-CRIT-4.family-epithelial');
    expect(family).toMatchObject({ status: 'met', evidence: ['relatives[1].cancers[0]'] });
    expect(family?.explanation).toBe('Sister: ovarian cancer diagnosed at 39, epithelial histology');
  });

  test('lists only met and undetermined criteria, in ruleset order', () => {
    const result = evaluateEligibility(
      profile({ knownFamilialVariant: { present: null }, brcaCarrierProbability: 0.03 }),
    );
    expect(result.criteria.map((c) => [c.id, c.status])).toEqual([
      ['BOPP-CRIT-1.familial-variant', 'undetermined'],
      ['BOPP-CRIT-3.model-2.5-5pct', 'met'],
    ]);
    expect(result.outcome).toBe('needs_review');
    expect(result.unknowns).toEqual(['knownFamilialVariant.present']);
  });

  test('an unknown that cannot change the outcome is not listed', () => {
    // Undetermined: metastatic (clinically indicated) and age ≤ 55 (may consider). Knowing the age alone leaves the
    // outcome at needs_review, so only `metastatic` matters.
    const result = evaluateEligibility(
      profile({
        sex: 'male',
        age: 70,
        personalCancers: [
          {
            type: 'prostate',
            ageAtDiagnosis: null,
            metastatic: null,
            riskGroup: 'low',
            intraductalOrCribriform: false,
          },
        ],
      }),
    );
    expect(result.outcome).toBe('needs_review');
    expect(result.criteria.map((c) => c.id)).toEqual(['BOPP-CRIT-6.metastatic', 'BOPP-CRIT-6.age-55']);
    expect(result.unknowns).toEqual(['personalCancers[0].metastatic']);
  });

  test('an unknown of a may-consider criterion is listed when it could lead to may_consider', () => {
    const result = evaluateEligibility(
      profile({
        sex: 'male',
        age: 65,
        personalCancers: [
          {
            type: 'prostate',
            ageAtDiagnosis: 60,
            metastatic: false,
            riskGroup: 'intermediate',
            intraductalOrCribriform: null,
          },
        ],
      }),
    );
    expect(result.outcome).toBe('not_met');
    expect(result.criteria.map((c) => [c.id, c.status])).toEqual([
      ['BOPP-CRIT-6.intermediate-cribriform', 'undetermined'],
    ]);
    expect(result.unknowns).toEqual(['personalCancers[0].intraductalOrCribriform']);
  });

  test('nothing is unknown once the outcome is meets', () => {
    const result = evaluateEligibility(
      profile({
        ashkenaziJewish: null,
        personalCancers: [{ type: 'breast', ageAtDiagnosis: 44 }],
        knownFamilialVariant: { present: null },
      }),
    );
    expect(result.outcome).toBe('meets');
    expect(result.criteria.some((c) => c.status === 'undetermined')).toBe(true);
    expect(result.unknowns).toEqual([]);
  });

  test("a relative's unreported tumour features are not unknowns", () => {
    const result = evaluateEligibility(
      profile({
        relatives: [
          relative('mother', [
            { type: 'breast', ageAtDiagnosis: 60, tripleNegative: null, multiplePrimary: null, lobular: null },
          ]),
        ],
      }),
    );
    expect(result.outcome).toBe('not_met');
    expect(result.unknowns).toEqual([]);
  });

  test("the patient's current age bounds an unknown age at diagnosis", () => {
    const young = evaluateEligibility(
      profile({ age: 44, personalCancers: [{ type: 'colorectal', ageAtDiagnosis: null }] }),
    );
    expect(young.outcome).toBe('meets');
    expect(young.criteria.find((c) => c.id === 'CEG-LS.personal-under-50')?.status).toBe('met');
  });

  test('evaluates any ruleset given to it; a new version needs no engine change', () => {
    const tiny: Ruleset = {
      id: 'TEST-1',
      title: 'A ruleset of one criterion',
      criteria: [
        criterion({
          id: 'TEST.ashkenazi',
          category: 'clinically_indicated',
          title: 'Ashkenazi Jewish ancestry',
          evaluate: (p) =>
            judge(
              [
                {
                  finding: known(p.ashkenaziJewish, 'ashkenaziJewish', (a) => a),
                  evidence: ['ashkenaziJewish'],
                  text: 'Ashkenazi',
                },
              ],
              'Not Ashkenazi',
            ),
        }),
        criterion({
          id: 'TEST.always',
          category: 'may_consider',
          title: 'Always',
          evaluate: () => judge([{ finding: fact(true), evidence: ['age'], text: 'Always' }], ''),
        }),
      ],
    };
    const unknown = evaluateEligibility(profile({ ashkenaziJewish: null }), tiny);
    expect(unknown).toMatchObject({ ruleset: 'TEST-1', outcome: 'needs_review', unknowns: ['ashkenaziJewish'] });
    expect(evaluateEligibility(profile({ ashkenaziJewish: false }), tiny).outcome).toBe('may_consider');
    expect(evaluateEligibility(profile({ ashkenaziJewish: true }), tiny)).toMatchObject({
      outcome: 'meets',
      nccnEligible: true,
    });
  });
});

describe('ruleset registry', () => {
  test('the current ruleset is NCCN-BOPP-2026.3+CEG-2026.1 and is registered', () => {
    expect(CURRENT_RULESET_ID).toBe('NCCN-BOPP-2026.3+CEG-2026.1');
    expect(getRuleset(CURRENT_RULESET_ID)).toBe(currentRuleset);
    expect(rulesetIds()).toContain(CURRENT_RULESET_ID);
    expect(getRuleset('NCCN-BOPP-1999.1')).toBeUndefined();
  });

  test('evaluateEligibility uses the current ruleset by default', () => {
    expect(evaluateEligibility(profile()).ruleset).toBe(CURRENT_RULESET_ID);
  });
});
