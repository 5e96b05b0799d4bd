import { describe, expect, test } from 'vitest';
import type { Question, StoredAnswer } from '../../../functions/chat/question-bank/types.ts';
import { MAX_LOOP_ITERATIONS, walk } from '../../../functions/chat/question-bank/walk.ts';
import { FULL_FEMALE_PATH, MALE_PATH, answerInOrder, changeAnswer, refs, walkBank, type Step } from './helpers.ts';

const DEMOGRAPHICS = (sex: 'female' | 'male'): Step[] => [
  ['sex_at_birth', sex],
  ['age', 45],
  ['ashkenazi', null],
  ['race', 'white'],
];
const NO_HISTORY: Step[] = [
  ['has_cancer', false],
  ['has_relatives_with_cancer', false],
  ['familial_variant', false],
  ['prior_genetic_testing', 'none'],
];

describe('walk', () => {
  test('starts at the start question with nothing answered', () => {
    expect(walkBank([])).toEqual({
      path: [],
      current: { questionKey: 'sex_at_birth', iteration: 0 },
      unreachable: [],
      progress: 0,
    });
  });

  test('branches by sex: women go on to the BCRAT questions, men end after prior testing', () => {
    const man = walkBank(answerInOrder([...DEMOGRAPHICS('male'), ...NO_HISTORY]));
    expect(man.current).toBeNull();
    expect(man.progress).toBe(100);

    const woman = walkBank(answerInOrder([...DEMOGRAPHICS('female'), ...NO_HISTORY]));
    expect(woman.current).toEqual({ questionKey: 'breast_biopsies', iteration: 0 });

    expect(walkBank(answerInOrder([...DEMOGRAPHICS('male'), ['has_cancer', true]])).current?.questionKey).toBe(
      'cancer_type_male',
    );
    expect(walkBank(answerInOrder([...DEMOGRAPHICS('female'), ['has_cancer', true]])).current?.questionKey).toBe(
      'cancer_type_female',
    );
  });

  test('asks about atypical hyperplasia only after a biopsy, and the age at first birth only after a birth', () => {
    const start = answerInOrder([...DEMOGRAPHICS('female'), ...NO_HISTORY]);
    const asked = (steps: Step[]) => walkBank(answerInOrder(steps, undefined, start)).current?.questionKey ?? 'END';
    expect(asked([['breast_biopsies', 0]])).toBe('breast_lcis');
    expect(asked([['breast_biopsies', null]])).toBe('breast_lcis');
    expect(asked([['breast_biopsies', 1]])).toBe('atypical_hyperplasia');
    const bcrat: Step[] = [
      ['breast_biopsies', 0],
      ['breast_lcis', false],
      ['age_at_menarche', 13],
    ];
    expect(asked([...bcrat, ['had_live_birth', false]])).toBe('END');
    expect(asked([...bcrat, ['had_live_birth', null]])).toBe('END');
    expect(asked([...bcrat, ['had_live_birth', true]])).toBe('age_first_birth');
  });

  test('asks the sex of cousins only, and "through two men" only of 3rd-degree relatives on the father\'s side', () => {
    const start = answerInOrder([
      ...DEMOGRAPHICS('female'),
      ['has_cancer', false],
      ['has_relatives_with_cancer', true],
    ]);
    const asked = (steps: Step[]) => walkBank(answerInOrder(steps, undefined, start)).current?.questionKey;
    const next = (relationship: string) => asked([['relative_relationship', relationship]]);
    expect(next('mother')).toBe('relative_cancer_type_female');
    expect(next('paternal_uncle')).toBe('relative_cancer_type_male');
    expect(next('maternal_first_cousin')).toBe('relative_sex');
    expect(next('paternal_first_cousin')).toBe('relative_sex');
    expect(next('paternal_great_aunt')).toBe('relative_through_two_males');
    expect(next('maternal_great_uncle')).toBe('relative_cancer_type_male');
    const cousin = (relationship: string, sex: string) =>
      asked([
        ['relative_relationship', relationship],
        ['relative_sex', sex],
      ]);
    expect(cousin('maternal_first_cousin', 'female')).toBe('relative_cancer_type_female');
    expect(cousin('paternal_first_cousin', 'male')).toBe('relative_through_two_males');
  });

  test('numbers loop iterations per loop, starting at 0', () => {
    const { path, current } = walkBank(answerInOrder(FULL_FEMALE_PATH));
    expect(current).toBeNull();
    const iterationsOf = (key: string) => path.filter((step) => step.questionKey === key).map((step) => step.iteration);
    expect(iterationsOf('cancer_type_female')).toEqual([0, 1]);
    expect(iterationsOf('cancer_age')).toEqual([0, 1]);
    expect(iterationsOf('another_cancer')).toEqual([0, 1]);
    expect(iterationsOf('relative_relationship')).toEqual([0, 1]);
    expect(iterationsOf('relative_tested')).toEqual([0, 1]);
    expect(iterationsOf('relative_sex')).toEqual([1]);
    expect(iterationsOf('has_relatives_with_cancer')).toEqual([0]);
    expect(path).toHaveLength(FULL_FEMALE_PATH.length);
  });

  test('changing has_cancer from yes to no leaves the cancer answers unreachable', () => {
    const answers = answerInOrder(FULL_FEMALE_PATH);
    const changed = walkBank(changeAnswer(answers, 'has_cancer', 0, false));
    expect(changed.current).toBeNull();
    expect(refs(changed.unreachable)).toEqual([
      'cancer_type_female#0',
      'cancer_age#0',
      'breast_triple_negative#0',
      'breast_lobular#0',
      'breast_multiple_primary#0',
      'another_cancer#0',
      'cancer_type_female#1',
      'cancer_age#1',
      'mmr_deficient#1',
      'another_cancer#1',
    ]);
    expect(changed.path.some((step) => step.questionKey.startsWith('cancer'))).toBe(false);
    expect(changed.path.find((step) => step.questionKey === 'relative_relationship')).toBeDefined();
  });

  test('changing cancer_type from breast to ovarian makes the breast answers unreachable and keeps the rest', () => {
    const answers = answerInOrder(FULL_FEMALE_PATH);
    const changed = walkBank(changeAnswer(answers, 'cancer_type_female', 0, 'ovarian'));
    expect(changed.current).toEqual({ questionKey: 'ovarian_histology', iteration: 0 });
    expect(refs(changed.unreachable)).toEqual([
      'breast_triple_negative#0',
      'breast_lobular#0',
      'breast_multiple_primary#0',
    ]);

    // The caller deletes the unreachable answers; once the new question is answered, the later ones count again.
    const kept = changeAnswer(answers, 'cancer_type_female', 0, 'ovarian').filter(
      (a) => !refs(changed.unreachable).includes(`${a.questionKey}#${a.iteration}`),
    );
    const resumed = walkBank([...kept, { questionKey: 'ovarian_histology', iteration: 0, answer: 'epithelial' }]);
    expect(resumed.current).toBeNull();
    expect(resumed.unreachable).toEqual([]);
    expect(resumed.path).toHaveLength(FULL_FEMALE_PATH.length - 2);
  });

  test('answers of a later iteration stay while their loop may still reach them', () => {
    const answers = answerInOrder(FULL_FEMALE_PATH);
    const withoutFirstAnother = answers.filter((a) => !(a.questionKey === 'another_cancer' && a.iteration === 0));
    const result = walkBank(withoutFirstAnother);
    expect(result.current).toEqual({ questionKey: 'another_cancer', iteration: 0 });
    expect(result.unreachable).toEqual([]);
    const ended = walkBank(changeAnswer(answers, 'another_cancer', 0, false));
    expect(refs(ended.unreachable)).toEqual([
      'cancer_type_female#1',
      'cancer_age#1',
      'mmr_deficient#1',
      'another_cancer#1',
    ]);
  });

  test("a changed sex makes the other sex's questions unreachable", () => {
    const answers = answerInOrder(FULL_FEMALE_PATH);
    const changed = walkBank(changeAnswer(answers, 'sex_at_birth', 0, 'male'));
    expect(changed.current).toEqual({ questionKey: 'cancer_type_male', iteration: 0 });
    expect(refs(changed.unreachable)).toContain('breast_biopsies#0');
    expect(refs(changed.unreachable)).toContain('cancer_type_female#0');
    // A relative's cancer types depend on the relative's sex, not the patient's.
    expect(refs(changed.unreachable)).not.toContain('relative_cancer_type_female#0');
    expect(refs(changed.unreachable)).not.toContain('relative_relationship#1');
  });

  test('answers to unknown questions, to iterations never reached and superseded duplicates', () => {
    const answers: StoredAnswer[] = [
      ...answerInOrder(MALE_PATH),
      { questionKey: 'no_such_question', iteration: 0, answer: true },
      { questionKey: 'age', iteration: 3, answer: 50 },
      { questionKey: 'age', iteration: 0, answer: 70 },
    ];
    const result = walkBank(answers);
    expect(result.path.find((step) => step.questionKey === 'age')?.answer).toBe(70);
    expect(refs(result.unreachable)).toEqual(['no_such_question#0', 'age#3']);
  });

  test(`stops a runaway loop after ${MAX_LOOP_ITERATIONS} iterations`, () => {
    let answers = answerInOrder([...DEMOGRAPHICS('male'), ['has_cancer', true]]);
    for (let i = 0; i < MAX_LOOP_ITERATIONS; i++) {
      answers = answerInOrder(
        [
          ['cancer_type_male', 'melanoma'],
          ['cancer_age', null],
          ['another_cancer', true],
        ],
        undefined,
        answers,
      );
    }
    const result = walkBank(answers);
    expect(result.current).toEqual({ questionKey: 'has_relatives_with_cancer', iteration: 0 });
    expect(Math.max(...result.path.map((step) => step.iteration))).toBe(MAX_LOOP_ITERATIONS - 1);
  });

  test('progress never moves back along a straight answer sequence and is 100 only at the end', () => {
    for (const steps of [FULL_FEMALE_PATH, MALE_PATH]) {
      const answers = answerInOrder(steps);
      const progress = answers.map((_, n) => walkBank(answers.slice(0, n)).progress);
      expect(progress[0]).toBe(0);
      for (let n = 1; n < progress.length; n++) expect(progress[n]).toBeGreaterThanOrEqual(progress[n - 1]!);
      expect(Math.max(...progress)).toBeLessThan(100);
      expect(walkBank(answers).progress).toBe(100);
    }
  });

  test('progress is answered / (answered + shortest remaining) given what is known', () => {
    // After the sex: a man's shortest route is 8 questions (no cancer, no relatives), so 1 / (1 + 7).
    expect(walkBank(answerInOrder([['sex_at_birth', 'male']])).progress).toBe(Math.floor(100 / 8));
    // A woman's adds the four shortest BCRAT questions.
    expect(walkBank(answerInOrder([['sex_at_birth', 'female']])).progress).toBe(Math.floor(100 / 12));
  });

  test('throws on a graph that leads to a missing question or round an undeclared cycle', () => {
    const yesNo = (key: string, next: string): Question => ({
      key,
      text: key,
      questionType: 'yes_no',
      allowUnknown: false,
      category: 'test',
      next: { rules: [], default: next },
    });
    const answer = (questionKey: string) => ({ questionKey, iteration: 0, answer: true });
    expect(() => walk([yesNo('a', 'b')], 'a', [answer('a')])).toThrow(/missing question: b/);
    expect(() => walk([yesNo('a', 'b'), yesNo('b', 'a')], 'a', [answer('a'), answer('b')])).toThrow(/undeclared cycle/);
  });
});
