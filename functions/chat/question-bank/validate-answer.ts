import type { AnswerBound, AnswerLookup, AnswerValue, Question } from './types.ts';

export type AnswerValidation = { ok: true; value: AnswerValue } | { ok: false; message: string };

export const MAX_TEXT_LENGTH = 500;

const fail = (message: string): AnswerValidation => ({ ok: false, message });

/**
 * Checks a patient's answer and returns it normalised (trimmed text, multi-select values in option order).
 * `answerOf` gives earlier answers for bounds such as "at most your current age"; without it those are not checked.
 */
export function validateAnswer(question: Question, answer: unknown, answerOf?: AnswerLookup): AnswerValidation {
  if (answer === null || answer === undefined) {
    return question.allowUnknown && answer === null ? { ok: true, value: null } : fail('This question needs an answer');
  }
  switch (question.questionType) {
    case 'yes_no':
      return typeof answer === 'boolean' ? { ok: true, value: answer } : fail('Please answer yes or no');
    case 'multiple_choice':
      return typeof answer === 'string' && optionValues(question).includes(answer)
        ? { ok: true, value: answer }
        : fail('Please choose one of the options');
    case 'multi_select':
      return validateSelection(question, answer);
    case 'number':
      return validateNumber(question, answer, answerOf);
    case 'text':
      return validateText(answer);
  }
}

function optionValues(question: Question): string[] {
  return (question.options ?? []).map((option) => option.value);
}

function validateSelection(question: Question, answer: unknown): AnswerValidation {
  if (!Array.isArray(answer) || answer.length === 0) return fail('Please choose at least one option');
  const values = optionValues(question);
  if (!answer.every((item) => typeof item === 'string' && values.includes(item))) {
    return fail('Please choose from the options shown');
  }
  if (new Set(answer).size !== answer.length) return fail('Please choose each option only once');
  return { ok: true, value: values.filter((value) => answer.includes(value)) };
}

function validateNumber(question: Question, answer: unknown, answerOf: AnswerLookup | undefined): AnswerValidation {
  if (typeof answer !== 'number' || !Number.isFinite(answer)) return fail('Please enter a number');
  if (question.integer && !Number.isInteger(answer)) return fail('Please enter a whole number');
  const { min, max } = question;
  if ((min !== undefined && answer < min) || (max !== undefined && answer > max)) {
    if (min !== undefined && max !== undefined) return fail(`Please enter a number from ${min} to ${max}`);
    return fail(
      min !== undefined ? `Please enter a number of at least ${min}` : `Please enter a number no more than ${max}`,
    );
  }
  const above = boundValue(question.atMost, answerOf);
  if (above !== null && answer > above) return fail(question.atMost?.message ?? 'That number is too large');
  const below = boundValue(question.atLeast, answerOf);
  if (below !== null && answer < below) return fail(question.atLeast?.message ?? 'That number is too small');
  return { ok: true, value: answer };
}

function boundValue(bound: AnswerBound | undefined, answerOf: AnswerLookup | undefined): number | null {
  if (!bound || !answerOf) return null;
  const value = answerOf(bound.question);
  return typeof value === 'number' ? value : null;
}

function validateText(answer: unknown): AnswerValidation {
  if (typeof answer !== 'string') return fail('Please type your answer');
  const text = answer.trim();
  if (text === '') return fail('This question needs an answer');
  if (text.length > MAX_TEXT_LENGTH) return fail(`Please keep your answer to ${MAX_TEXT_LENGTH} characters or fewer`);
  return { ok: true, value: text };
}
