/**
 * The shape of a ruleset: versioned data (id, criteria with ids, sections, categories, titles) around small pure
 * predicates. The engine knows only these types, so a new ruleset version never touches it.
 */
import type { Finding } from '../logic.ts';
import type { RiskProfile } from '../risk-profile.schema.ts';

export type CriterionCategory = 'clinically_indicated' | 'may_consider';
export type CriterionStatus = 'met' | 'undetermined' | 'not_met';

export interface CriterionEvaluation {
  readonly status: CriterionStatus;
  /** Clinician-readable: which cancer of whom, e.g. "Patient: breast cancer diagnosed at 42 (≤ 50)". */
  readonly explanation: string;
  /** JSON paths of the inputs that meet (or might meet) the criterion, e.g. "relatives[1].cancers[0]". */
  readonly evidence: readonly string[];
  /** Input paths whose unknown values leave the criterion undetermined (empty unless undetermined). */
  readonly unknowns: readonly string[];
}

export interface Criterion {
  /** `<section>.<name>`, e.g. "BOPP-CRIT-2.age-50". */
  readonly id: string;
  readonly section: string;
  readonly category: CriterionCategory;
  readonly title: string;
  evaluate(profile: RiskProfile): CriterionEvaluation;
}

export interface Ruleset {
  /** Recorded with every stored result, e.g. "NCCN-BOPP-2026.3+CEG-2026.1". */
  readonly id: string;
  readonly title: string;
  readonly criteria: readonly Criterion[];
}

/** Something in the profile that may satisfy a criterion: a cancer, a relative, a side of the family… */
export interface Candidate {
  readonly finding: Finding;
  readonly evidence: readonly string[];
  readonly text: string;
}

/**
 * A criterion is met when some candidate is; else undetermined when some candidate may be (all of those are
 * reported, with the unknown inputs of each); else not met.
 */
export function judge(candidates: readonly Candidate[], whenNotMet: string): CriterionEvaluation {
  for (const value of [true, null] as const) {
    const matching = candidates.filter((c) => c.finding.value === value);
    if (matching.length === 0) continue;
    return {
      status: value ? 'met' : 'undetermined',
      explanation: matching.map((c) => c.text).join('; '),
      evidence: [...new Set(matching.flatMap((c) => c.evidence))],
      unknowns: value ? [] : [...new Set(matching.flatMap((c) => c.finding.unknowns))],
    };
  }
  return notMet(whenNotMet);
}

export function notMet(explanation: string): CriterionEvaluation {
  return { status: 'not_met', explanation, evidence: [], unknowns: [] };
}

export function criterion(definition: Omit<Criterion, 'section'>): Criterion {
  const section = definition.id.slice(0, definition.id.indexOf('.'));
  if (!section) throw new Error(`Criterion id ${definition.id} must be <section>.<name>`);
  return { ...definition, section };
}
