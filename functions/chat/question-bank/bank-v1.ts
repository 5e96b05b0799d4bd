/**
 * Question bank genascope-risk-2026.1: collects every RiskProfile input that the NCCN rules and BCRAT read
 * (shared/domain/RISK_PROFILE.md, NCCN_RULES.md, BCRAT.md) in about ten minutes.
 *
 * Cancer types are offered per sex at birth (the patient's, or the relative's) because the profile rejects e.g. a
 * prostate cancer in a woman; the cancers loop therefore has two first questions.
 */
import {
  CANCER_TYPES,
  OVARIAN_HISTOLOGIES,
  PRIOR_GENETIC_TESTING,
  PROSTATE_RISK_GROUPS,
  RACES,
  TEST_STATUSES,
  type CancerType,
} from '../../eligibility/risk-profile.schema.ts';
import { RELATIONSHIPS, canBeThroughTwoMales, impliedSex, type Relationship } from '../../eligibility/relationships.ts';
import { CURRENT_BANK_VERSION } from './current-version.ts';
import {
  END,
  type Condition,
  type NextLogic,
  type NextRule,
  type Option,
  type Question,
  type QuestionBank,
} from './types.ts';

/** This bank is the current one (current-version.ts). */
export const BANK_V1_VERSION = CURRENT_BANK_VERSION;

const CANCER_LABELS: Record<CancerType, string> = {
  breast: 'Breast (including DCIS)',
  ovarian: 'Ovarian, fallopian tube or primary peritoneal',
  pancreatic: 'Pancreatic',
  prostate: 'Prostate',
  gastric: 'Stomach (gastric)',
  colorectal: 'Colon or rectum (colorectal)',
  endometrial: 'Uterus or womb lining (endometrial)',
  small_intestine: 'Small intestine (small bowel)',
  urothelial: 'Bladder, ureter or renal pelvis (urothelial)',
  biliary: 'Bile duct or gallbladder',
  brain: 'Brain',
  sebaceous: 'Sebaceous skin tumor (sebaceous adenoma or carcinoma)',
  sarcoma: 'Sarcoma (bone or soft tissue)',
  adrenocortical: 'Adrenal gland (adrenocortical)',
  melanoma: 'Melanoma',
  renal: 'Kidney (renal cell)',
  thyroid: 'Thyroid',
  other: 'Another type',
};
const FEMALE_ONLY_CANCERS: readonly CancerType[] = ['ovarian', 'endometrial'];
const MALE_ONLY_CANCERS: readonly CancerType[] = ['prostate'];
const cancerOptions = (excluded: readonly CancerType[]): Option[] =>
  CANCER_TYPES.filter((type) => !excluded.includes(type)).map((value) => ({ value, label: CANCER_LABELS[value] }));
const FEMALE_CANCER_OPTIONS = cancerOptions(MALE_ONLY_CANCERS);
const MALE_CANCER_OPTIONS = cancerOptions(FEMALE_ONLY_CANCERS);

/** Cancers whose tumours are tested for mismatch repair (Lynch spectrum); gastric asks it after its own question. */
const MMR_TESTED_CANCERS: readonly CancerType[] = [
  'colorectal',
  'endometrial',
  'small_intestine',
  'urothelial',
  'biliary',
  'brain',
  'sebaceous',
];

const RACE_LABELS: Record<(typeof RACES)[number], string> = {
  white: 'White',
  black: 'Black or African American',
  hispanic_us: 'Hispanic or Latino, born in the United States',
  hispanic_foreign: 'Hispanic or Latino, born outside the United States',
  chinese: 'Chinese',
  japanese: 'Japanese',
  filipino: 'Filipino',
  hawaiian: 'Native Hawaiian',
  other_pacific_islander: 'Other Pacific Islander',
  other_asian: 'Other Asian',
  other: 'Another race or ethnicity',
};

