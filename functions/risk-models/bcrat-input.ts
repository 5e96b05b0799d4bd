/**
 * The input of BCRAT (`POST /v1/risk-models/bcrat`'s body). Apart from the model (bcrat.ts) so that route
 * declarations and the OpenAPI document do not bundle the model's NCI constants.
 */
import * as v from 'valibot';
import { firstBirthAgreesWithParity, NULLIPAROUS_WITH_FIRST_BIRTH, RACES } from '../eligibility/risk-profile.schema.ts';

const wholeYears = (max: number) => v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(max));
const unknownable = <S extends v.GenericSchema>(schema: S) => v.optional(v.nullable(schema), null);

/** Request body of `POST /v1/risk-models/bcrat`. `null` (or omitted) means unknown wherever BCRAT allows it. */
export const BcratInputSchema = v.pipe(
  v.strictObject({
    /** RiskProfile race code; unknown is computed with the "other" (white) rates, as NCI's tool does. */
    race: unknownable(v.picklist(RACES)),
    age: wholeYears(120),
    ageAtMenarche: unknownable(wholeYears(120)),
    ageAtFirstLiveBirth: unknownable(wholeYears(120)),
    nulliparous: unknownable(v.boolean()),
    biopsies: unknownable(wholeYears(99)),
    atypicalHyperplasia: unknownable(v.boolean()),
    affectedFirstDegreeRelatives: unknownable(wholeYears(99)),
    /** Context for the validity rules (not model covariates): any personal invasive breast cancer, DCIS or LCIS. */
    breastCancerHistory: unknownable(v.boolean()),
    knownBrcaVariant: unknownable(v.boolean()),
    chestRadiationBefore30: unknownable(v.boolean()),
  }),
  v.forward(
    v.check((reproductive) => firstBirthAgreesWithParity(reproductive), NULLIPAROUS_WITH_FIRST_BIRTH),
    ['ageAtFirstLiveBirth'],
  ),
  v.forward(
    // As in NCI's implementation: hyperplasia can only be reported after at least one (known) biopsy.
    v.check(
      (input) => input.atypicalHyperplasia === null || (input.biopsies ?? 0) > 0,
      'Atypical hyperplasia needs at least one biopsy; leave it unknown when there was no biopsy or the count is unknown',
    ),
    ['atypicalHyperplasia'],
  ),
);

export type BcratInput = v.InferOutput<typeof BcratInputSchema>;
