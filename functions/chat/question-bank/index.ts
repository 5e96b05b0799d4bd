export * from './types.ts';
export { evaluateCondition, matches, type Tri } from './condition.ts';
export { validateAnswer, MAX_TEXT_LENGTH, type AnswerValidation } from './validate-answer.ts';
export { validateQuestionGraph, type GraphProblem } from './validate-graph.ts';
export { walk, answerLookup, MAX_LOOP_ITERATIONS, type WalkResult } from './walk.ts';
export { BANK_V1, BANK_V1_VERSION, FAMILIAL_VARIANT_GENES } from './bank-v1.ts';
export { buildRiskProfile, type ChatRiskProfile, type ProfileBuild } from './build-profile.ts';