const RELATIONSHIP_LABELS: Record<Relationship, string> = {
  mother: 'Mother',
  father: 'Father',
  sister: 'Sister (same mother and father)',
  brother: 'Brother (same mother and father)',
  daughter: 'Daughter',
  son: 'Son',
  maternal_grandmother: "Grandmother on my mother's side",
  maternal_grandfather: "Grandfather on my mother's side",
  paternal_grandmother: "Grandmother on my father's side",
  paternal_grandfather: "Grandfather on my father's side",
  maternal_aunt: "Aunt on my mother's side",
  maternal_uncle: "Uncle on my mother's side",
  paternal_aunt: "Aunt on my father's side",
  paternal_uncle: "Uncle on my father's side",
  maternal_half_sister: 'Half-sister (same mother)',
  maternal_half_brother: 'Half-brother (same mother)',
  paternal_half_sister: 'Half-sister (same father)',
  paternal_half_brother: 'Half-brother (same father)',
  niece: 'Niece',
  nephew: 'Nephew',
  granddaughter: 'Granddaughter',
  grandson: 'Grandson',
  maternal_first_cousin: "First cousin on my mother's side",
  paternal_first_cousin: "First cousin on my father's side",
  maternal_great_grandmother: "Great-grandmother on my mother's side",
  maternal_great_grandfather: "Great-grandfather on my mother's side",
  paternal_great_grandmother: "Great-grandmother on my father's side",
  paternal_great_grandfather: "Great-grandfather on my father's side",
  maternal_great_aunt: "Great-aunt on my mother's side (a grandparent's sister)",
  maternal_great_uncle: "Great-uncle on my mother's side (a grandparent's brother)",
  paternal_great_aunt: "Great-aunt on my father's side (a grandparent's sister)",
  paternal_great_uncle: "Great-uncle on my father's side (a grandparent's brother)",
};
/** Relationships that do not imply the relative's sex (first cousins). */
const SEX_UNSPECIFIED_RELATIONSHIPS = RELATIONSHIPS.filter((relationship) => impliedSex(relationship) === null);
const FEMALE_RELATIONSHIPS = RELATIONSHIPS.filter((relationship) => impliedSex(relationship) === 'female');
/** Only these relatives can be related through two men (the profile's throughTwoMales). */
const THROUGH_TWO_MALES_RELATIONSHIPS = RELATIONSHIPS.filter(canBeThroughTwoMales);

export const FAMILIAL_VARIANT_GENES = [
  'BRCA1',
  'BRCA2',
  'PALB2',
  'ATM',
  'CHEK2',
  'MLH1',
  'MSH2',
  'MSH6',
  'PMS2',
  'EPCAM',
  'TP53',
] as const;

const UNKNOWN_HELP = 'If you are not sure, choose "I don\'t know".';

const options = <T extends string>(values: readonly T[], labels: Record<T, string>): Option[] =>
  values.map((value) => ({ value, label: labels[value] }));
const then = (next: string): NextLogic => ({ rules: [], default: next });
const isFemalePatient: Condition = { question: 'sex_at_birth', equals: 'female' };
/** The patient's cancer of this iteration is one of `types` (each type question tests only types it offers). */
const patientCancerIs = (...types: CancerType[]): Condition => ({
  any: [
    ['cancer_type_female', FEMALE_CANCER_OPTIONS] as const,
    ['cancer_type_male', MALE_CANCER_OPTIONS] as const,
  ].flatMap(([question, offered]) => {
    const tested = types.filter((type) => offered.some((option) => option.value === type));
    return tested.length > 0 ? [{ question, in: tested }] : [];
  }),
});
const relativeIsFemale: Condition = {
  any: [
    { question: 'relative_relationship', in: FEMALE_RELATIONSHIPS },
    { question: 'relative_sex', equals: 'female' },
  ],
};

