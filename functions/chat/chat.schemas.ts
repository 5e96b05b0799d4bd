import * as v from 'valibot';
import { pagination, text, uuid } from '../core/http/schemas.ts';
import type { Condition, Json } from './question-bank/types.ts';

export const sessionParams = v.strictObject({ sessionId: uuid('sessionId') });
const questionId = v.pipe(v.string(), v.regex(/^\d{1,9}$/, 'must be a question id'), v.transform(Number));
export const answerParams = v.strictObject({ sessionId: uuid('sessionId'), questionId });
export const questionParams = v.strictObject({ questionId });
export const patientSessionsParams = v.strictObject({ patientId: uuid('patientId') });
export const patientSessionsQuery = v.strictObject({ ...pagination });

export const startSessionBody = v.strictObject({
  patientId: uuid('patientId'),
  source: v.picklist(['provider', 'direct']),
});

/** A string, number, boolean or list of strings as the question type says; null = "I don't know". */
const answerValue = v.nullable(
  v.union([
    v.pipe(v.string(), v.maxLength(500)),
    v.number(),
    v.boolean(),
    v.pipe(v.array(v.pipe(v.string(), v.maxLength(100))), v.maxLength(50)),
  ]),
);
export const answerBody = v.strictObject({
  questionId: v.pipe(v.number(), v.integer(), v.minValue(1)),
  answer: answerValue,
});
export const changeAnswerBody = v.strictObject({
  answer: answerValue,
  iteration: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100))),
});

const json: v.GenericSchema<Json> = v.lazy(() =>
  v.union([
    v.null(),
    v.boolean(),
    v.number(),
    v.pipe(v.string(), v.maxLength(200)),
    v.pipe(v.array(json), v.maxLength(100)),
    v.record(v.string(), json),
  ]),
);
const about = { question: v.optional(v.pipe(v.string(), v.maxLength(100))) };
const condition: v.GenericSchema<Condition> = v.lazy(
  () =>
    v.union([
      v.strictObject({ equals: json, ...about }),
      v.strictObject({ in: v.pipe(v.array(json), v.maxLength(100)), ...about }),
      v.strictObject({ gt: v.number(), ...about }),
      v.strictObject({ gte: v.number(), ...about }),
      v.strictObject({ lt: v.number(), ...about }),
      v.strictObject({ lte: v.number(), ...about }),
      v.strictObject({ unknown: v.literal(true), ...about }),
      v.strictObject({ includes: v.string(), ...about }),
      v.strictObject({ all: v.pipe(v.array(condition), v.maxLength(20)) }),
      v.strictObject({ any: v.pipe(v.array(condition), v.maxLength(20)) }),
      v.strictObject({ not: condition }),
    ]) as v.GenericSchema<Condition>,
);
const key = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be snake_case, at most 64 characters'));
const next = v.strictObject({
  rules: v.pipe(
    v.array(
      v.strictObject({
        when: condition,
        next: v.union([key, v.literal('END')]),
        loopBack: v.optional(v.literal(true)),
      }),
    ),
    v.maxLength(50),
  ),
  default: v.union([key, v.literal('END')]),
});
const bound = v.strictObject({ question: key, message: text(200) });

const questionFields = {
  text: v.pipe(text(1000), v.minLength(1)),
  questionType: v.picklist(['yes_no', 'multiple_choice', 'multi_select', 'number', 'text']),
  options: v.optional(
    v.pipe(
      v.array(
        v.strictObject({
          value: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
          label: v.pipe(text(200), v.minLength(1)),
        }),
      ),
      v.maxLength(60),
    ),
  ),
  allowUnknown: v.boolean(),
  min: v.optional(v.number()),
  max: v.optional(v.number()),
  integer: v.optional(v.boolean()),
  atMost: v.optional(bound),
  atLeast: v.optional(bound),
  category: v.pipe(text(100), v.minLength(1)),
  loop: v.optional(key),
  next: v.optional(next),
};

export const createQuestionBody = v.strictObject({
  key,
  ...questionFields,
  insertAfter: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
});
export const updateQuestionBody = v.pipe(
  v.strictObject({
    key: v.optional(key),
    text: v.optional(questionFields.text),
    questionType: v.optional(questionFields.questionType),
    options: questionFields.options,
    allowUnknown: v.optional(v.boolean()),
    min: questionFields.min,
    max: questionFields.max,
    integer: questionFields.integer,
    atMost: questionFields.atMost,
    atLeast: questionFields.atLeast,
    category: v.optional(questionFields.category),
    loop: questionFields.loop,
    next: questionFields.next,
    isActive: v.optional(v.boolean()),
  }),
  v.check((b) => Object.keys(b).length > 0, 'must change at least one field'),
);

const questionView = v.object({
  id: v.number(),
  key: v.string(),
  text: v.string(),
  questionType: v.string(),
  options: v.nullable(v.array(v.object({ value: v.string(), label: v.string() }))),
  allowUnknown: v.boolean(),
  min: v.nullable(v.number()),
  max: v.nullable(v.number()),
  category: v.string(),
  loop: v.nullable(v.string()),
  iteration: v.number(),
});

export const chatSession = v.object({
  id: v.string(),
  patientId: v.string(),
  status: v.picklist(['in_progress', 'completed', 'abandoned']),
  source: v.string(),
  questionBankVersion: v.nullable(v.string()),
  progress: v.number(),
  currentQuestion: v.nullable(questionView),
  readyToComplete: v.boolean(),
  answers: v.array(
    v.object({
      questionId: v.nullable(v.number()),
      questionKey: v.string(),
      text: v.string(),
      iteration: v.number(),
      answer: v.unknown(),
    }),
  ),
  riskProfile: v.unknown(),
  profileNotes: v.unknown(),
  eligibilityResultId: v.optional(v.nullable(v.string())),
  createdAt: v.string(),
  updatedAt: v.string(),
  lastActivityAt: v.string(),
  completedAt: v.nullable(v.string()),
});
