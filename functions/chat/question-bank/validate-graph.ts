import { VALUE_OPERATORS } from './condition.ts';
import { END, type Condition, type Json, type Question, type ValueTest } from './types.ts';

export interface GraphProblem {
  key: string;
  message: string;
}

interface Edge {
  from: string;
  to: string;
  loopBack: boolean;
}

const COMBINATORS = ['all', 'any', 'not'] as const;
const CHOICE_TYPES = new Set(['multiple_choice', 'multi_select']);

/** Everything that would make the bank unsafe to walk or ask; [] for a sound bank. */
export function validateQuestionGraph(questions: readonly Question[], startKey: string): GraphProblem[] {
  const problems: GraphProblem[] = [];
  const byKey = new Map<string, Question>();
  for (const question of questions) {
    if (byKey.has(question.key)) problems.push({ key: question.key, message: 'Duplicate question key' });
    else byKey.set(question.key, question);
  }
  if (!byKey.has(startKey)) problems.push({ key: startKey, message: 'The start question does not exist' });

  const edges: Edge[] = [];
  for (const question of byKey.values()) {
    const add = (message: string) => problems.push({ key: question.key, message });
    questionShapeProblems(question, byKey).forEach(add);
    for (const rule of question.next.rules) {
      edges.push({ from: question.key, to: rule.next, loopBack: rule.loopBack === true });
      conditionProblems(rule.when, question, byKey).forEach(add);
    }
    edges.push({ from: question.key, to: question.next.default, loopBack: false });
  }
  for (const edge of edges) {
    if (edge.to !== END && !byKey.has(edge.to)) {
      problems.push({ key: edge.from, message: `Next question '${edge.to}' does not exist` });
    }
  }
  const inBank = edges.filter((edge) => byKey.has(edge.to));
  const validLoopBacks = new Set<Edge>();
  const entries = loopEntries(inBank, byKey, startKey);
  for (const edge of inBank.filter((candidate) => candidate.loopBack)) {
    const message = loopBackProblem(edge, byKey, entries);
    if (message) problems.push({ key: edge.from, message });
    else validLoopBacks.add(edge);
  }
  problems.push(...unreachableProblems(inBank, byKey, startKey));
  problems.push(
    ...cycleProblems(
      inBank.filter((edge) => !validLoopBacks.has(edge)),
      byKey,
    ),
  );
  return problems;
}

function questionShapeProblems(question: Question, byKey: ReadonlyMap<string, Question>): string[] {
  const problems: string[] = [];
  const values = (question.options ?? []).map((option) => option.value);
  if (CHOICE_TYPES.has(question.questionType) && values.length === 0) problems.push('A choice question needs options');
  if (new Set(values).size !== values.length) problems.push('Option values must be distinct');
  if (question.min !== undefined && question.max !== undefined && question.min > question.max) {
    problems.push('min is greater than max');
  }
  for (const bound of [question.atMost, question.atLeast]) {
    if (bound && byKey.get(bound.question)?.questionType !== 'number') {
      problems.push(`A bound refers to '${bound.question}', which is not a number question`);
    }
  }
  return problems;
}

/** The questions of each loop entered from outside it: the only targets a loopBack may have. */
function loopEntries(
  edges: readonly Edge[],
  byKey: ReadonlyMap<string, Question>,
  startKey: string,
): Map<string, Set<string>> {
  const entries = new Map<string, Set<string>>();
  const enter = (question: Question | undefined) => {
    if (question?.loop === undefined) return;
    const set = entries.get(question.loop) ?? new Set<string>();
    set.add(question.key);
    entries.set(question.loop, set);
  };
  enter(byKey.get(startKey));
  for (const edge of edges) {
    const target = byKey.get(edge.to);
    if (!edge.loopBack && target?.loop !== undefined && target.loop !== byKey.get(edge.from)?.loop) enter(target);
  }
  return entries;
}

function loopBackProblem(
  edge: Edge,
  byKey: ReadonlyMap<string, Question>,
  entries: Map<string, Set<string>>,
): string | null {
  const loop = byKey.get(edge.from)?.loop;
  const target = byKey.get(edge.to);
  if (loop === undefined) return `loopBack to '${edge.to}' from a question outside any loop`;
  if (target?.loop !== loop) return `loopBack to '${edge.to}', which is not in loop '${loop}'`;
  if (!entries.get(loop)?.has(edge.to))
    return `loopBack to '${edge.to}', which is not the first question of loop '${loop}'`;
  return null;
}