const demographics: Question[] = [
  {
    key: 'sex_at_birth',
    text: 'To start, what sex were you assigned at birth? Some cancer risks depend on it.',
    questionType: 'multiple_choice',
    options: [
      { value: 'female', label: 'Female' },
      { value: 'male', label: 'Male' },
    ],
    allowUnknown: false,
    category: 'demographics',
    next: then('age'),
  },
  {
    key: 'age',
    text: 'How old are you?',
    questionType: 'number',
    min: 18,
    max: 110,
    integer: true,
    allowUnknown: false,
    category: 'demographics',
    next: then('ashkenazi'),
  },
  {
    key: 'ashkenazi',
    text: 'Do you have Ashkenazi Jewish ancestry? This means Jewish family roots in Central or Eastern Europe.',
    questionType: 'yes_no',
    allowUnknown: true,
    category: 'demographics',
    next: then('race'),
  },
  {
    key: 'race',
    text: 'Which of these best describes your race or ethnicity? Breast cancer risk estimates use it.',
    questionType: 'multiple_choice',
    options: options(RACES, RACE_LABELS),
    allowUnknown: true,
    category: 'demographics',
    next: then('has_cancer'),
  },
];

const cancerTypeQuestion = (key: string, typeOptions: Option[]): Question => ({
  key,
  text: 'What kind of cancer was it? If you have had more than one cancer, we will ask about each one in turn.',
  questionType: 'multiple_choice',
  options: typeOptions,
  allowUnknown: false,
  category: 'personal_history',
  loop: 'cancers',
  next: then('cancer_age'),
});

const cancerFeature = (key: string, text: string, next: string, extra: Partial<Question> = {}): Question => ({
  key,
  text,
  questionType: 'yes_no',
  allowUnknown: true,
  category: 'personal_history',
  loop: 'cancers',
  next: then(next),
  ...extra,
});

