import { evaluateCondition, type Subject } from './condition.ts';
import { referencedAnswer, type PathState } from './path-state.ts';
import { END, type Question } from './types.ts';

interface Edge {
  next: string;
  loopBack: boolean;
}

/**
 * The questions that may follow `question` given what the path knows. `crossed(loop)` tells whether that loop's
 * iteration has moved on since the path's end (answers of the current iteration no longer apply there).
 */
function possibleNext(question: Question, state: PathState, crossed: (loop: string) => boolean = () => false): Edge[] {
  const resolve = (key: string | null): Subject => {
    if (key === null) return 'pending';
    const target = state.byKey.get(key);
    if (target?.loop !== undefined && target.loop === question.loop && crossed(target.loop)) return 'pending';
    const value = referencedAnswer(state, question, key);
    return value === undefined ? 'pending' : { value };
  };
  const edges: Edge[] = [];
  for (const rule of question.next.rules) {
    const holds = evaluateCondition(rule.when, resolve);
    if (holds === false) continue;
    edges.push({ next: rule.next, loopBack: rule.loopBack === true });
    if (holds === true) return edges;
  }
  edges.push({ next: question.next.default, loopBack: false });
  return edges;
}

export interface LookAhead {
  /** Questions on the shortest route to END, counting `from`; null if END cannot be reached. */
  remaining: number | null;
  /** Questions that may still come (in some iteration). */
  reachable: ReadonlySet<string>;
  /** Loop questions that may still come in their loop's current iteration. */
  sameIteration: ReadonlySet<string>;
  /** Loop questions that may come in a later iteration of their loop. */
  laterIteration: ReadonlySet<string>;
}

/**
 * Explores what may follow the unanswered question `from`, every answer still to be given being open. With
 * `distanceOnly` it stops at the first END, and the sets are incomplete.
 */
export function lookAhead(state: PathState, from: string, distanceOnly = false): LookAhead {
  // A breadth-first search over (question, loops whose iteration has moved on), the loops as a bit mask.
  const loopBits = new Map<string, number>();
  const bitOf = (loop: string) => {
    let bit = loopBits.get(loop);
    if (bit === undefined) loopBits.set(loop, (bit = 1 << loopBits.size));
    return bit;
  };
  const queue: { key: string; crossed: number; depth: number }[] = [{ key: from, crossed: 0, depth: 1 }];
  const seen = new Set<string>([`${from}|0`]);
  const reachable = new Set<string>();
  const sameIteration = new Set<string>();
  const laterIteration = new Set<string>();
  let remaining: number | null = null;
  for (let index = 0; index < queue.length; index++) {
    const { key, crossed, depth } = queue[index]!;
    if (key === END) {
      remaining ??= depth - 1;
      if (distanceOnly) break;
      continue;
    }
    const question = state.byKey.get(key);
    if (!question) continue;
    reachable.add(key);
    if (question.loop !== undefined) ((crossed & bitOf(question.loop)) !== 0 ? laterIteration : sameIteration).add(key);
    for (const edge of possibleNext(question, state, (loop) => (crossed & bitOf(loop)) !== 0)) {
      const loop = edge.loopBack ? (question.loop ?? state.byKey.get(edge.next)?.loop) : undefined;
      const nextCrossed = loop === undefined ? crossed : crossed | bitOf(loop);
      const id = `${edge.next}|${nextCrossed}`;
      if (seen.has(id)) continue;
      seen.add(id);
      queue.push({ key: edge.next, crossed: nextCrossed, depth: depth + 1 });
    }
  }
  return { remaining, reachable, sameIteration, laterIteration };
}
