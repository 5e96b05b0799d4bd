/**
 * The questionnaire as data: questions with stable keys and branching logic that is plain JSON, because it is stored
 * in chat_questions (next_question_logic, options and constraints are jsonb).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A validated answer; null = "I don't know". */
export type AnswerValue = boolean | number | string | string[] | null;

export type QuestionType = 'yes_no' | 'multiple_choice' | 'multi_select' | 'number' | 'text';

/** A test of one answer: the answer of the question being left, or of `question` when given. */
export type ValueTest =
  | { equals: Json }
  | { in: Json[] }
  | { gt: number }
  | { gte: number }
  | { lt: number }
  | { lte: number }
  /** The answer is "I don't know" (null). A question that was not asked is not unknown. */
  | { unknown: true }
  /** A multi-select answer contains this option. */
  | { includes: string };

export type Condition =
  | ValueTest
  /**
   * Tests another question's answer: within a loop, the answer of the same iteration when that question belongs to the
   * same loop; otherwise its latest answer on the path.
   */
  | (ValueTest & { question: string })
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const END = 'END';

export interface NextRule {
  when: Condition;
  /** A question key or END. */
  next: string;
  /** Starts the next iteration of the source's loop; the target must be the first question of that loop. */
  loopBack?: true;
}

/** The first rule whose condition holds decides; otherwise `default`. */
export interface NextLogic {
  rules: NextRule[];
  default: string;
}

export interface Option {
  value: string;
  label: string;
}

/** A numeric bound taken from another question's answer (e.g. an age at diagnosis is at most the current age). */
export interface AnswerBound {
  question: string;
  message: string;
}

export interface Question {
  key: string;
  text: string;
  questionType: QuestionType;
  options?: Option[];
  /** Offers "I don't know", stored as null. */
  allowUnknown: boolean;
  min?: number;
  max?: number;
  integer?: boolean;
  atMost?: AnswerBound;
  atLeast?: AnswerBound;
  category: string;
  /** The loop this question belongs to (e.g. 'cancers'); its answers are stored per iteration. */
  loop?: string;
  next: NextLogic;
}

export interface QuestionBank {
  version: string;
  startKey: string;
  questions: Question[];
}

export interface AnswerRef {
  questionKey: string;
  /** The loop iteration (0 for questions outside loops). */
  iteration: number;
}

export interface StoredAnswer extends AnswerRef {
  answer: AnswerValue;
}

/** The answer of a question by key, or undefined when it was not answered. */
export type AnswerLookup = (questionKey: string) => AnswerValue | undefined;
