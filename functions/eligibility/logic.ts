/**
 * Three-valued (Kleene) logic over profile facts, so that an unknown input is never read as "no".
 *
 * A Finding carries, when its value is unknown, the input paths whose unknown values made it so. The combinators keep
 * two properties the engine relies on:
 * - soundness: a true/false finding stays true/false whatever values its unknown inputs later take;
 * - completeness of `unknowns`: setting an input that is not listed cannot turn an unknown finding into a known one.
 */
export type Tri = boolean | null;

export interface Finding {
  readonly value: Tri;
  /** Input paths (e.g. "personalCancers[0].ageAtDiagnosis") behind an unknown value; empty when value is known. */
  readonly unknowns: readonly string[];
}

export const TRUE: Finding = { value: true, unknowns: [] };
export const FALSE: Finding = { value: false, unknowns: [] };

export function fact(value: boolean): Finding {
  return value ? TRUE : FALSE;
}

export function unknownAt(...paths: string[]): Finding {
  return { value: null, unknowns: paths };
}

/** A finding about a nullable input: unknown (listing `path`) when the input is null. */
export function known<T>(value: T | null, path: string, test: (value: T) => boolean): Finding {
  return value === null ? unknownAt(path) : fact(test(value));
}

function unknownsOf(findings: readonly Finding[]): string[] {
  return [...new Set(findings.filter((f) => f.value === null).flatMap((f) => f.unknowns))];
}

export function allOf(...findings: Finding[]): Finding {
  if (findings.some((f) => f.value === false)) return FALSE;
  if (findings.every((f) => f.value === true)) return TRUE;
  return { value: null, unknowns: unknownsOf(findings) };
}

export function anyOf(...findings: Finding[]): Finding {
  if (findings.some((f) => f.value === true)) return TRUE;
  if (findings.every((f) => f.value === false)) return FALSE;
  return { value: null, unknowns: unknownsOf(findings) };
}

export function not(finding: Finding): Finding {
  return finding.value === null ? finding : fact(!finding.value);
}

/** At least `n` of the findings are true. */
export function atLeast(n: number, findings: readonly Finding[]): Finding {
  const trueCount = findings.filter((f) => f.value === true).length;
  const unknownCount = findings.filter((f) => f.value === null).length;
  if (trueCount >= n) return TRUE;
  if (trueCount + unknownCount < n) return FALSE;
  return { value: null, unknowns: unknownsOf(findings) };
}

/**
 * A value known only to lie in [min, max] (e.g. an unknown age at diagnosis, which cannot exceed the patient's current
 * age), compared with a limit: known when the whole range falls on one side of it.
 */
export interface Range {
  readonly min: number;
  readonly max: number;
  /** Input path listed when the comparison cannot be decided. */
  readonly path: string;
}

export type Comparison = '<' | '<=' | '>=';

const COMPARE: Record<Comparison, (value: number, limit: number) => boolean> = {
  '<': (value, limit) => value < limit,
  '<=': (value, limit) => value <= limit,
  '>=': (value, limit) => value >= limit,
};

export function compareRange(range: Range, comparison: Comparison, limit: number): Finding {
  // Every comparison is monotone in the value, so the two ends of the range decide.
  const atMin = COMPARE[comparison](range.min, limit);
  const atMax = COMPARE[comparison](range.max, limit);
  return atMin === atMax ? fact(atMin) : unknownAt(range.path);
}
