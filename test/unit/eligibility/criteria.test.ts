/**
 * Every criterion of the current ruleset with at least a positive, a near-miss and an unknown example. The unknown
 * example has an unknown input the criterion reads; where the rules give that input a fixed reading (a relative's
 * tumour features, an absent model probability…) the expected status says so.
 */
import { describe, expect, test } from 'vitest';
import type { RiskProfile, RiskProfileInput } from '../../../functions/eligibility/risk-profile.schema.ts';
import { currentRuleset, type CriterionStatus } from '../../../functions/eligibility/rulesets/index.ts';
import { profile, relative } from './profiles.ts';

type CancerInput = RiskProfileInput['personalCancers'][number];
type Kind = 'positive' | 'near-miss' | 'unknown';

interface Example {
  id: string;
  kind: Kind;
  note: string;
  profile: RiskProfile;
  status: CriterionStatus;
  /** For an undetermined example: the unknown inputs the criterion must list. */
  unknowns?: string[];
}

const woman = (age: number, cancers: CancerInput[] = [], extra: Partial<RiskProfileInput> = {}) =>
  profile({ sex: 'female', age, personalCancers: cancers, ...extra });
const man = (age: number, cancers: CancerInput[] = [], extra: Partial<RiskProfileInput> = {}) =>
  profile({ sex: 'male', age, personalCancers: cancers, ...extra });

/** Cancers with every feature known and "no", unless overridden. */
const breast = (age: number | null, extra: Partial<Extract<CancerInput, { type: 'breast' }>> = {}): CancerInput => ({
  type: 'breast',
  ageAtDiagnosis: age,
  tripleNegative: false,
  lobular: false,
  multiplePrimary: false,
  ...extra,
});
const prostate = (
  age: number | null,
  extra: Partial<Extract<CancerInput, { type: 'prostate' }>> = {},
): CancerInput => ({
  type: 'prostate',
  ageAtDiagnosis: age,
  riskGroup: 'low',
  metastatic: false,
  intraductalOrCribriform: false,
  ...extra,
});
const ovarian = (
  age: number | null,
  histology: 'epithelial' | 'sctat' | 'sccoht' | 'other_non_epithelial' | null,
): CancerInput => ({
  type: 'ovarian',
  ageAtDiagnosis: age,
  histology,
});
const pancreatic = (age: number | null, exocrine: boolean | null): CancerInput => ({
  type: 'pancreatic',
  ageAtDiagnosis: age,
  exocrine,
});
const gastric = (age: number | null, diffuseGastric: boolean | null = false): CancerInput => ({
  type: 'gastric',
  ageAtDiagnosis: age,
  diffuseGastric,
});
const plain = (
  type: 'colorectal' | 'endometrial' | 'urothelial' | 'sebaceous' | 'melanoma',
  age: number | null,
  extra: { mmrDeficient?: boolean | null } = {},
): CancerInput => ({
  type,
  ageAtDiagnosis: age,
  ...extra,
});

const ex = (
  id: string,
  kind: Kind,
  note: string,
  p: RiskProfile,
  status: CriterionStatus,
  unknowns?: string[],
): Example => ({
  id,
  kind,
  note,
  profile: p,
  status,
  ...(unknowns ? { unknowns } : {}),
});

const AGE = (i = 0) => `personalCancers[${i}].ageAtDiagnosis`;

