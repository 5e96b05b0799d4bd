import { describe, expect, test } from 'vitest';
import { BANK_V1 } from '../../../functions/chat/question-bank/bank-v1.ts';
import type { NextRule, Question } from '../../../functions/chat/question-bank/types.ts';
import { validateQuestionGraph } from '../../../functions/chat/question-bank/validate-graph.ts';

const q = (key: string, next: string, extra: Partial<Question> & { rules?: NextRule[] } = {}): Question => {
  const { rules = [], ...rest } = extra;
  return {
    key,
    text: key,
    questionType: 'yes_no',
    allowUnknown: false,
    category: 'test',
    next: { rules, default: next },
    ...rest,
  };
};

/** start → items loop (item, more ↺ item) → done → END */
const loopBank = (): Question[] => [
  q('start', 'item'),
  q('item', 'more', { loop: 'items', questionType: 'number' }),
  q('more', 'done', { loop: 'items', rules: [{ when: { equals: true }, next: 'item', loopBack: true }] }),
  q('done', 'END'),
];

const messages = (questions: Question[], start = 'start') =>
  validateQuestionGraph(questions, start).map((problem) => `${problem.key}: ${problem.message}`);

describe('validateQuestionGraph', () => {
  test('the seeded bank has no problems', () => {
    expect(validateQuestionGraph(BANK_V1.questions, BANK_V1.startKey)).toEqual([]);
  });

  test('a sound toy bank with a declared loop has no problems', () => {
    expect(messages(loopBank())).toEqual([]);
  });

  test('a dangling target is reported', () => {
    const bank = loopBank().map((question) => (question.key === 'done' ? q('done', 'gone') : question));
    expect(messages(bank)).toEqual(["done: Next question 'gone' does not exist"]);
    const viaRule = [q('start', 'END', { rules: [{ when: { equals: true }, next: 'nowhere' }] })];
    expect(messages(viaRule)).toEqual(["start: Next question 'nowhere' does not exist"]);
  });

  test('an unreachable question is reported', () => {
    expect(messages([...loopBank(), q('orphan', 'END')])).toEqual(['orphan: Unreachable from the start question']);
  });

  test('a missing start question is reported', () => {
    expect(messages(loopBank(), 'begin')).toContain('begin: The start question does not exist');
  });

  test('an undeclared cycle is reported', () => {
    const bank = [q('start', 'a'), q('a', 'b'), q('b', 'END', { rules: [{ when: { equals: true }, next: 'a' }] })];
    expect(messages(bank)).toEqual(["b: Undeclared cycle: 'b' leads back to 'a' without a valid loopBack rule"]);
  });

  test('a loopBack from outside its loop is reported', () => {
    const bank = [
      ...loopBank().filter((question) => question.key !== 'done'),
      q('done', 'END', { rules: [{ when: { equals: true }, next: 'item', loopBack: true }] }),
    ];
    expect(messages(bank)).toContain("done: loopBack to 'item' from a question outside any loop");
  });

  test('a loopBack to a question that is not the first of its loop is reported', () => {
    const bank = [
      q('start', 'item'),
      q('item', 'detail', { loop: 'items' }),
      q('detail', 'more', { loop: 'items' }),
      q('more', 'END', { loop: 'items', rules: [{ when: { equals: true }, next: 'detail', loopBack: true }] }),
    ];
    expect(messages(bank)).toContain("more: loopBack to 'detail', which is not the first question of loop 'items'");
    const otherLoop = [
      q('start', 'x'),
      q('x', 'y', { loop: 'first' }),
      q('y', 'END', { loop: 'second', rules: [{ when: { equals: true }, next: 'x', loopBack: true }] }),
    ];
    expect(messages(otherLoop)).toContain("y: loopBack to 'x', which is not in loop 'second'");
  });

  test('duplicate keys are reported', () => {
    expect(messages([...loopBank(), q('done', 'END')])).toEqual(['done: Duplicate question key']);
  });

  test('options and questions referenced in conditions must exist', () => {
    const choice: Question = {
      ...q('start', 'END'),
      questionType: 'multiple_choice',
      options: [
        { value: 'a', label: 'A' },
        { value: 'b', label: 'B' },
      ],
      next: {
        rules: [
          { when: { equals: 'c' }, next: 'END' },
          { when: { in: ['a', 'd'] }, next: 'END' },
          { when: { question: 'missing', equals: true }, next: 'END' },
          { when: { not: { question: 'start', equals: 'e' } }, next: 'END' },
        ],
        default: 'END',
      },
    };
    expect(messages([choice])).toEqual([
      "start: A condition refers to option 'c', which 'start' does not offer",
      "start: A condition refers to option 'd', which 'start' does not offer",
      "start: A condition refers to question 'missing', which does not exist",
      "start: A condition refers to option 'e', which 'start' does not offer",
    ]);
  });

  test('conditions must fit the type of the answer they test', () => {
    const bank = [
      q('start', 'END', {
        rules: [
          { when: { gt: 3 }, next: 'END' },
          { when: { unknown: true }, next: 'END' },
          { when: { includes: 'x' }, next: 'END' },
          { when: { equals: 'yes' }, next: 'END' },
          { when: { equals: true, gt: 1 } as never, next: 'END' },
        ],
      }),
    ];
    expect(messages(bank)).toEqual([
      "start: A numeric comparison on 'start', which is not a number question",
      `start: A condition tests "I don't know", which 'start' does not offer`,
      "start: 'includes' needs a multi-select question, not 'start'",
      `start: 'start' is answered yes or no, not "yes"`,
      'start: Malformed condition {"equals":true,"gt":1}',
    ]);
  });
});
