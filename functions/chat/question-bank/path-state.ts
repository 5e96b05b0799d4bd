import type { AnswerValue, Question } from './types.ts';

/** What the walk knows at a point of the path: the answers on it so far and each loop's current iteration. */
export interface PathState {
  readonly byKey: ReadonlyMap<string, Question>;
  /** Answers on the path by refId. */
  readonly onPath: Map<string, AnswerValue>;
  /** The latest answer on the path by question key. */
  readonly latest: Map<string, AnswerValue>;
  readonly iterations: Map<string, number>;
}

export function refId(questionKey: string, iteration: number): string {
  return `${questionKey}#${iteration}`;
}

const indexes = new WeakMap<readonly Question[], ReadonlyMap<string, Question>>();

/** Questions by key (the first of duplicates; validateQuestionGraph reports those). */
export function indexQuestions(questions: readonly Question[]): ReadonlyMap<string, Question> {
  let index = indexes.get(questions);
  if (!index) {
    const map = new Map<string, Question>();
    for (const question of questions) if (!map.has(question.key)) map.set(question.key, question);
    index = map;
    indexes.set(questions, index);
  }
  return index;
}

export function emptyPathState(questions: readonly Question[]): PathState {
  return { byKey: indexQuestions(questions), onPath: new Map(), latest: new Map(), iterations: new Map() };
}

export function iterationOf(state: PathState, question: Question): number {
  return question.loop === undefined ? 0 : (state.iterations.get(question.loop) ?? 0);
}

/** The answer a condition of `from` reads for `questionKey`: same iteration within a shared loop, else the latest. */
export function referencedAnswer(state: PathState, from: Question, questionKey: string): AnswerValue | undefined {
  const target = state.byKey.get(questionKey);
  if (target?.loop !== undefined && target.loop === from.loop) {
    return state.onPath.get(refId(questionKey, iterationOf(state, target)));
  }
  return state.latest.get(questionKey);
}