const personalCancers: Question[] = [
  {
    key: 'has_cancer',
    text: 'Have you ever been told you have cancer? Please include DCIS, but not common skin cancers (basal cell or squamous cell).',
    questionType: 'yes_no',
    allowUnknown: false,
    category: 'personal_history',
    next: {
      rules: [
        { when: { all: [{ equals: true }, isFemalePatient] }, next: 'cancer_type_female' },
        { when: { equals: true }, next: 'cancer_type_male' },
      ],
      default: 'has_relatives_with_cancer',
    },
  },
  cancerTypeQuestion('cancer_type_female', FEMALE_CANCER_OPTIONS),
  cancerTypeQuestion('cancer_type_male', MALE_CANCER_OPTIONS),
  {
    key: 'cancer_age',
    text: `How old were you when this cancer was found? A close guess is fine. ${UNKNOWN_HELP}`,
    questionType: 'number',
    min: 0,
    max: 110,
    integer: true,
    atMost: { question: 'age', message: "This can't be more than your current age. Please check the number." },
    allowUnknown: true,
    category: 'personal_history',
    loop: 'cancers',
    next: {
      rules: [
        { when: patientCancerIs('breast'), next: 'breast_triple_negative' },
        { when: patientCancerIs('ovarian'), next: 'ovarian_histology' },
        { when: patientCancerIs('pancreatic'), next: 'pancreatic_exocrine' },
        { when: patientCancerIs('prostate'), next: 'prostate_risk_group' },
        { when: patientCancerIs('gastric'), next: 'gastric_diffuse' },
        { when: patientCancerIs(...MMR_TESTED_CANCERS), next: 'mmr_deficient' },
      ],
      default: 'another_cancer',
    },
  },
  cancerFeature(
    'breast_triple_negative',
    'Was this breast cancer "triple-negative"? That means the cancer cells had no estrogen, progesterone or HER2 receptors.',
    'breast_lobular',
  ),
  cancerFeature(
    'breast_lobular',
    'Was it lobular breast cancer, which starts in the milk-making glands (lobules)?',
    'breast_multiple_primary',
  ),
  cancerFeature(
    'breast_multiple_primary',
    'Have you had more than one separate breast cancer, either in both breasts or a new cancer in the same breast?',
    'another_cancer',
  ),
  {
    key: 'ovarian_histology',
    text: `What type of ovarian cancer was it? Your care team or pathology report can tell you. ${UNKNOWN_HELP}`,
    questionType: 'multiple_choice',
    options: options(OVARIAN_HISTOLOGIES, {
      epithelial: 'Epithelial, the most common type (includes fallopian tube and primary peritoneal cancer)',
      sctat: 'Sex cord tumor with annular tubules (SCTAT)',
      sccoht: 'Small cell carcinoma of the ovary, hypercalcemic type (SCCOHT)',
      other_non_epithelial: 'Another, non-epithelial type (for example a germ cell tumor)',
    }),
    allowUnknown: true,
    category: 'personal_history',
    loop: 'cancers',
    next: then('another_cancer'),
  },
  cancerFeature(
    'pancreatic_exocrine',
    'Was it the most common kind of pancreatic cancer, called exocrine cancer or adenocarcinoma? (A neuroendocrine tumor is a different kind.)',
    'another_cancer',
  ),
  {
    key: 'prostate_risk_group',
    text: `Which risk group did your doctor give your prostate cancer? ${UNKNOWN_HELP}`,
    questionType: 'multiple_choice',
    options: options(PROSTATE_RISK_GROUPS, {
      very_low: 'Very low',
      low: 'Low',
      intermediate: 'Intermediate',
      high: 'High',
      very_high: 'Very high',
    }),
    allowUnknown: true,
    category: 'personal_history',
    loop: 'cancers',
    next: then('prostate_metastatic'),
  },
  cancerFeature(
    'prostate_metastatic',
    'Had the prostate cancer spread outside the prostate, to lymph nodes or other parts of the body?',
    'prostate_cribriform',
  ),
  cancerFeature(
    'prostate_cribriform',
    'Did your pathology report mention "intraductal" or "cribriform" features?',
    'another_cancer',
  ),
  cancerFeature(
    'gastric_diffuse',
    'Was the stomach cancer the "diffuse" type (sometimes called signet ring cell cancer)?',
    'mmr_deficient',
  ),
  cancerFeature(
    'mmr_deficient',
    'Did tests on the tumor show mismatch repair deficiency (dMMR) or high microsatellite instability (MSI-high)? ' +
      `If it was never tested, or you are not sure, choose "I don't know".`,
    'another_cancer',
  ),
  {
    key: 'another_cancer',
    text: 'Have you had another, separate cancer?',
    questionType: 'yes_no',
    allowUnknown: false,
    category: 'personal_history',
    loop: 'cancers',
    next: {
      rules: [
        { when: { all: [{ equals: true }, isFemalePatient] }, next: 'cancer_type_female', loopBack: true },
        { when: { equals: true }, next: 'cancer_type_male', loopBack: true },
      ],
      default: 'has_relatives_with_cancer',
    },
  },
];

const relativeQuestion = (question: Omit<Question, 'category' | 'loop'>): Question => ({
  ...question,
  category: 'family_history',
  loop: 'relatives',
});

/** On to the relative's first cancer, after `before` (rules that ask something else first). */
const toRelativeCancer = (...before: NextRule[]): NextLogic => ({
  rules: [...before, { when: relativeIsFemale, next: 'relative_cancer_type_female' }],
  default: 'relative_cancer_type_male',
});

/** The questions about one of a relative's cancers; `nth` is '' for the first and 'second_' for a second one. */
const relativeCancerQuestions = (nth: '' | 'second_', text: string, after: string): Question[] => [
  relativeQuestion({
    key: `relative_${nth}cancer_type_female`,
    text,
    questionType: 'multiple_choice',
    options: FEMALE_CANCER_OPTIONS,
    allowUnknown: true,
    next: then(`relative_${nth}cancer_age`),
  }),
  relativeQuestion({
    key: `relative_${nth}cancer_type_male`,
    text,
    questionType: 'multiple_choice',
    options: MALE_CANCER_OPTIONS,
    allowUnknown: true,
    next: then(`relative_${nth}cancer_age`),
  }),
  relativeQuestion({
    key: `relative_${nth}cancer_age`,
    text: `About how old were they when this cancer was found? A rough guess is fine. ${UNKNOWN_HELP}`,
    questionType: 'number',
    min: 0,
    max: 110,
    integer: true,
    allowUnknown: true,
    next: {
      rules: [
        {
          when: { question: `relative_${nth}cancer_type_male`, equals: 'prostate' },
          next: `relative_${nth}prostate_high_risk`,
        },
      ],
      default: after,
    },
  }),
  relativeQuestion({
    key: `relative_${nth}prostate_high_risk`,
    text: 'Had their prostate cancer spread, or did their doctors call it high-risk?',
    questionType: 'yes_no',
    allowUnknown: true,
    next: then(after),
  }),
];

