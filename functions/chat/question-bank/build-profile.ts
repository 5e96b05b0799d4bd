/**
 * The RiskProfile (v1) of a walked path through BANK_V1. "I don't know" and questions that were not asked become null
 * where RISK_PROFILE.md reads null as unknown.
 */
import {
  CANCER_TYPES,
  OVARIAN_HISTOLOGIES,
  PRIOR_GENETIC_TESTING,
  PROSTATE_RISK_GROUPS,
  RACES,
  SEXES,
  TEST_STATUSES,
  type Cancer,
  type CancerType,
  type Relative,
  type RiskProfile,
} from '../../eligibility/risk-profile.schema.ts';
import { RELATIONSHIPS, canBeThroughTwoMales, relationshipFacts } from '../../eligibility/relationships.ts';

import { indexQuestions } from './path-state.ts';
import type { AnswerValue, Question, StoredAnswer } from './types.ts';
import { validateAnswer } from './validate-answer.ts';
import { answerLookup } from './walk.ts';

/** A RiskProfile whose BCRAT sections are omitted for men (parsing fills them with nulls). */
export type ChatRiskProfile = Omit<RiskProfile, 'breastHistory' | 'reproductive'> &
  Partial<Pick<RiskProfile, 'breastHistory' | 'reproductive'>>;

export interface ProfileBuild {
  profile: ChatRiskProfile;
  /** What the profile cannot say about these answers, for the care team. */
  notes: string[];
}

type Answers = ReadonlyMap<string, AnswerValue>;

