import { describe, expect, test } from 'vitest';
import type { Question } from '../../../functions/chat/question-bank/types.ts';
import { validateAnswer } from '../../../functions/chat/question-bank/validate-answer.ts';

const base = { text: 'Q', category: 'test', allowUnknown: false, next: { rules: [], default: 'END' } };
const yesNo: Question = { ...base, key: 'yn', questionType: 'yes_no' };
const choice: Question = {
  ...base,
  key: 'choice',
  questionType: 'multiple_choice',
  options: [
    { value: 'a', label: 'A' },
    { value: 'b', label: 'B' },
  ],
};
const multi: Question = {
  ...base,
  key: 'multi',
  questionType: 'multi_select',
  options: [
    { value: 'x', label: 'X' },
    { value: 'y', label: 'Y' },
    { value: 'z', label: 'Z' },
  ],
};
const count: Question = { ...base, key: 'count', questionType: 'number', min: 0, max: 20, integer: true };
const text: Question = { ...base, key: 'text', questionType: 'text' };
const unknownable = (question: Question): Question => ({ ...question, allowUnknown: true });

const ok = (value: unknown) => ({ ok: true, value });
const rejected = { ok: false, message: expect.any(String) };

describe('validateAnswer', () => {
  test('null is accepted only where "I don\'t know" is offered', () => {
    for (const question of [yesNo, choice, multi, count, text]) {
      expect(validateAnswer(question, null)).toEqual({ ok: false, message: 'This question needs an answer' });
      expect(validateAnswer(question, undefined)).toEqual({ ok: false, message: 'This question needs an answer' });
      expect(validateAnswer(unknownable(question), null)).toEqual(ok(null));
      expect(validateAnswer(unknownable(question), undefined)).toEqual({
        ok: false,
        message: 'This question needs an answer',
      });
    }
  });

  test('yes_no takes a boolean', () => {
    expect(validateAnswer(yesNo, true)).toEqual(ok(true));
    expect(validateAnswer(yesNo, false)).toEqual(ok(false));
    expect(validateAnswer(yesNo, 'yes')).toEqual(rejected);
    expect(validateAnswer(yesNo, 1)).toEqual(rejected);
  });

  test("multiple_choice takes one of the options' values", () => {
    expect(validateAnswer(choice, 'a')).toEqual(ok('a'));
    expect(validateAnswer(choice, 'A')).toEqual(rejected);
    expect(validateAnswer(choice, 'c')).toEqual(rejected);
    expect(validateAnswer(choice, ['a'])).toEqual(rejected);
  });

  test('multi_select takes a non-empty list of distinct option values, returned in option order', () => {
    expect(validateAnswer(multi, ['z', 'x'])).toEqual(ok(['x', 'z']));
    expect(validateAnswer(multi, ['y'])).toEqual(ok(['y']));
    expect(validateAnswer(multi, [])).toEqual(rejected);
    expect(validateAnswer(multi, ['x', 'x'])).toEqual(rejected);
    expect(validateAnswer(multi, ['x', 'w'])).toEqual(rejected);
    expect(validateAnswer(multi, 'x')).toEqual(rejected);
  });

  test('number takes a finite number within min and max, whole when integer', () => {
    expect(validateAnswer(count, 0)).toEqual(ok(0));
    expect(validateAnswer(count, 20)).toEqual(ok(20));
    expect(validateAnswer(count, 21)).toEqual({ ok: false, message: 'Please enter a number from 0 to 20' });
    expect(validateAnswer(count, -1)).toEqual(rejected);
    expect(validateAnswer(count, 2.5)).toEqual({ ok: false, message: 'Please enter a whole number' });
    expect(validateAnswer(count, Number.NaN)).toEqual(rejected);
    expect(validateAnswer(count, Number.POSITIVE_INFINITY)).toEqual(rejected);
    expect(validateAnswer(count, '3')).toEqual(rejected);
    const anyNumber: Question = { ...base, key: 'n', questionType: 'number' };
    expect(validateAnswer(anyNumber, 2.5)).toEqual(ok(2.5));
    expect(validateAnswer({ ...anyNumber, min: 1 }, 0)).toEqual({
      ok: false,
      message: 'Please enter a number of at least 1',
    });
  });

  test("number bounds from other answers (e.g. not after the patient's age)", () => {
    const ageAtDiagnosis: Question = {
      ...count,
      max: 110,
      atMost: { question: 'age', message: 'Not after your age' },
      atLeast: { question: 'menarche', message: 'Not before your first period' },
    };
    const answers = { age: 40, menarche: 12 } as Record<string, number | undefined>;
    const lookup = (key: string) => answers[key];
    expect(validateAnswer(ageAtDiagnosis, 40, lookup)).toEqual(ok(40));
    expect(validateAnswer(ageAtDiagnosis, 41, lookup)).toEqual({ ok: false, message: 'Not after your age' });
    expect(validateAnswer(ageAtDiagnosis, 11, lookup)).toEqual({ ok: false, message: 'Not before your first period' });
    expect(validateAnswer(ageAtDiagnosis, 41)).toEqual(ok(41));
    expect(validateAnswer(ageAtDiagnosis, 41, () => null)).toEqual(ok(41));
  });

  test('text is trimmed, non-empty and at most 500 characters', () => {
    expect(validateAnswer(text, '  my aunt  ')).toEqual(ok('my aunt'));
    expect(validateAnswer(text, '   ')).toEqual({ ok: false, message: 'This question needs an answer' });
    expect(validateAnswer(text, 'x'.repeat(500))).toEqual(ok('x'.repeat(500)));
    expect(validateAnswer(text, ` ${'x'.repeat(500)} `)).toEqual(ok('x'.repeat(500)));
    expect(validateAnswer(text, 'x'.repeat(501))).toEqual(rejected);
    expect(validateAnswer(text, 42)).toEqual(rejected);
  });
});
