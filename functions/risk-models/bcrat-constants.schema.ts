import * as v from 'valibot';
import { BCRAT_RACES, INTERVAL_COUNT, type BcratRace } from './bcrat-constants.ts';

/**
 * The shape the model relies on: rates for every race, 14 five-year intervals, no negative rate. The tests check
 * the bundled data file against it (a damaged file must fail loudly, not produce wrong risks).
 */
function byRace<S extends v.GenericSchema>(schema: S) {
  return v.object(Object.fromEntries(BCRAT_RACES.map((race) => [race, schema])) as Record<BcratRace, S>);
}

const perInterval = v.pipe(v.array(v.pipe(v.number(), v.minValue(0))), v.length(INTERVAL_COUNT));
const absoluteAndAverage = v.object({ absolute: byRace(perInterval), average: byRace(perInterval) });

export const ConstantsSchema = v.object({
  /** Covariate order: menarche, biopsies, first birth, relatives, biopsies × (age ≥ 50), first birth × relatives. */
  betas: byRace(v.pipe(v.array(v.number()), v.length(6))),
  competingHazards: absoluteAndAverage,
  incidence: absoluteAndAverage,
  oneMinusAttributableRisk: absoluteAndAverage,
});
