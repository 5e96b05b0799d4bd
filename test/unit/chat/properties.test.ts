import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import { BANK_V1 } from '../../../functions/chat/question-bank/bank-v1.ts';
import { buildRiskProfile } from '../../../functions/chat/question-bank/build-profile.ts';
import type { AnswerLookup, AnswerValue, Question, StoredAnswer } from '../../../functions/chat/question-bank/types.ts';
import { validateAnswer } from '../../../functions/chat/question-bank/validate-answer.ts';
import { answerLookup, walk, type WalkResult } from '../../../functions/chat/question-bank/walk.ts';
import { RiskProfileSchema } from '../../../functions/eligibility/risk-profile.schema.ts';
import { questionOf } from './helpers.ts';

type Gen = fc.GeneratorValue;

/** A random answer that validateAnswer accepts (numbers within the bounds that earlier answers set). */
function randomAnswer(g: Gen, question: Question, answerOf: AnswerLookup): AnswerValue {
  if (question.allowUnknown && g(fc.nat, { max: 5 }) === 0) return null;
  switch (question.questionType) {
    case 'yes_no':
      return g(fc.boolean);
    case 'multiple_choice':
      return g(fc.constantFrom, ...(question.options ?? []).map((option) => option.value));
    case 'multi_select':
      return g(
        fc.subarray,
        (question.options ?? []).map((option) => option.value),
        { minLength: 1 },
      );
    case 'text':
      return g(fc.string, { minLength: 1, maxLength: 20 }).trim() || 'x';
    case 'number': {
      const bound = (key: string | undefined) => (key === undefined ? undefined : answerOf(key));
      const atMost = bound(question.atMost?.question);
      const atLeast = bound(question.atLeast?.question);
      const min = Math.max(question.min ?? 0, typeof atLeast === 'number' ? atLeast : -Infinity);
      const max = Math.min(question.max ?? 120, typeof atMost === 'number' ? atMost : Infinity);
      if (min > max) {
        if (!question.allowUnknown) throw new Error(`No valid answer to ${question.key}`);
        return null;
      }
      return g(fc.integer, { min, max });
    }
  }
}

const walkAll = (answers: readonly StoredAnswer[]): WalkResult => walk(BANK_V1.questions, BANK_V1.startKey, answers);

function expectCurrentUnanswered(result: WalkResult, answers: readonly StoredAnswer[]) {
  const { current } = result;
  if (current === null) return;
  expect(answers.some((a) => a.questionKey === current.questionKey && a.iteration === current.iteration)).toBe(false);
}

/**
 * A patient answers whatever is asked; now and then goes back and changes an earlier answer, after which the caller
 * deletes the unreachable answers, or not.
 */
function randomSession(g: Gen, allowEdits: boolean): { answers: StoredAnswer[]; result: WalkResult } {
  let answers: StoredAnswer[] = [];
  let edits = 0;
  for (let step = 0; step < 2000; step++) {
    const result = walkAll(answers);
    expectCurrentUnanswered(result, answers);
    const onPath = new Set(result.path.map((s) => `${s.questionKey}#${s.iteration}`));
    for (const ref of result.unreachable) expect(onPath.has(`${ref.questionKey}#${ref.iteration}`)).toBe(false);
    if (allowEdits && edits < 4 && result.path.length > 0 && g(fc.nat, { max: 9 }) === 0) {
      edits++;
      const index = g(fc.nat, { max: result.path.length - 1 });
      const edited = result.path[index]!;
      const answerOf = answerLookup(result.path.slice(0, index));
      const answer = randomAnswer(g, questionOf(edited.questionKey), answerOf);
      answers = answers.map((a) =>
        a.questionKey === edited.questionKey && a.iteration === edited.iteration ? { ...a, answer } : a,
      );
      if (g(fc.boolean)) {
        const gone = new Set(walkAll(answers).unreachable.map((ref) => `${ref.questionKey}#${ref.iteration}`));
        answers = answers.filter((a) => !gone.has(`${a.questionKey}#${a.iteration}`));
      }
      continue;
    }
    if (result.current === null) return { answers, result };
    const question = questionOf(result.current.questionKey);
    const answerOf = answerLookup(result.path);
    const answer = randomAnswer(g, question, answerOf);
    const check = validateAnswer(question, answer, answerOf);
    expect(check).toEqual({ ok: true, value: answer });
    answers.push({ ...result.current, answer });
  }
  throw new Error('The session did not end');
}

describe('properties of the seeded bank', () => {
  test('random answer sequences end, and always give a profile that passes the RiskProfile schema', () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const { result } = randomSession(g, false);
        expect(result.progress).toBe(100);
        expect(result.unreachable).toEqual([]);
        const { profile } = buildRiskProfile(result.path, BANK_V1.questions);
        const parsed = v.parse(RiskProfileSchema, profile);
        if (profile.sex === 'female') expect(parsed).toEqual(profile);
        else expect(parsed).toMatchObject(profile);
      }),
      { numRuns: 100 },
    );
  });

  test('with changed answers, walk never asks an answered question and the profile stays valid', () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const { result } = randomSession(g, true);
        const { profile } = buildRiskProfile(result.path, BANK_V1.questions);
        expect(v.safeParse(RiskProfileSchema, profile).issues).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });
});
