import { BANK_V1 } from '../../../functions/chat/question-bank/bank-v1.ts';
import type { AnswerValue, Question, QuestionBank, StoredAnswer } from '../../../functions/chat/question-bank/types.ts';
import { validateAnswer } from '../../../functions/chat/question-bank/validate-answer.ts';
import { answerLookup, walk, type WalkResult } from '../../../functions/chat/question-bank/walk.ts';

export type Step = readonly [questionKey: string, answer: AnswerValue];

export function questionOf(key: string, bank: QuestionBank = BANK_V1): Question {
  const question = bank.questions.find((candidate) => candidate.key === key);
  if (!question) throw new Error(`No question ${key}`);
  return question;
}

export const walkBank = (answers: readonly StoredAnswer[], bank: QuestionBank = BANK_V1): WalkResult =>
  walk(bank.questions, bank.startKey, answers);

/**
 * Answers the questions in the order the walk asks them, checking that each step is the question asked and a valid
 * answer; the iteration comes from the walk.
 */
export function answerInOrder(
  steps: readonly Step[],
  bank: QuestionBank = BANK_V1,
  start: StoredAnswer[] = [],
): StoredAnswer[] {
  const answers = [...start];
  for (const [key, answer] of steps) {
    const { current, path } = walkBank(answers, bank);
    if (current?.questionKey !== key) {
      throw new Error(`Expected to be asked ${key}, but was asked ${current?.questionKey ?? 'nothing (END)'}`);
    }
    const check = validateAnswer(questionOf(key, bank), answer, answerLookup(path));
    if (!check.ok) throw new Error(`Invalid answer to ${key}: ${check.message}`);
    answers.push({ ...current, answer: check.value });
  }
  return answers;
}

/** Replaces the stored answer of one question and iteration. */
export function changeAnswer(
  answers: readonly StoredAnswer[],
  questionKey: string,
  iteration: number,
  answer: AnswerValue,
): StoredAnswer[] {
  const isIt = (a: StoredAnswer) => a.questionKey === questionKey && a.iteration === iteration;
  if (!answers.some(isIt)) throw new Error(`No answer ${questionKey}#${iteration}`);
  return answers.map((a) => (isIt(a) ? { ...a, answer } : a));
}

export const refs = (answers: readonly { questionKey: string; iteration: number }[]): string[] =>
  answers.map((a) => `${a.questionKey}#${a.iteration}`);

/** A woman of 52 with two cancers and two relatives with cancer. */
export const FULL_FEMALE_PATH: Step[] = [
  ['sex_at_birth', 'female'],
  ['age', 52],
  ['ashkenazi', false],
  ['race', 'white'],
  ['has_cancer', true],
  ['cancer_type_female', 'breast'],
  ['cancer_age', 44],
  ['breast_triple_negative', false],
  ['breast_lobular', true],
  ['breast_multiple_primary', false],
  ['another_cancer', true],
  ['cancer_type_female', 'colorectal'],
  ['cancer_age', 50],
  ['mmr_deficient', true],
  ['another_cancer', false],
  ['has_relatives_with_cancer', true],
  ['relative_relationship', 'mother'],
  ['relative_cancer_type_female', 'breast'],
  ['relative_cancer_age', 48],
  ['relative_second_cancer', true],
  ['relative_second_cancer_type_female', 'ovarian'],
  ['relative_second_cancer_age', 60],
  ['relative_tested', 'positive'],
  ['another_relative', true],
  ['relative_relationship', 'paternal_first_cousin'],
  ['relative_sex', 'male'],
  ['relative_through_two_males', true],
  ['relative_cancer_type_male', 'prostate'],
  ['relative_cancer_age', 58],
  ['relative_prostate_high_risk', true],
  ['relative_second_cancer', false],
  ['relative_tested', 'untested'],
  ['another_relative', false],
  ['familial_variant', true],
  ['familial_variant_gene', 'BRCA2'],
  ['prior_genetic_testing', 'none'],
  ['breast_biopsies', 2],
  ['atypical_hyperplasia', false],
  ['breast_lcis', false],
  ['age_at_menarche', 12],
  ['had_live_birth', true],
  ['age_first_birth', 28],
];

/** A man of 61 with prostate cancer and no family history. */
export const MALE_PATH: Step[] = [
  ['sex_at_birth', 'male'],
  ['age', 61],
  ['ashkenazi', true],
  ['race', 'black'],
  ['has_cancer', true],
  ['cancer_type_male', 'prostate'],
  ['cancer_age', 58],
  ['prostate_risk_group', 'intermediate'],
  ['prostate_metastatic', false],
  ['prostate_cribriform', true],
  ['another_cancer', false],
  ['has_relatives_with_cancer', false],
  ['familial_variant', false],
  ['prior_genetic_testing', 'vus'],
];