const EXAMPLES: Example[] = [
  // BOPP-CRIT-1
  ex(
    'BOPP-CRIT-1.familial-variant',
    'positive',
    'relative carries BRCA2',
    woman(30, [], { knownFamilialVariant: { present: true, gene: 'BRCA2' } }),
    'met',
  ),
  ex('BOPP-CRIT-1.familial-variant', 'near-miss', 'no familial variant', woman(30), 'not_met'),
  ex(
    'BOPP-CRIT-1.familial-variant',
    'unknown',
    'familial variant unknown',
    woman(30, [], { knownFamilialVariant: { present: null } }),
    'undetermined',
    ['knownFamilialVariant.present'],
  ),

  // BOPP-CRIT-2
  ex('BOPP-CRIT-2.age-50', 'positive', 'breast cancer at 50', woman(55, [breast(50)]), 'met'),
  ex('BOPP-CRIT-2.age-50', 'positive', 'unknown age but current age 48', woman(48, [breast(null)]), 'met'),
  ex('BOPP-CRIT-2.age-50', 'near-miss', 'breast cancer at 51', woman(55, [breast(51)]), 'not_met'),
  ex('BOPP-CRIT-2.age-50', 'unknown', 'unknown age, current age 60', woman(60, [breast(null)]), 'undetermined', [
    AGE(),
  ]),

  ex(
    'BOPP-CRIT-2.triple-negative',
    'positive',
    'triple-negative at 60',
    woman(65, [breast(60, { tripleNegative: true })]),
    'met',
  ),
  ex('BOPP-CRIT-2.triple-negative', 'near-miss', 'not triple-negative', woman(65, [breast(60)]), 'not_met'),
  ex(
    'BOPP-CRIT-2.triple-negative',
    'unknown',
    'receptor status unknown',
    woman(65, [breast(60, { tripleNegative: null })]),
    'undetermined',
    ['personalCancers[0].tripleNegative'],
  ),

  ex(
    'BOPP-CRIT-2.multiple-primary',
    'positive',
    'reported multiple primary',
    woman(65, [breast(60, { multiplePrimary: true })]),
    'met',
  ),
  ex(
    'BOPP-CRIT-2.multiple-primary',
    'positive',
    'two breast cancer entries',
    woman(70, [breast(60), breast(66)]),
    'met',
  ),
  ex('BOPP-CRIT-2.multiple-primary', 'near-miss', 'one primary', woman(65, [breast(60)]), 'not_met'),
  ex(
    'BOPP-CRIT-2.multiple-primary',
    'unknown',
    'unknown whether multiple',
    woman(65, [breast(60, { multiplePrimary: null })]),
    'undetermined',
    ['personalCancers[0].multiplePrimary'],
  ),

  ex(
    'BOPP-CRIT-2.lobular-diffuse-gastric',
    'positive',
    'lobular + mother diffuse gastric',
    woman(65, [breast(60, { lobular: true })], { relatives: [relative('mother', [gastric(70, true)])] }),
    'met',
  ),
  ex(
    'BOPP-CRIT-2.lobular-diffuse-gastric',
    'positive',
    'lobular + own diffuse gastric',
    woman(65, [breast(60, { lobular: true }), gastric(62, true)]),
    'met',
  ),
  ex(
    'BOPP-CRIT-2.lobular-diffuse-gastric',
    'near-miss',
    "lobular + mother's gastric of unreported type",
    woman(65, [breast(60, { lobular: true })], { relatives: [relative('mother', [gastric(70, null)])] }),
    'not_met',
  ),
  ex(
    'BOPP-CRIT-2.lobular-diffuse-gastric',
    'unknown',
    'histology of own breast cancer unknown',
    woman(65, [breast(60, { lobular: null })], { relatives: [relative('mother', [gastric(70, true)])] }),
    'undetermined',
    ['personalCancers[0].lobular'],
  ),

  ex('BOPP-CRIT-2.male', 'positive', 'male breast cancer', man(70, [breast(66)]), 'met'),
  ex('BOPP-CRIT-2.male', 'near-miss', 'female breast cancer', woman(70, [breast(66)]), 'not_met'),
  ex('BOPP-CRIT-2.male', 'unknown', 'male breast cancer at unknown age (still met)', man(70, [breast(null)]), 'met'),

  ex(
    'BOPP-CRIT-2.ashkenazi',
    'positive',
    'Ashkenazi with breast cancer at 70',
    woman(75, [breast(70)], { ashkenaziJewish: true }),
    'met',
  ),
  ex(
    'BOPP-CRIT-2.ashkenazi',
    'near-miss',
    'Ashkenazi without breast cancer',
    woman(75, [], { ashkenaziJewish: true }),
    'not_met',
  ),
  ex(
    'BOPP-CRIT-2.ashkenazi',
    'unknown',
    'ancestry unknown',
    woman(75, [breast(70)], { ashkenaziJewish: null }),
    'undetermined',
    ['ashkenaziJewish'],
  ),

  ex(
    'BOPP-CRIT-2.close-relative',
    'positive',
    'paternal aunt pancreatic (unknown histology counts)',
    woman(65, [breast(60)], { relatives: [relative('paternal_aunt', [pancreatic(70, null)])] }),
    'met',
  ),
  ex(
    'BOPP-CRIT-2.close-relative',
    'positive',
    'brother with breast cancer',
    woman(65, [breast(60)], { relatives: [relative('brother', [breast(70)])] }),
    'met',
  ),
  ex(
    'BOPP-CRIT-2.close-relative',
    'near-miss',
    'mother breast cancer at 51',
    woman(65, [breast(60)], { relatives: [relative('mother', [breast(51)])] }),
    'not_met',
  ),
  ex(
    'BOPP-CRIT-2.close-relative',
    'unknown',
    "cousin's breast cancer at unknown age",
    woman(65, [breast(60)], { relatives: [relative('maternal_first_cousin', [breast(null)], { sex: 'female' })] }),
    'undetermined',
    ['relatives[0].cancers[0].ageAtDiagnosis'],
  ),

  ex(
    'BOPP-CRIT-2.three-same-side',
    'positive',
    'patient + mother + maternal grandmother',
    woman(65, [breast(60)], {
      relatives: [relative('mother', [breast(70)]), relative('maternal_grandmother', [breast(75)])],
    }),
    'met',
  ),
  ex(
    'BOPP-CRIT-2.three-same-side',
    'positive',
    'sister counts on the paternal side too',
    woman(65, [breast(60)], { relatives: [relative('sister', [breast(62)]), relative('paternal_aunt', [breast(75)])] }),
    'met',
  ),
  ex(
    'BOPP-CRIT-2.three-same-side',
    'near-miss',
    'two on each side',
    woman(65, [breast(60)], { relatives: [relative('mother', [breast(70)]), relative('paternal_aunt', [breast(75)])] }),
    'not_met',
  ),
  ex(
    'BOPP-CRIT-2.three-same-side',
    'unknown',
    'own second primary unknown',
    woman(65, [breast(60, { multiplePrimary: null })], { relatives: [relative('mother', [breast(70)])] }),
    'undetermined',
    ['personalCancers[0].multiplePrimary'],
  ),

  ex(
    'BOPP-CRIT-2.family-relative-meets',
    'positive',
    'unaffected, mother breast cancer at 45',
    woman(40, [], { relatives: [relative('mother', [breast(45)])] }),
    'met',
  ),
  ex(
    'BOPP-CRIT-2.family-relative-meets',
    'positive',
    'paternal cousin through two males, triple-negative',
    woman(40, [], {
      relatives: [
        relative('paternal_first_cousin', [breast(60, { tripleNegative: true })], {
          sex: 'female',
          throughTwoMales: true,
        }),
      ],
    }),
    'met',
  ),
  ex(
    'BOPP-CRIT-2.family-relative-meets',
    'near-miss',
    'mother breast cancer at 55, not Ashkenazi',
    woman(40, [], { relatives: [relative('mother', [breast(55, { tripleNegative: null })])] }),
    'not_met',
  ),
  ex(
    'BOPP-CRIT-2.family-relative-meets',
    'near-miss',
    'maternal cousin (3rd degree) at 40',
    woman(40, [], { relatives: [relative('maternal_first_cousin', [breast(40)], { sex: 'female' })] }),
    'not_met',
  ),
  ex(
    'BOPP-CRIT-2.family-relative-meets',
    'unknown',
    "mother's age unknown",
    woman(40, [], { relatives: [relative('mother', [breast(null)])] }),
    'undetermined',
    ['relatives[0].cancers[0].ageAtDiagnosis'],
  ),
  ex(
    'BOPP-CRIT-2.family-relative-meets',
    'unknown',
    'paternal cousin lineage unknown',
    woman(40, [], { relatives: [relative('paternal_first_cousin', [breast(40)], { sex: 'female' })] }),
    'undetermined',
    ['relatives[0].throughTwoMales'],
  ),
  ex(
    'BOPP-CRIT-2.family-relative-meets',
    'unknown',
    'mother at 60, ancestry unknown',
    woman(40, [], { ashkenaziJewish: null, relatives: [relative('mother', [breast(60)])] }),
    'undetermined',
    ['ashkenaziJewish'],
  ),

  ex('BOPP-CRIT-2.model-5pct', 'positive', 'probability 6%', woman(35, [], { brcaCarrierProbability: 0.06 }), 'met'),
  ex(
    'BOPP-CRIT-2.model-5pct',
    'near-miss',
    'probability exactly 5%',
    woman(35, [], { brcaCarrierProbability: 0.05 }),
    'not_met',
  ),
  ex(
    'BOPP-CRIT-2.model-5pct',
    'unknown',
    'no model run (absent is not an unknown answer)',
    woman(35, [], { brcaCarrierProbability: null }),
    'not_met',
  ),

  // BOPP-CRIT-3
  ex('BOPP-CRIT-3.age-65', 'positive', 'breast cancer at 60, nothing else', woman(65, [breast(60)]), 'met'),
  ex('BOPP-CRIT-3.age-65', 'near-miss', 'breast cancer at 66', woman(70, [breast(66)]), 'not_met'),
  ex('BOPP-CRIT-3.age-65', 'near-miss', 'breast cancer at 45 meets CRIT-2 instead', woman(50, [breast(45)]), 'not_met'),
  ex('BOPP-CRIT-3.age-65', 'unknown', 'unknown age, current age 70', woman(70, [breast(null)]), 'undetermined', [
    AGE(),
  ]),

  ex(
    'BOPP-CRIT-3.relative-intermediate-prostate',
    'positive',
    'father intermediate cribriform',
    woman(65, [breast(60)], {
      relatives: [relative('father', [prostate(70, { riskGroup: 'intermediate', intraductalOrCribriform: true })])],
    }),
    'met',
  ),
  ex(
    'BOPP-CRIT-3.relative-intermediate-prostate',
    'near-miss',
    'father intermediate, not cribriform',
    woman(65, [breast(60)], { relatives: [relative('father', [prostate(70, { riskGroup: 'intermediate' })])] }),
    'not_met',
  ),
  ex(
    'BOPP-CRIT-3.relative-intermediate-prostate',
    'unknown',
    "father's histology unreported (relative feature: not counted)",
    woman(65, [breast(60)], {
      relatives: [relative('father', [prostate(70, { riskGroup: 'intermediate', intraductalOrCribriform: null })])],
    }),
    'not_met',
  ),

  ex(
    'BOPP-CRIT-3.model-2.5-5pct',
    'positive',
    'probability 2.5%',
    woman(35, [], { brcaCarrierProbability: 0.025 }),
    'met',
  ),
  ex(
    'BOPP-CRIT-3.model-2.5-5pct',
    'near-miss',
    'probability 2.49%',
    woman(35, [], { brcaCarrierProbability: 0.0249 }),
    'not_met',
  ),
  ex('BOPP-CRIT-3.model-2.5-5pct', 'unknown', 'no model run', woman(35), 'not_met'),

  // BOPP-CRIT-4
  ex('BOPP-CRIT-4.epithelial', 'positive', 'epithelial ovarian at 70', woman(72, [ovarian(70, 'epithelial')]), 'met'),
  ex(
    'BOPP-CRIT-4.epithelial',
    'near-miss',
    'other non-epithelial',
    woman(72, [ovarian(70, 'other_non_epithelial')]),
    'not_met',
  ),
  ex('BOPP-CRIT-4.epithelial', 'unknown', 'own histology unknown', woman(72, [ovarian(70, null)]), 'undetermined', [
    'personalCancers[0].histology',
  ]),

  ex('BOPP-CRIT-4.non-epithelial-rare', 'positive', 'SCCOHT', woman(30, [ovarian(25, 'sccoht')]), 'met'),
  ex(
    'BOPP-CRIT-4.non-epithelial-rare',
    'near-miss',
    'other non-epithelial',
    woman(30, [ovarian(25, 'other_non_epithelial')]),
    'not_met',
  ),
  ex(
    'BOPP-CRIT-4.non-epithelial-rare',
    'unknown',
    'own histology unknown',
    woman(30, [ovarian(25, null)]),
    'undetermined',
    ['personalCancers[0].histology'],
  ),

  ex(
    'BOPP-CRIT-4.family-epithelial',
    'positive',
    "mother's ovarian, histology unknown (counts)",
    woman(40, [], { relatives: [relative('mother', [ovarian(61, null)])] }),
    'met',
  ),
  ex(
    'BOPP-CRIT-4.family-epithelial',
    'near-miss',
    "mother's SCTAT",
    woman(40, [], { relatives: [relative('mother', [ovarian(61, 'sctat')])] }),
    'not_met',
  ),
  ex(
    'BOPP-CRIT-4.family-epithelial',
    'near-miss',
    'maternal great-aunt (3rd degree)',
    woman(40, [], { relatives: [relative('maternal_great_aunt', [ovarian(61, 'epithelial')])] }),
    'not_met',
  ),
  ex(
    'BOPP-CRIT-4.family-epithelial',
    'unknown',
    'paternal great-aunt, lineage unknown',
    woman(40, [], { relatives: [relative('paternal_great_aunt', [ovarian(61, 'epithelial')])] }),
    'undetermined',
    ['relatives[0].throughTwoMales'],
  ),

  // BOPP-CRIT-5
  ex('BOPP-CRIT-5.exocrine', 'positive', 'exocrine at 71', man(72, [pancreatic(71, true)]), 'met'),
  ex('BOPP-CRIT-5.exocrine', 'near-miss', 'neuroendocrine', man(72, [pancreatic(71, false)]), 'not_met'),
  ex('BOPP-CRIT-5.exocrine', 'unknown', 'own histology unknown', man(72, [pancreatic(71, null)]), 'undetermined', [
    'personalCancers[0].exocrine',
  ]),

  ex(
    'BOPP-CRIT-5.first-degree-untestable',
    'positive',
    'father exocrine, untested',
    woman(40, [], { relatives: [relative('father', [pancreatic(70, true)], { testStatus: 'untested' })] }),
    'met',
  ),
  ex(
    'BOPP-CRIT-5.first-degree-untestable',
    'near-miss',
    'father tested negative',
    woman(40, [], { relatives: [relative('father', [pancreatic(70, true)], { testStatus: 'negative' })] }),
    'not_met',
  ),
  ex(
    'BOPP-CRIT-5.first-degree-untestable',
    'near-miss',
    'grandfather (2nd degree)',
    woman(40, [], { relatives: [relative('paternal_grandfather', [pancreatic(70, true)])] }),
    'not_met',
  ),
  ex(
    'BOPP-CRIT-5.first-degree-untestable',
    'unknown',
    'histology, age and test status unknown (all read as the rules say)',
    woman(40, [], { relatives: [relative('father', [pancreatic(null, null)], { testStatus: null })] }),
    'met',
  ),

  // BOPP-CRIT-6
  ex('BOPP-CRIT-6.metastatic', 'positive', 'metastatic', man(70, [prostate(68, { metastatic: true })]), 'met'),
  ex('BOPP-CRIT-6.metastatic', 'near-miss', 'localized', man(70, [prostate(68)]), 'not_met'),
  ex(
    'BOPP-CRIT-6.metastatic',
    'unknown',
    'stage unknown',
    man(70, [prostate(68, { metastatic: null })]),
    'undetermined',
    ['personalCancers[0].metastatic'],
  ),

  ex('BOPP-CRIT-6.high-risk', 'positive', 'very high risk', man(70, [prostate(68, { riskGroup: 'very_high' })]), 'met'),
  ex(
    'BOPP-CRIT-6.high-risk',
    'near-miss',
    'intermediate risk',
    man(70, [prostate(68, { riskGroup: 'intermediate' })]),
    'not_met',
  ),
  ex(
    'BOPP-CRIT-6.high-risk',
    'unknown',
    'risk group unknown',
    man(70, [prostate(68, { riskGroup: null })]),
    'undetermined',
    ['personalCancers[0].riskGroup'],
  ),

  ex('BOPP-CRIT-6.ashkenazi', 'positive', 'Ashkenazi', man(70, [prostate(68)], { ashkenaziJewish: true }), 'met'),
  ex('BOPP-CRIT-6.ashkenazi', 'near-miss', 'not Ashkenazi', man(70, [prostate(68)]), 'not_met'),
  ex(
    'BOPP-CRIT-6.ashkenazi',
    'unknown',
    'ancestry unknown',
    man(70, [prostate(68)], { ashkenaziJewish: null }),
    'undetermined',
    ['ashkenaziJewish'],
  ),

  ex(
    'BOPP-CRIT-6.close-relative',
    'positive',
    'mother epithelial ovarian',
    man(70, [prostate(68)], { relatives: [relative('mother', [ovarian(60, 'epithelial')])] }),
    'met',
  ),
  ex(
    'BOPP-CRIT-6.close-relative',
    'near-miss',
    'brother low-risk prostate',
    man(70, [prostate(68)], { relatives: [relative('brother', [prostate(60)])] }),
    'not_met',
  ),
  ex(
    'BOPP-CRIT-6.close-relative',
    'unknown',
    "sister's breast cancer at unknown age",
    man(70, [prostate(68)], { relatives: [relative('sister', [breast(null)])] }),
    'undetermined',
    ['relatives[0].cancers[0].ageAtDiagnosis'],
  ),

  ex(
    'BOPP-CRIT-6.three-same-side',
    'positive',
    'patient + father + paternal grandfather',
    man(70, [prostate(68)], {
      relatives: [relative('father', [prostate(75)]), relative('paternal_grandfather', [prostate(80)])],
    }),
    'met',
  ),
  ex(
    'BOPP-CRIT-6.three-same-side',
    'near-miss',
    'father and maternal grandfather',
    man(70, [prostate(68)], {
      relatives: [relative('father', [prostate(75)]), relative('maternal_grandfather', [prostate(80)])],
    }),
    'not_met',
  ),
  ex(
    'BOPP-CRIT-6.three-same-side',
    'unknown',
    'own breast cancer, second primary unknown',
    man(70, [prostate(68), breast(60, { multiplePrimary: null })]),
    'undetermined',
    ['personalCancers[1].multiplePrimary'],
  ),

  ex(
    'BOPP-CRIT-6.family-relative-meets',
    'positive',
    'father metastatic',
    woman(40, [], { relatives: [relative('father', [prostate(70, { metastatic: true })])] }),
    'met',
  ),
  ex(
    'BOPP-CRIT-6.family-relative-meets',
    'near-miss',
    'father intermediate risk',
    woman(40, [], { relatives: [relative('father', [prostate(70, { riskGroup: 'intermediate' })])] }),
    'not_met',
  ),
  ex(
    'BOPP-CRIT-6.family-relative-meets',
    'near-miss',
    'paternal cousin (3rd degree) high risk',
    woman(40, [], {
      relatives: [
        relative('paternal_first_cousin', [prostate(70, { riskGroup: 'high' })], {
          sex: 'male',
          throughTwoMales: true,
        }),
      ],
    }),
    'not_met',
  ),
  ex(
    'BOPP-CRIT-6.family-relative-meets',
    'unknown',
    "father's stage and risk unreported (relative features: not counted)",
    woman(40, [], { relatives: [relative('father', [prostate(70, { metastatic: null, riskGroup: null })])] }),
    'not_met',
  ),

  ex('BOPP-CRIT-6.age-55', 'positive', 'prostate at 55', man(60, [prostate(55)]), 'met'),
  ex('BOPP-CRIT-6.age-55', 'near-miss', 'prostate at 56', man(60, [prostate(56)]), 'not_met'),
  ex('BOPP-CRIT-6.age-55', 'unknown', 'unknown age, current age 70', man(70, [prostate(null)]), 'undetermined', [
    AGE(),
  ]),

  ex(
    'BOPP-CRIT-6.intermediate-cribriform',
    'positive',
    'intermediate + cribriform',
    man(70, [prostate(68, { riskGroup: 'intermediate', intraductalOrCribriform: true })]),
    'met',
  ),
  ex(
    'BOPP-CRIT-6.intermediate-cribriform',
    'near-miss',
    'low risk + cribriform',
    man(70, [prostate(68, { intraductalOrCribriform: true })]),
    'not_met',
  ),
  ex(
    'BOPP-CRIT-6.intermediate-cribriform',
    'unknown',
    'histology unknown',
    man(70, [prostate(68, { riskGroup: 'intermediate', intraductalOrCribriform: null })]),
    'undetermined',
    ['personalCancers[0].intraductalOrCribriform'],
  ),

  // CEG-LS
  ex('CEG-LS.personal-under-50', 'positive', 'urothelial at 49', woman(55, [plain('urothelial', 49)]), 'met'),
  ex('CEG-LS.personal-under-50', 'near-miss', 'colorectal at 50', woman(55, [plain('colorectal', 50)]), 'not_met'),
  ex(
    'CEG-LS.personal-under-50',
    'near-miss',
    'melanoma at 30 (not Lynch-spectrum)',
    woman(55, [plain('melanoma', 30)]),
    'not_met',
  ),
  ex(
    'CEG-LS.personal-under-50',
    'unknown',
    'colorectal at unknown age',
    woman(70, [plain('colorectal', null)]),
    'undetermined',
    [AGE()],
  ),
  ex(
    'CEG-LS.personal-under-50',
    'unknown',
    'ovarian at 40, histology unknown',
    woman(70, [ovarian(40, null)]),
    'undetermined',
    ['personalCancers[0].histology'],
  ),

  ex('CEG-LS.endometrial-any-age', 'positive', 'endometrial at 70', woman(72, [plain('endometrial', 70)]), 'met'),
  ex('CEG-LS.endometrial-any-age', 'near-miss', 'colorectal instead', woman(72, [plain('colorectal', 70)]), 'not_met'),
  ex(
    'CEG-LS.endometrial-any-age',
    'unknown',
    'endometrial at unknown age (still met)',
    woman(72, [plain('endometrial', null)]),
    'met',
  ),

  ex('CEG-LS.colorectal-50-plus', 'positive', 'colorectal at 50', woman(60, [plain('colorectal', 50)]), 'met'),
  ex('CEG-LS.colorectal-50-plus', 'near-miss', 'colorectal at 49', woman(60, [plain('colorectal', 49)]), 'not_met'),
  ex('CEG-LS.colorectal-50-plus', 'unknown', 'age unknown', woman(60, [plain('colorectal', null)]), 'undetermined', [
    AGE(),
  ]),

  ex('CEG-LS.gastric-50-plus', 'positive', 'gastric at 60', man(65, [gastric(60)]), 'met'),
  ex('CEG-LS.gastric-50-plus', 'near-miss', 'gastric at 45', man(65, [gastric(45)]), 'not_met'),
  ex('CEG-LS.gastric-50-plus', 'unknown', 'age unknown', man(65, [gastric(null)]), 'undetermined', [AGE()]),

  ex(
    'CEG-LS.mmr-deficient',
    'positive',
    'MMR-deficient sebaceous tumour',
    woman(60, [plain('sebaceous', 58, { mmrDeficient: true })]),
    'met',
  ),
  ex(
    'CEG-LS.mmr-deficient',
    'near-miss',
    'MMR proficient',
    woman(60, [plain('colorectal', 58, { mmrDeficient: false })]),
    'not_met',
  ),
  ex(
    'CEG-LS.mmr-deficient',
    'unknown',
    'never tested (counts only when true)',
    woman(60, [plain('colorectal', 58, { mmrDeficient: null })]),
    'not_met',
  ),

  ex(
    'CEG-LS.multiple-ls',
    'positive',
    'colorectal and endometrial',
    woman(70, [plain('colorectal', 60), plain('endometrial', 65)]),
    'met',
  ),
  ex(
    'CEG-LS.multiple-ls',
    'near-miss',
    'colorectal and breast',
    woman(70, [plain('colorectal', 60), breast(65)]),
    'not_met',
  ),
  ex(
    'CEG-LS.multiple-ls',
    'unknown',
    'colorectal and ovarian of unknown histology',
    woman(70, [plain('colorectal', 60), ovarian(65, null)]),
    'undetermined',
    ['personalCancers[1].histology'],
  ),

  ex(
    'CEG-LS.ls-plus-family',
    'positive',
    'colorectal + mother endometrial at 45',
    woman(65, [plain('colorectal', 60)], { relatives: [relative('mother', [plain('endometrial', 45)])] }),
    'met',
  ),
  ex(
    'CEG-LS.ls-plus-family',
    'positive',
    'colorectal + two relatives at any age',
    woman(65, [plain('colorectal', 60)], {
      relatives: [
        relative('mother', [plain('endometrial', 65)]),
        relative('paternal_uncle', [plain('urothelial', 70)]),
      ],
    }),
    'met',
  ),
  ex(
    'CEG-LS.ls-plus-family',
    'near-miss',
    'colorectal + mother endometrial at 55',
    woman(65, [plain('colorectal', 60)], { relatives: [relative('mother', [plain('endometrial', 55)])] }),
    'not_met',
  ),
  ex(
    'CEG-LS.ls-plus-family',
    'unknown',
    "mother's age unknown",
    woman(65, [plain('colorectal', 60)], { relatives: [relative('mother', [plain('colorectal', null)])] }),
    'undetermined',
    ['relatives[0].cancers[0].ageAtDiagnosis'],
  ),

  ex(
    'CEG-LS.family-fdr-under-50',
    'positive',
    'father colorectal at 45',
    woman(40, [], { relatives: [relative('father', [plain('colorectal', 45)])] }),
    'met',
  ),
  ex(
    'CEG-LS.family-fdr-under-50',
    'near-miss',
    'uncle (2nd degree) at 40',
    woman(40, [], { relatives: [relative('paternal_uncle', [plain('colorectal', 40)])] }),
    'not_met',
  ),
  ex(
    'CEG-LS.family-fdr-under-50',
    'unknown',
    "father's age unknown",
    woman(40, [], { relatives: [relative('father', [plain('colorectal', null)])] }),
    'undetermined',
    ['relatives[0].cancers[0].ageAtDiagnosis'],
  ),

  ex(
    'CEG-LS.family-two-with-one-under-50',
    'positive',
    'maternal aunt 45 + maternal grandmother 70',
    woman(40, [], {
      relatives: [
        relative('maternal_aunt', [plain('colorectal', 45)]),
        relative('maternal_grandmother', [plain('endometrial', 70)]),
      ],
    }),
    'met',
  ),
  ex(
    'CEG-LS.family-two-with-one-under-50',
    'near-miss',
    'one on each side',
    woman(40, [], {
      relatives: [
        relative('maternal_aunt', [plain('colorectal', 45)]),
        relative('paternal_aunt', [plain('endometrial', 70)]),
      ],
    }),
    'not_met',
  ),
  ex(
    'CEG-LS.family-two-with-one-under-50',
    'unknown',
    'ages unknown',
    woman(40, [], {
      relatives: [
        relative('maternal_aunt', [plain('colorectal', null)]),
        relative('maternal_grandfather', [plain('urothelial', 70)]),
      ],
    }),
    'undetermined',
    ['relatives[0].cancers[0].ageAtDiagnosis'],
  ),

  ex(
    'CEG-LS.family-three',
    'positive',
    'three maternal relatives',
    woman(40, [], {
      relatives: [
        relative('mother', [plain('colorectal', 70)]),
        relative('maternal_aunt', [plain('endometrial', 72)]),
        relative('maternal_grandfather', [gastric(80)]),
      ],
    }),
    'met',
  ),
  ex(
    'CEG-LS.family-three',
    'near-miss',
    'two maternal, one paternal',
    woman(40, [], {
      relatives: [
        relative('mother', [plain('colorectal', 70)]),
        relative('maternal_aunt', [plain('endometrial', 72)]),
        relative('paternal_grandfather', [gastric(80)]),
      ],
    }),
    'not_met',
  ),
  ex(
    'CEG-LS.family-three',
    'unknown',
    'ages unknown (any age counts)',
    woman(40, [], {
      relatives: [
        relative('sister', [plain('colorectal', null)]),
        relative('paternal_aunt', [plain('endometrial', null)]),
        relative('paternal_grandfather', [gastric(null)]),
      ],
    }),
    'met',
  ),
];