function unreachableProblems(
  edges: readonly Edge[],
  byKey: ReadonlyMap<string, Question>,
  startKey: string,
): GraphProblem[] {
  const seen = new Set<string>(byKey.has(startKey) ? [startKey] : []);
  const queue = [...seen];
  for (let index = 0; index < queue.length; index++) {
    for (const edge of edges) {
      if (edge.from === queue[index] && !seen.has(edge.to)) {
        seen.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  return [...byKey.keys()]
    .filter((key) => !seen.has(key))
    .map((key) => ({ key, message: 'Unreachable from the start question' }));
}

/** Every edge that closes a cycle (declared loopBacks excluded). */
function cycleProblems(edges: readonly Edge[], byKey: ReadonlyMap<string, Question>): GraphProblem[] {
  const next = new Map<string, string[]>();
  for (const edge of edges) next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
  const state = new Map<string, 'open' | 'done'>();
  const problems: GraphProblem[] = [];
  const visit = (key: string) => {
    state.set(key, 'open');
    for (const target of new Set(next.get(key))) {
      if (state.get(target) === 'open') {
        problems.push({
          key,
          message: `Undeclared cycle: '${key}' leads back to '${target}' without a valid loopBack rule`,
        });
      } else if (!state.has(target)) {
        visit(target);
      }
    }
    state.set(key, 'done');
  };
  for (const key of byKey.keys()) if (!state.has(key)) visit(key);
  return problems;
}

function conditionProblems(condition: Condition, own: Question, byKey: ReadonlyMap<string, Question>): string[] {
  if (typeof condition !== 'object' || condition === null) return ['A condition must be an object'];
  const keys = Object.keys(condition);
  const combinator = COMBINATORS.find((name) => name in condition);
  if (combinator) {
    if (keys.length !== 1) return [`A condition with '${combinator}' must have no other fields`];
    if ('not' in condition) return conditionProblems(condition.not, own, byKey);
    const parts = 'all' in condition ? condition.all : 'any' in condition ? condition.any : [];
    if (!Array.isArray(parts)) return [`'${combinator}' takes a list of conditions`];
    return parts.flatMap((part) => conditionProblems(part, own, byKey));
  }
  const operators = VALUE_OPERATORS.filter((name) => name in condition);
  const extra = keys.filter((key) => key !== 'question' && !(VALUE_OPERATORS as readonly string[]).includes(key));
  if (operators.length !== 1 || extra.length > 0) return [`Malformed condition ${JSON.stringify(condition)}`];
  let subject = own;
  if ('question' in condition) {
    const referenced = byKey.get(condition.question);
    if (!referenced) return [`A condition refers to question '${condition.question}', which does not exist`];
    subject = referenced;
  }
  const problem = valueTestProblem(condition as ValueTest, subject);
  return problem ? [problem] : [];
}

function valueTestProblem(test: ValueTest, subject: Question): string | null {
  const at = `'${subject.key}'`;
  if ('equals' in test) return comparedValueProblem(test.equals, subject);
  if ('in' in test) {
    if (!Array.isArray(test.in)) return `'in' takes a list of values`;
    return test.in.map((value) => comparedValueProblem(value, subject)).find((problem) => problem !== null) ?? null;
  }
  if ('unknown' in test)
    return subject.allowUnknown ? null : `A condition tests "I don't know", which ${at} does not offer`;
  if ('includes' in test) {
    if (subject.questionType !== 'multi_select') return `'includes' needs a multi-select question, not ${at}`;
    return optionProblem(test.includes, subject);
  }
  return subject.questionType === 'number' ? null : `A numeric comparison on ${at}, which is not a number question`;
}

function comparedValueProblem(value: Json, subject: Question): string | null {
  const at = `'${subject.key}'`;
  if (value === null)
    return subject.allowUnknown ? null : `A condition tests "I don't know", which ${at} does not offer`;
  switch (subject.questionType) {
    case 'yes_no':
      return typeof value === 'boolean' ? null : `${at} is answered yes or no, not ${JSON.stringify(value)}`;
    case 'number':
      return typeof value === 'number' ? null : `${at} is answered with a number, not ${JSON.stringify(value)}`;
    case 'text':
      return typeof value === 'string' ? null : `${at} is answered with text, not ${JSON.stringify(value)}`;
    case 'multiple_choice':
      return typeof value === 'string' ? optionProblem(value, subject) : `${at} is answered with an option value`;
    case 'multi_select':
      if (!Array.isArray(value)) return `${at} is answered with a list of option values`;
      for (const item of value) {
        const problem = typeof item === 'string' ? optionProblem(item, subject) : `${at} option values are strings`;
        if (problem) return problem;
      }
      return null;
  }
}

function optionProblem(value: string, subject: Question): string | null {
  return subject.options?.some((option) => option.value === value)
    ? null
    : `A condition refers to option '${value}', which '${subject.key}' does not offer`;
}
