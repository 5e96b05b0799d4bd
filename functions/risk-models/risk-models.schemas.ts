/**
 * HTTP-facing schemas of the risk-model area: `POST /v1/risk-models/bcrat` takes a BcratInput and answers a
 * BcratResult, or 422 with the not-applicable reasons.
 */
import * as v from 'valibot';
import { RACES as BCRAT_RACES } from '../eligibility/risk-profile.schema.ts';
import { BcratInputSchema } from './bcrat-input.ts';

export const BcratBodySchema = BcratInputSchema;

const category = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3));
const percent = v.pipe(v.number(), v.minValue(0), v.maxValue(100));

export const BcratResultSchema = v.object({
  model: v.literal('BCRAT'),
  race: v.picklist(BCRAT_RACES),
  fromAge: v.number(),
  fiveYearToAge: v.number(),
  lifetimeToAge: v.number(),
  fiveYearRiskPct: percent,
  lifetimeRiskPct: percent,
  averageFiveYearRiskPct: percent,
  averageLifetimeRiskPct: percent,
  categories: v.object({ menarche: category, biopsies: category, firstLiveBirth: category, relatives: category }),
  relativeRisk: v.object({ before50: v.number(), from50: v.number() }),
});

export const BcratNotApplicableSchema = v.object({
  reasons: v.array(v.object({ code: v.string(), message: v.string() })),
});
