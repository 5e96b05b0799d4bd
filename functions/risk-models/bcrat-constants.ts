import * as v from 'valibot';
import raw from './data/bcrat-constants.json' with { type: 'json' };
import { RACES } from '../eligibility/risk-profile.schema.ts';

/**
 * NCI BCRAT constants (data/bcrat-constants.json, a copy of shared/domain/bcrat-constants.json), checked once at load
 * so that a damaged data file fails loudly instead of producing wrong risks.
 */
/** BCRAT has rates for every RiskProfile race code (unknown race uses "other"). */
export const BCRAT_RACES = RACES;
export type BcratRace = (typeof BCRAT_RACES)[number];

export const INTERVAL_COUNT = 14;
export const FIRST_INTERVAL_START_AGE = 20;
export const INTERVAL_YEARS = 5;
export const PROJECTION_END_AGE = FIRST_INTERVAL_START_AGE + INTERVAL_COUNT * INTERVAL_YEARS; // 90

function byRace<S extends v.GenericSchema>(schema: S) {
  return v.object(Object.fromEntries(BCRAT_RACES.map((race) => [race, schema])) as Record<BcratRace, S>);
}

const perInterval = v.pipe(v.array(v.pipe(v.number(), v.minValue(0))), v.length(INTERVAL_COUNT));
const absoluteAndAverage = v.object({ absolute: byRace(perInterval), average: byRace(perInterval) });

const ConstantsSchema = v.object({
  /** Covariate order: menarche, biopsies, first birth, relatives, biopsies × (age ≥ 50), first birth × relatives. */
  betas: byRace(v.pipe(v.array(v.number()), v.length(6))),
  competingHazards: absoluteAndAverage,
  incidence: absoluteAndAverage,
  oneMinusAttributableRisk: absoluteAndAverage,
});

export type BcratConstants = v.InferOutput<typeof ConstantsSchema>;

export const bcratConstants: BcratConstants = v.parse(ConstantsSchema, raw);
