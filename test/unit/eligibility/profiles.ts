import {
  parseRiskProfile,
  type RiskProfile,
  type RiskProfileInput,
} from '../../../functions/eligibility/risk-profile.schema.ts';

type CancerInput = RiskProfileInput['personalCancers'][number];
type RelativeInput = RiskProfileInput['relatives'][number];

/**
 * A parsed profile: an unaffected 45-year-old woman, not Ashkenazi, no known familial variant, with `overrides`.
 * Defaults are all "known no" so that a test's unknowns are the ones it adds.
 */
export function profile(overrides: Partial<RiskProfileInput> = {}): RiskProfile {
  return parseRiskProfile({
    version: 1,
    sex: 'female',
    age: 45,
    ashkenaziJewish: false,
    race: null,
    personalCancers: [],
    relatives: [],
    knownFamilialVariant: { present: false },
    priorGeneticTesting: 'none',
    ...overrides,
  });
}

/** A patient with these cancers (female unless a male-only cancer is given). */
export function patientWith(...cancers: CancerInput[]): RiskProfile {
  const male = cancers.some((c) => c.type === 'prostate');
  return profile({ personalCancers: cancers, sex: male ? 'male' : 'female', age: 70 });
}

export function relative(
  relationship: RelativeInput['relationship'],
  cancers: CancerInput[],
  extra: Partial<RelativeInput> = {},
): RelativeInput {
  return { relationship, cancers, ...extra };
}