const byId = new Map(currentRuleset.criteria.map((c) => [c.id, c]));

describe('criteria of the current ruleset', () => {
  test.each(EXAMPLES)('$id — $kind: $note', (example) => {
    const criterion = byId.get(example.id);
    expect(criterion, `unknown criterion ${example.id}`).toBeDefined();
    const evaluation = criterion!.evaluate(example.profile);
    expect(evaluation.status).toBe(example.status);
    if (example.status !== 'not_met') {
      expect(evaluation.explanation).not.toBe('');
      expect(evaluation.evidence.length).toBeGreaterThan(0);
    }
    if (example.unknowns) expect(evaluation.unknowns).toEqual(example.unknowns);
    if (example.status !== 'undetermined') expect(evaluation.unknowns).toEqual([]);
  });

  test('every criterion has a positive, a near-miss and an unknown example', () => {
    const kinds = new Map<string, Set<Kind>>();
    for (const e of EXAMPLES) kinds.set(e.id, (kinds.get(e.id) ?? new Set()).add(e.kind));
    const missing = currentRuleset.criteria.flatMap((c) =>
      (['positive', 'near-miss', 'unknown'] as const)
        .filter((k) => !kinds.get(c.id)?.has(k))
        .map((k) => `${c.id}: ${k}`),
    );
    expect(missing).toEqual([]);
    expect([...kinds.keys()].filter((id) => !byId.has(id))).toEqual([]);
  });

  test('positive examples are met, near misses are not', () => {
    for (const e of EXAMPLES) {
      if (e.kind === 'positive') expect(e.status, e.id).toBe('met');
      if (e.kind === 'near-miss') expect(e.status, e.id).toBe('not_met');
    }
  });

  test('criterion ids are unique, prefixed by their section, with a category and title', () => {
    const ids = currentRuleset.criteria.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of currentRuleset.criteria) {
      expect(c.id.startsWith(`${c.section}.`)).toBe(true);
      expect([
        'BOPP-CRIT-1',
        'BOPP-CRIT-2',
        'BOPP-CRIT-3',
        'BOPP-CRIT-4',
        'BOPP-CRIT-5',
        'BOPP-CRIT-6',
        'CEG-LS',
      ]).toContain(c.section);
      expect(c.title).not.toBe('');
    }
    const mayConsider = currentRuleset.criteria.filter((c) => c.category === 'may_consider').map((c) => c.id);
    expect(mayConsider).toEqual([
      'BOPP-CRIT-3.age-65',
      'BOPP-CRIT-3.relative-intermediate-prostate',
      'BOPP-CRIT-3.model-2.5-5pct',
      'BOPP-CRIT-6.age-55',
      'BOPP-CRIT-6.intermediate-cribriform',
    ]);
  });
});
