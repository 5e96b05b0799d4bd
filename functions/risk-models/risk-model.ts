/**
 * A breast-cancer risk model run over a RiskProfile. Models either give their figures or say why they cannot
 * (not configured, not applicable to this person, engine failure); none ever estimates a number in place of another.
 */
import type { RiskProfile } from '../eligibility/risk-profile.schema.ts';

export type RiskModelOutcome<R> = { available: true; result: R } | { available: false; reason: string };

export interface RiskModel<R> {
  /** Stable id, e.g. "bcrat", "tyrer-cuzick". */
  readonly id: string;
  readonly name: string;
  assess(profile: RiskProfile): Promise<RiskModelOutcome<R>>;
}