const familyHistory: Question[] = [
  {
    key: 'has_relatives_with_cancer',
    text:
      'Have any of your blood relatives had cancer? Think of parents, brothers and sisters, children, grandparents, ' +
      'aunts and uncles, nieces and nephews, half-siblings, first cousins, great-grandparents, great-aunts and great-uncles.',
    questionType: 'yes_no',
    allowUnknown: true,
    category: 'family_history',
    next: { rules: [{ when: { equals: true }, next: 'relative_relationship' }], default: 'familial_variant' },
  },
  relativeQuestion({
    key: 'relative_relationship',
    text: 'Which relative had cancer? If more than one relative did, we will ask about each person in turn.',
    questionType: 'multiple_choice',
    options: options(RELATIONSHIPS, RELATIONSHIP_LABELS),
    allowUnknown: false,
    next: toRelativeCancer(
      { when: { in: SEX_UNSPECIFIED_RELATIONSHIPS }, next: 'relative_sex' },
      { when: { in: THROUGH_TWO_MALES_RELATIONSHIPS }, next: 'relative_through_two_males' },
    ),
  }),
  relativeQuestion({
    key: 'relative_sex',
    text: 'Was this cousin assigned female or male at birth?',
    questionType: 'multiple_choice',
    options: [
      { value: 'female', label: 'Female' },
      { value: 'male', label: 'Male' },
    ],
    allowUnknown: false,
    next: toRelativeCancer({
      when: { question: 'relative_relationship', in: THROUGH_TWO_MALES_RELATIONSHIPS },
      next: 'relative_through_two_males',
    }),
  }),
  relativeQuestion({
    key: 'relative_through_two_males',
    text:
      "Are you related to this person through two men in a row on your father's side? For example, your father and " +
      `then his father or his brother. ${UNKNOWN_HELP}`,
    questionType: 'yes_no',
    allowUnknown: true,
    next: toRelativeCancer(),
  }),
  ...relativeCancerQuestions(
    '',
    `What kind of cancer did this relative have? ${UNKNOWN_HELP}`,
    'relative_second_cancer',
  ),
  relativeQuestion({
    key: 'relative_second_cancer',
    text: 'Did this relative have another, separate cancer?',
    questionType: 'yes_no',
    allowUnknown: true,
    next: {
      rules: [
        { when: { all: [{ equals: true }, relativeIsFemale] }, next: 'relative_second_cancer_type_female' },
        { when: { equals: true }, next: 'relative_second_cancer_type_male' },
      ],
      default: 'relative_tested',
    },
  }),
  ...relativeCancerQuestions('second_', `What kind was their other cancer? ${UNKNOWN_HELP}`, 'relative_tested'),
  relativeQuestion({
    key: 'relative_tested',
    text: 'Has this relative had a genetic test for inherited cancer risk?',
    questionType: 'multiple_choice',
    options: options(TEST_STATUSES, {
      untested: 'No, they have not been tested',
      negative: 'Yes, and no harmful change was found',
      positive: 'Yes, and a harmful change was found',
    }),
    allowUnknown: true,
    next: then('another_relative'),
  }),
  relativeQuestion({
    key: 'another_relative',
    text: 'Has another blood relative had cancer?',
    questionType: 'yes_no',
    allowUnknown: false,
    next: {
      rules: [{ when: { equals: true }, next: 'relative_relationship', loopBack: true }],
      default: 'familial_variant',
    },
  }),
];

