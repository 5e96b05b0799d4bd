import raw from './data/bcrat-constants.json' with { type: 'json' };
import { RACES } from '../eligibility/risk-profile.schema.ts';

/** NCI BCRAT constants: data/bcrat-constants.json, a copy of shared/domain/bcrat-constants.json. */
/** BCRAT has rates for every RiskProfile race code (unknown race uses "other"). */
export const BCRAT_RACES = RACES;
export type BcratRace = (typeof BCRAT_RACES)[number];

export const INTERVAL_COUNT = 14;
export const FIRST_INTERVAL_START_AGE = 20;
export const INTERVAL_YEARS = 5;
export const PROJECTION_END_AGE = FIRST_INTERVAL_START_AGE + INTERVAL_COUNT * INTERVAL_YEARS; // 90

/**
 * The constants as the model reads them. Their shape (every race, 14 intervals, non-negative rates) is checked by
 * ConstantsSchema (bcrat-constants.schema.ts) in the tests rather than at every cold start: the file is bundled at
 * build time, so the bundle carries exactly the data the tests checked.
 */
export interface BcratConstants {
  betas: Record<BcratRace, number[]>;
  competingHazards: AbsoluteAndAverage;
  incidence: AbsoluteAndAverage;
  oneMinusAttributableRisk: AbsoluteAndAverage;
}
interface AbsoluteAndAverage {
  absolute: Record<BcratRace, number[]>;
  average: Record<BcratRace, number[]>;
}

export const bcratConstants: BcratConstants = raw;
