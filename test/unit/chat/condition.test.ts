import { describe, expect, test } from 'vitest';
import { evaluateCondition, matches } from '../../../functions/chat/question-bank/condition.ts';
import type { AnswerValue, Condition } from '../../../functions/chat/question-bank/types.ts';

const others: Record<string, AnswerValue> = {
  sex_at_birth: 'female',
  age: 45,
  conditions: ['a', 'b'],
  ashkenazi: null,
};
const check = (condition: Condition, answer: AnswerValue | undefined) =>
  matches(condition, answer, (key) => others[key]);

describe('condition engine', () => {
  test('equals compares JSON values, including lists and null', () => {
    expect(check({ equals: 'breast' }, 'breast')).toBe(true);
    expect(check({ equals: 'breast' }, 'ovarian')).toBe(false);
    expect(check({ equals: true }, true)).toBe(true);
    expect(check({ equals: true }, 'true')).toBe(false);
    expect(check({ equals: ['a', 'b'] }, ['a', 'b'])).toBe(true);
    expect(check({ equals: ['a', 'b'] }, ['b', 'a'])).toBe(false);
    expect(check({ equals: null }, null)).toBe(true);
    expect(check({ equals: null }, undefined)).toBe(false);
  });

  test('in matches any listed value', () => {
    expect(check({ in: ['colorectal', 'endometrial'] }, 'endometrial')).toBe(true);
    expect(check({ in: ['colorectal', 'endometrial'] }, 'breast')).toBe(false);
    expect(check({ in: [] }, 'breast')).toBe(false);
    expect(check({ in: [1, 2] }, 2)).toBe(true);
  });

  test('gt, gte, lt, lte on numbers only', () => {
    expect(check({ gt: 0 }, 1)).toBe(true);
    expect(check({ gt: 0 }, 0)).toBe(false);
    expect(check({ gte: 0 }, 0)).toBe(true);
    expect(check({ lt: 50 }, 49)).toBe(true);
    expect(check({ lt: 50 }, 50)).toBe(false);
    expect(check({ lte: 50 }, 50)).toBe(true);
    expect(check({ gt: 0 }, null)).toBe(false);
    expect(check({ lt: 50 }, '10')).toBe(false);
  });

  test('unknown holds for "I don\'t know" (null) only, not for a question never asked', () => {
    expect(check({ unknown: true }, null)).toBe(true);
    expect(check({ unknown: true }, false)).toBe(false);
    expect(check({ unknown: true }, undefined)).toBe(false);
  });

  test('includes tests a multi-select answer', () => {
    expect(check({ includes: 'a' }, ['a', 'c'])).toBe(true);
    expect(check({ includes: 'b' }, ['a', 'c'])).toBe(false);
    expect(check({ includes: 'a' }, 'a')).toBe(false);
  });

  test('question refers to another answer', () => {
    expect(check({ question: 'sex_at_birth', equals: 'female' }, 'anything')).toBe(true);
    expect(check({ question: 'age', gte: 50 }, 'anything')).toBe(false);
    expect(check({ question: 'conditions', includes: 'b' }, undefined)).toBe(true);
    expect(check({ question: 'ashkenazi', unknown: true }, true)).toBe(true);
    expect(check({ question: 'never_asked', equals: 'x' }, 'x')).toBe(false);
  });

  test('all, any and not combine', () => {
    const female: Condition = { question: 'sex_at_birth', equals: 'female' };
    expect(check({ all: [{ equals: true }, female] }, true)).toBe(true);
    expect(check({ all: [{ equals: true }, female] }, false)).toBe(false);
    expect(check({ all: [] }, true)).toBe(true);
    expect(check({ any: [{ equals: true }, { question: 'age', lt: 18 }] }, false)).toBe(false);
    expect(check({ any: [{ equals: true }, { question: 'age', lt: 50 }] }, false)).toBe(true);
    expect(check({ any: [] }, true)).toBe(false);
    expect(check({ not: { equals: true } }, false)).toBe(true);
    expect(check({ not: { not: { equals: true } } }, true)).toBe(true);
  });

  test('three-valued evaluation leaves pending answers open', () => {
    const pending = () => 'pending' as const;
    const female: Condition = { question: 'sex_at_birth', equals: 'female' };
    expect(evaluateCondition({ equals: true }, pending)).toBe('maybe');
    expect(evaluateCondition({ not: { equals: true } }, pending)).toBe('maybe');
    const ownPending = (question: string | null) =>
      question === null ? ('pending' as const) : { value: others[question] };
    expect(evaluateCondition({ all: [{ equals: true }, female] }, ownPending)).toBe('maybe');
    expect(evaluateCondition({ all: [{ equals: true }, { not: female }] }, ownPending)).toBe(false);
    expect(evaluateCondition({ any: [{ equals: true }, female] }, ownPending)).toBe(true);
  });

  test('conditions are plain JSON', () => {
    const condition: Condition = {
      all: [{ question: 'age', gte: 18 }, { not: { in: ['a', null] } }, { unknown: true }],
    };
    expect(JSON.parse(JSON.stringify(condition))).toEqual(condition);
  });
});
