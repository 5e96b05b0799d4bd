import type { AnswerValue, Condition, Json, ValueTest } from './types.ts';

/** true / false, or 'maybe' when an answer it depends on is still to be given. */
export type Tri = boolean | 'maybe';

/** The value a condition tests; `question` is null for the answer of the question being left. */
export type Subject = { value: AnswerValue | undefined } | 'pending';
export type ResolveSubject = (question: string | null) => Subject;

export const VALUE_OPERATORS = ['equals', 'in', 'gt', 'gte', 'lt', 'lte', 'unknown', 'includes'] as const;

export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => key in b && jsonEqual(a[key], b[key]));
}

/** An answer that was not given (undefined) passes no test; only null is "unknown". */
export function testValue(test: ValueTest, value: AnswerValue | undefined): boolean {
  if ('equals' in test) return value !== undefined && jsonEqual(value, test.equals);
  if ('in' in test) return value !== undefined && test.in.some((candidate) => jsonEqual(value, candidate));
  if ('gt' in test) return typeof value === 'number' && value > test.gt;
  if ('gte' in test) return typeof value === 'number' && value >= test.gte;
  if ('lt' in test) return typeof value === 'number' && value < test.lt;
  if ('lte' in test) return typeof value === 'number' && value <= test.lte;
  if ('unknown' in test) return value === null;
  return Array.isArray(value) && value.includes(test.includes);
}

/** Kleene evaluation: 'maybe' only where a pending answer could decide it. */
export function evaluateCondition(condition: Condition, resolve: ResolveSubject): Tri {
  if ('all' in condition) {
    let result: Tri = true;
    for (const part of condition.all) {
      const value = evaluateCondition(part, resolve);
      if (value === false) return false;
      if (value === 'maybe') result = 'maybe';
    }
    return result;
  }
  if ('any' in condition) {
    let result: Tri = false;
    for (const part of condition.any) {
      const value = evaluateCondition(part, resolve);
      if (value === true) return true;
      if (value === 'maybe') result = 'maybe';
    }
    return result;
  }
  if ('not' in condition) {
    const value = evaluateCondition(condition.not, resolve);
    return value === 'maybe' ? 'maybe' : !value;
  }
  const subject = resolve('question' in condition ? condition.question : null);
  return subject === 'pending' ? 'maybe' : testValue(condition, subject.value);
}

/** Whether a condition holds once every answer is known (unanswered questions are `undefined`). */
export function matches(
  condition: Condition,
  answer: AnswerValue | undefined,
  answerOf: (questionKey: string) => AnswerValue | undefined = () => undefined,
): boolean {
  return (
    evaluateCondition(condition, (question) => ({ value: question === null ? answer : answerOf(question) })) === true
  );
}