const genetics: Question[] = [
  {
    key: 'familial_variant',
    text:
      'Has a genetic test shown that anyone in your family carries a harmful change (a mutation) in a cancer-risk gene, ' +
      `such as BRCA1 or BRCA2? ${UNKNOWN_HELP}`,
    questionType: 'yes_no',
    allowUnknown: true,
    category: 'genetics',
    next: { rules: [{ when: { equals: true }, next: 'familial_variant_gene' }], default: 'prior_genetic_testing' },
  },
  {
    key: 'familial_variant_gene',
    text: `Which gene was it? ${UNKNOWN_HELP}`,
    questionType: 'multiple_choice',
    options: [
      ...FAMILIAL_VARIANT_GENES.map((gene) => ({ value: gene, label: gene })),
      { value: 'other', label: 'Another gene' },
    ],
    allowUnknown: true,
    category: 'genetics',
    next: then('prior_genetic_testing'),
  },
  {
    key: 'prior_genetic_testing',
    text: 'Have you had a genetic test for inherited cancer risk yourself?',
    questionType: 'multiple_choice',
    options: options(PRIOR_GENETIC_TESTING, {
      none: 'No, I have not',
      negative: 'Yes, and no harmful change was found',
      positive: 'Yes, and a harmful change was found',
      vus: 'Yes, and it found a "variant of uncertain significance" (VUS)',
    }),
    allowUnknown: true,
    category: 'genetics',
    next: { rules: [{ when: isFemalePatient, next: 'breast_biopsies' }], default: END },
  },
];

/** Women only: the BCRAT inputs. */
const breastAndReproductive: Question[] = [
  {
    key: 'breast_biopsies',
    text:
      'How many times have you had a breast biopsy (a sample of breast tissue taken to be checked), whatever the result? ' +
      'Enter 0 if never.',
    questionType: 'number',
    min: 0,
    max: 20,
    integer: true,
    allowUnknown: true,
    category: 'personal_history',
    next: { rules: [{ when: { gt: 0 }, next: 'atypical_hyperplasia' }], default: 'breast_lcis' },
  },
  {
    key: 'atypical_hyperplasia',
    text: `Did any of those biopsies show "atypical hyperplasia"? ${UNKNOWN_HELP}`,
    questionType: 'yes_no',
    allowUnknown: true,
    category: 'personal_history',
    next: then('breast_lcis'),
  },
  {
    key: 'breast_lcis',
    text: 'Have you ever been told you have lobular carcinoma in situ (LCIS)?',
    questionType: 'yes_no',
    allowUnknown: true,
    category: 'personal_history',
    next: then('age_at_menarche'),
  },
  {
    key: 'age_at_menarche',
    text: 'How old were you when you had your first period? A close guess is fine.',
    questionType: 'number',
    min: 6,
    max: 20,
    integer: true,
    allowUnknown: true,
    category: 'reproductive',
    next: then('had_live_birth'),
  },
  {
    key: 'had_live_birth',
    text: 'Have you given birth to a baby (a live birth)?',
    questionType: 'yes_no',
    allowUnknown: true,
    category: 'reproductive',
    next: { rules: [{ when: { equals: true }, next: 'age_first_birth' }], default: END },
  },
  {
    key: 'age_first_birth',
    text: 'How old were you when your first child was born?',
    questionType: 'number',
    min: 10,
    max: 60,
    integer: true,
    atMost: { question: 'age', message: "This can't be more than your current age. Please check the number." },
    atLeast: {
      question: 'age_at_menarche',
      message: 'This is earlier than the age of your first period. Please check both numbers.',
    },
    allowUnknown: true,
    category: 'reproductive',
    next: then(END),
  },
];

export const BANK_V1: QuestionBank = {
  version: BANK_V1_VERSION,
  startKey: 'sex_at_birth',
  questions: [...demographics, ...personalCancers, ...familyHistory, ...genetics, ...breastAndReproductive],
};
