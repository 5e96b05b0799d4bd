/**
 * Eligibility engine: evaluates a ruleset's criteria over a RiskProfile and derives the outcome (RISK_PROFILE.md,
 * "Result of an evaluation"). It knows nothing about particular criteria; rulesets are data (./rulesets).
 */
import type { RiskProfile } from './risk-profile.schema.ts';
import { possibleValues, withValueAt } from './profile-paths.ts';
import {
  currentRuleset,
  type Criterion,
  type CriterionCategory,
  type CriterionEvaluation,
  type CriterionStatus,
  type Ruleset,
} from './rulesets/index.ts';

export { nextSteps, type NextStep, type RiskFigures } from './next-steps.ts';

export type Outcome = 'meets' | 'needs_review' | 'may_consider' | 'not_met';

export interface CriterionResult {
  id: string;
  section: string;
  category: CriterionCategory;
  status: Exclude<CriterionStatus, 'not_met'>;
  explanation: string;
  evidence: string[];
  /** For an undetermined criterion: the unknown inputs it depends on (some may not change the outcome). */
  unknowns: string[];
}

export interface EligibilityResult {
  ruleset: string;
  outcome: Outcome;
  /** outcome === "meets". */
  nccnEligible: boolean;
  /** Every criterion that is met or undetermined, in ruleset order. */
  criteria: CriterionResult[];
  /** Unknown inputs some value of which would change the outcome. */
  unknowns: string[];
}

interface Evaluated {
  readonly criterion: Criterion;
  readonly evaluation: CriterionEvaluation;
}

type Judged = { readonly category: CriterionCategory; readonly status: CriterionStatus };

/**
 * Precedence: meets if a clinically-indicated criterion is met; else needs_review if one is undetermined; else
 * may_consider if a may-consider criterion is met; else not_met. (An undetermined may-consider criterion alone does
 * not ask for review; its inputs show up in `unknowns` when they could lead to may_consider.)
 */
export function outcomeOf(judged: readonly Judged[]): Outcome {
  const has = (category: CriterionCategory, status: CriterionStatus) =>
    judged.some((j) => j.category === category && j.status === status);
  if (has('clinically_indicated', 'met')) return 'meets';
  if (has('clinically_indicated', 'undetermined')) return 'needs_review';
  if (has('may_consider', 'met')) return 'may_consider';
  return 'not_met';
}

function evaluateAll(profile: RiskProfile, ruleset: Ruleset): Evaluated[] {
  return ruleset.criteria.map((criterion) => ({ criterion, evaluation: criterion.evaluate(profile) }));
}

function judged(evaluated: readonly Evaluated[]): Judged[] {
  return evaluated.map(({ criterion, evaluation }) => ({ category: criterion.category, status: evaluation.status }));
}

/**
 * The unknown inputs that matter: those some value of which changes the OUTCOME.
 *
 * Method. Criteria are three-valued (logic.ts): a met or not-met criterion stays so whatever its unknown inputs turn
 * out to be, and an undetermined one lists every unknown input it depends on. Hence:
 * 1. When the outcome is `meets`, a met clinically-indicated criterion stays met for any completion: nothing matters.
 * 2. Otherwise only the inputs listed by undetermined criteria can change any status, so they are the candidates.
 * 3. A candidate is kept when setting it alone to some valid value (every boolean/enum value, every possible age)
 *    and re-evaluating the criteria that list it gives a different outcome. Other unknowns stay unknown meanwhile,
 *    so e.g. an input of a may-consider criterion is dropped while a clinically-indicated criterion still needs
 *    review.
 * Inputs the ruleset reads with a fixed default (a relative's unreported tumour features, histology, test status;
 * an absent model probability) are not unknowns and are never listed.
 */
function decisiveUnknowns(profile: RiskProfile, evaluated: readonly Evaluated[], outcome: Outcome): string[] {
  if (outcome === 'meets') return [];
  const candidates = new Set(
    evaluated.filter((e) => e.evaluation.status === 'undetermined').flatMap((e) => e.evaluation.unknowns),
  );
  return [...candidates].filter((path) => {
    // Only criteria that list the input can change when it becomes known (completeness of `unknowns`).
    const dependent = evaluated.filter((e) => e.evaluation.unknowns.includes(path));
    const unaffected = judged(evaluated.filter((e) => !dependent.includes(e)));
    return possibleValues(profile, path).some((value) => {
      const known = withValueAt(profile, path, value);
      const reevaluated = dependent.map(({ criterion }) => ({
        category: criterion.category,
        status: criterion.evaluate(known).status,
      }));
      return outcomeOf([...unaffected, ...reevaluated]) !== outcome;
    });
  });
}

export function evaluateEligibility(profile: RiskProfile, ruleset: Ruleset = currentRuleset): EligibilityResult {
  const evaluated = evaluateAll(profile, ruleset);
  const outcome = outcomeOf(judged(evaluated));
  const criteria = evaluated.flatMap(({ criterion, evaluation }): CriterionResult[] =>
    evaluation.status === 'not_met'
      ? []
      : [
          {
            id: criterion.id,
            section: criterion.section,
            category: criterion.category,
            status: evaluation.status,
            explanation: evaluation.explanation,
            evidence: [...evaluation.evidence],
            unknowns: [...evaluation.unknowns],
          },
        ],
  );
  return {
    ruleset: ruleset.id,
    outcome,
    nccnEligible: outcome === 'meets',
    criteria,
    unknowns: decisiveUnknowns(profile, evaluated, outcome),
  };
}
