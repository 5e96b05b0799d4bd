import { matches } from './condition.ts';
import { lookAhead, type LookAhead } from './look-ahead.ts';
import { emptyPathState, iterationOf, refId, referencedAnswer, type PathState } from './path-state.ts';
import { END, type AnswerLookup, type AnswerRef, type AnswerValue, type Question, type StoredAnswer } from './types.ts';

/** A loop runs at most this many iterations; past that its loopBack rules lead to the question's default. */
export const MAX_LOOP_ITERATIONS = 20;

export interface WalkResult {
  /** The answered questions in the order the patient meets them. */
  path: StoredAnswer[];
  /** The next question to ask; null when the branch has ended. */
  current: AnswerRef | null;
  /** Stored answers that are not on the path and can no longer come on it. */
  unreachable: AnswerRef[];
  /**
   * 0–100: answered / (answered + the shortest route left to END given the answers so far), as a running maximum
   * along the path so that it never moves back; 100 only at the end.
   */
  progress: number;
}

/**
 * Follows the answers from `startKey` to the first unanswered question (or END). With several answers for one
 * question and iteration, the last one counts.
 */
export function walk(questions: readonly Question[], startKey: string, answers: readonly StoredAnswer[]): WalkResult {
  const stored = new Map<string, StoredAnswer>();
  for (const answer of answers) stored.set(refId(answer.questionKey, answer.iteration), answer);
  const state = emptyPathState(questions);
  const path: StoredAnswer[] = [];
  let progress = 0;
  let key = startKey;
  while (key !== END) {
    const question = state.byKey.get(key);
    if (!question) throw new Error(`The question graph leads to a missing question: ${key}`);
    const iteration = iterationOf(state, question);
    const id = refId(key, iteration);
    if (state.onPath.has(id)) throw new Error(`The question graph has an undeclared cycle at ${key}`);
    const answer = stored.get(id);
    const ahead = lookAhead(state, key, answer !== undefined);
    // The running maximum keeps the bar from moving back when an answer opens a longer branch.
    progress = Math.max(progress, estimate(path.length, ahead.remaining));
    if (!answer) {
      const current = { questionKey: key, iteration };
      return { path, current, unreachable: unreachableAnswers(stored, state, ahead), progress };
    }
    path.push({ questionKey: key, iteration, answer: answer.answer });
    state.onPath.set(id, answer.answer);
    state.latest.set(key, answer.answer);
    key = follow(question, answer.answer, state);
  }
  return { path, current: null, unreachable: unreachableAnswers(stored, state, null), progress: 100 };
}

/** The latest answer on a path by question key (for bounds such as "at most your current age"). */
export function answerLookup(path: readonly StoredAnswer[]): AnswerLookup {
  const latest = new Map<string, AnswerValue>();
  for (const step of path) latest.set(step.questionKey, step.answer);
  return (questionKey) => latest.get(questionKey);
}

function estimate(answered: number, remaining: number | null): number {
  if (remaining === null) return 0;
  return Math.floor((100 * answered) / (answered + remaining));
}

function follow(question: Question, answer: AnswerValue, state: PathState): string {
  const rule = question.next.rules.find((candidate) =>
    matches(candidate.when, answer, (key) => referencedAnswer(state, question, key)),
  );
  if (!rule) return question.next.default;
  if (!rule.loopBack) return rule.next;
  const loop = question.loop ?? state.byKey.get(rule.next)?.loop;
  if (loop === undefined) return rule.next;
  const iteration = state.iterations.get(loop) ?? 0;
  if (iteration + 1 >= MAX_LOOP_ITERATIONS) return question.next.default;
  state.iterations.set(loop, iteration + 1);
  return rule.next;
}

/**
 * An answer off the path is kept while its question may still come in its iteration: later in the current iteration,
 * in a later iteration of its loop, or further on outside loops. `ahead` is null when the path has ended.
 */
function unreachableAnswers(
  stored: ReadonlyMap<string, StoredAnswer>,
  state: PathState,
  ahead: LookAhead | null,
): AnswerRef[] {
  const unreachable: AnswerRef[] = [];
  for (const [id, { questionKey, iteration }] of stored) {
    if (state.onPath.has(id)) continue;
    if (!ahead || !stillAhead(questionKey, iteration, state, ahead)) unreachable.push({ questionKey, iteration });
  }
  return unreachable;
}

function stillAhead(questionKey: string, iteration: number, state: PathState, ahead: LookAhead): boolean {
  const question = state.byKey.get(questionKey);
  if (!question) return false;
  if (question.loop === undefined) return iteration === 0 && ahead.reachable.has(questionKey);
  const current = iterationOf(state, question);
  if (iteration === current) return ahead.sameIteration.has(questionKey);
  return iteration > current && ahead.laterIteration.has(questionKey);
}
