/**
 * Ruleset registry: version id → ruleset. Stored results record the id that produced them, so older versions stay
 * registered. To add a version, add its module here and (once clinically approved) point CURRENT_RULESET_ID at it.
 */
import type { Ruleset } from './criterion.ts';
import { nccnBopp2026_3 } from './nccn-bopp-2026.3.ts';

export type { Criterion, CriterionCategory, CriterionEvaluation, CriterionStatus, Ruleset } from './criterion.ts';

const RULESETS: ReadonlyMap<string, Ruleset> = new Map([nccnBopp2026_3].map((ruleset) => [ruleset.id, ruleset]));

export const CURRENT_RULESET_ID = nccnBopp2026_3.id;

export function rulesetIds(): string[] {
  return [...RULESETS.keys()];
}

export function getRuleset(id: string): Ruleset | undefined {
  return RULESETS.get(id);
}

export const currentRuleset: Ruleset = nccnBopp2026_3;