const bool = (value: AnswerValue | undefined): boolean | null => (typeof value === 'boolean' ? value : null);
const num = (value: AnswerValue | undefined): number | null => (typeof value === 'number' ? value : null);
function oneOf<T extends string>(value: AnswerValue | undefined, allowed: readonly T[]): T | null {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

/**
 * `questions` are the bank the path was walked on (by default the seeded one): a super_admin may have edited or added
 * questions since; answers to questions the profile does not read are ignored.
 */
export function buildRiskProfile(path: readonly StoredAnswer[], questions: readonly Question[]): ProfileBuild {
  const notes: string[] = [];
  const { top, loops } = groupAnswers(path, questions, notes);
  const sex = oneOf(top.get('sex_at_birth'), SEXES);
  const age = num(top.get('age'));
  if (sex === null || age === null) throw new Error('The path must answer sex_at_birth and age');

  const profile: ChatRiskProfile = {
    version: 1,
    sex,
    age,
    ashkenaziJewish: bool(top.get('ashkenazi')),
    race: oneOf(top.get('race'), RACES),
    personalCancers: (loops.get('cancers') ?? []).flatMap((answers) => personalCancer(answers)),
    relatives: (loops.get('relatives') ?? []).flatMap((answers, index) => relative(answers, index, notes)),
    knownFamilialVariant: familialVariant(top, notes),
    priorGeneticTesting: oneOf(top.get('prior_genetic_testing'), PRIOR_GENETIC_TESTING),
    brcaCarrierProbability: null,
  };
  if (top.get('has_relatives_with_cancer') === null) {
    // RiskProfile cannot say "family history unknown": an empty list reads as "no relative had cancer".
    notes.push('Family history of cancer is unknown; the profile lists no relatives, which reads as none.');
  }
  if (sex === 'female') {
    const biopsies = num(top.get('breast_biopsies'));
    const hadLiveBirth = bool(top.get('had_live_birth'));
    profile.breastHistory = {
      biopsies,
      atypicalHyperplasia: biopsies !== null && biopsies > 0 ? bool(top.get('atypical_hyperplasia')) : null,
      lcis: bool(top.get('breast_lcis')),
    };
    profile.reproductive = {
      ageAtMenarche: num(top.get('age_at_menarche')),
      ageAtFirstLiveBirth: hadLiveBirth === true ? num(top.get('age_first_birth')) : null,
      nulliparous: hadLiveBirth === null ? null : !hadLiveBirth,
    };
  }
  return { profile, notes };
}

/**
 * Answers outside loops by key, and each loop's answers per iteration. An answer that an earlier answer changed
 * since made impossible (e.g. an age at diagnosis above a corrected current age) counts as unknown.
 */
function groupAnswers(path: readonly StoredAnswer[], bank: readonly Question[], notes: string[]) {
  const questions = indexQuestions(bank);
  const answerOf = answerLookup(path);
  const top = new Map<string, AnswerValue>();
  const loops = new Map<string, Map<string, AnswerValue>[]>();
  for (const { questionKey, iteration, answer } of path) {
    const question = questions.get(questionKey);
    if (!question) throw new Error(`Question ${questionKey} is not in the bank`);
    let value = answer;
    const check = validateAnswer(question, answer, answerOf);
    if (!check.ok) {
      if (!question.allowUnknown) throw new Error(`Invalid answer to ${questionKey}: ${check.message}`);
      notes.push(
        `The answer to ${questionKey} (${JSON.stringify(answer)}) conflicts with other answers and counts as unknown.`,
      );
      value = null;
    }
    if (question.loop === undefined) {
      top.set(questionKey, value);
      continue;
    }
    const iterations = loops.get(question.loop) ?? [];
    loops.set(question.loop, iterations);
    (iterations[iteration] ??= new Map()).set(questionKey, value);
  }
  for (const [loop, iterations] of loops)
    loops.set(
      loop,
      iterations.filter((answers) => answers !== undefined),
    );
  return { top, loops };
}

function personalCancer(answers: Answers): Cancer[] {
  const type = oneOf(answers.get('cancer_type_female') ?? answers.get('cancer_type_male'), CANCER_TYPES);
  if (type === null) return [];
  return [
    cancer(type, num(answers.get('cancer_age')), {
      tripleNegative: bool(answers.get('breast_triple_negative')),
      lobular: bool(answers.get('breast_lobular')),
      multiplePrimary: bool(answers.get('breast_multiple_primary')),
      histology: oneOf(answers.get('ovarian_histology'), OVARIAN_HISTOLOGIES),
      exocrine: bool(answers.get('pancreatic_exocrine')),
      riskGroup: oneOf(answers.get('prostate_risk_group'), PROSTATE_RISK_GROUPS),
      metastatic: bool(answers.get('prostate_metastatic')),
      intraductalOrCribriform: bool(answers.get('prostate_cribriform')),
      diffuseGastric: bool(answers.get('gastric_diffuse')),
      mmrDeficient: bool(answers.get('mmr_deficient')),
    }),
  ];
}

interface Features {
  tripleNegative: boolean | null;
  lobular: boolean | null;
  multiplePrimary: boolean | null;
  histology: (typeof OVARIAN_HISTOLOGIES)[number] | null;
  exocrine: boolean | null;
  riskGroup: (typeof PROSTATE_RISK_GROUPS)[number] | null;
  metastatic: boolean | null;
  intraductalOrCribriform: boolean | null;
  diffuseGastric: boolean | null;
  mmrDeficient: boolean | null;
}
const NO_FEATURES: Features = {
  tripleNegative: null,
  lobular: null,
  multiplePrimary: null,
  histology: null,
  exocrine: null,
  riskGroup: null,
  metastatic: null,
  intraductalOrCribriform: null,
  diffuseGastric: null,
  mmrDeficient: null,
};

/** A cancer with exactly the fields of its type (the schema rejects the others). */
function cancer(type: CancerType, ageAtDiagnosis: number | null, features: Partial<Features>): Cancer {
  const f = { ...NO_FEATURES, ...features };
  const common = { ageAtDiagnosis, mmrDeficient: f.mmrDeficient };
  switch (type) {
    case 'breast':
      return {
        type,
        ...common,
        tripleNegative: f.tripleNegative,
        lobular: f.lobular,
        multiplePrimary: f.multiplePrimary,
      };
    case 'ovarian':
      return { type, ...common, histology: f.histology };
    case 'pancreatic':
      return { type, ...common, exocrine: f.exocrine };
    case 'prostate':
      return {
        type,
        ...common,
        riskGroup: f.riskGroup,
        metastatic: f.metastatic,
        intraductalOrCribriform: f.intraductalOrCribriform,
      };
    case 'gastric':
      return { type, ...common, diffuseGastric: f.diffuseGastric };
    default:
      return { type, ...common };
  }
}

function relative(answers: Answers, index: number, notes: string[]): Relative[] {
  const relationship = oneOf(answers.get('relative_relationship'), RELATIONSHIPS);
  if (relationship === null) return [];
  const facts = relationshipFacts(relationship);
  const sex = facts.sex === null ? oneOf(answers.get('relative_sex'), SEXES) : undefined;
  if (sex === null) return []; // an iteration left before the cousin's sex was given
  const cancers = [relativeCancer(answers, '', index, notes), relativeCancer(answers, 'second_', index, notes)].filter(
    (entry) => entry !== null,
  );
  return [
    {
      relationship,
      ...(sex === undefined ? {} : { sex }),
      throughTwoMales: canBeThroughTwoMales(relationship)
        ? bool(answers.get('relative_through_two_males'))
        : facts.degree === 3
          ? false
          : null,
      testStatus: oneOf(answers.get('relative_tested'), TEST_STATUSES),
      cancers,
    },
  ];
}

/** Patients rarely know a relative's tumour features; the rules read them only when true (NCCN_RULES.md). */
function relativeCancer(answers: Answers, nth: '' | 'second_', index: number, notes: string[]): Cancer | null {
  const typeKey = answers.has(`relative_${nth}cancer_type_female`)
    ? `relative_${nth}cancer_type_female`
    : `relative_${nth}cancer_type_male`;
  if (!answers.has(typeKey)) return null;
  let type = oneOf(answers.get(typeKey), CANCER_TYPES);
  if (type === null) {
    notes.push(`The type of a cancer of relative ${index + 1} is unknown; it is recorded as "other".`);
    type = 'other';
  }
  // "Spread or high-risk" cannot tell the two apart; riskGroup high is the least it means, and both count the same.
  const highRisk = bool(answers.get(`relative_${nth}prostate_high_risk`));
  return cancer(type, num(answers.get(`relative_${nth}cancer_age`)), {
    riskGroup: highRisk === true ? 'high' : null,
    metastatic: highRisk === false ? false : null,
  });
}

function familialVariant(top: Answers, notes: string[]): ChatRiskProfile['knownFamilialVariant'] {
  const present = bool(top.get('familial_variant'));
  if (present !== true) return { present, gene: null };
  const gene = top.get('familial_variant_gene');
  if (gene === 'other')
    notes.push('The familial variant is in a gene not listed in the questionnaire; the gene is not recorded.');
  return { present, gene: typeof gene === 'string' && gene !== 'other' ? gene : null };
}
