/** fast-check generators of valid RiskProfiles (checked by parsing them with the real schema). */
import fc from 'fast-check';
import {
  CANCER_TYPES,
  MAX_AGE,
  OVARIAN_HISTOLOGIES,
  PROSTATE_RISK_GROUPS,
  TEST_STATUSES,
  parseRiskProfile,
  type CancerType,
  type RiskProfile,
  type RiskProfileInput,
} from '../../../functions/eligibility/risk-profile.schema.ts';
import {
  RELATIONSHIPS,
  canBeThroughTwoMales,
  relationshipFacts,
  type Sex,
} from '../../../functions/eligibility/relationships.ts';

type CancerInput = RiskProfileInput['personalCancers'][number];
type RelativeInput = RiskProfileInput['relatives'][number];

const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 3 });
const bool = nullable(fc.boolean());
/** A nullable boolean that is mostly "no", so that "meets" does not swamp the other outcomes. */
const mostlyNo = fc.oneof(
  { weight: 6, arbitrary: fc.constant(false) },
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constant(true) },
);

const CANCER_SEX: Partial<Record<CancerType, Sex>> = { prostate: 'male', ovarian: 'female', endometrial: 'female' };

/** Types weighted towards the ones the criteria read. */
const cancerType = (sex: Sex): fc.Arbitrary<CancerType> =>
  fc
    .oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom<CancerType>('breast', 'ovarian', 'pancreatic', 'prostate', 'colorectal'),
      },
      { weight: 2, arbitrary: fc.constantFrom<CancerType>('endometrial', 'gastric') },
      { weight: 1, arbitrary: fc.constantFrom(...CANCER_TYPES) },
    )
    .filter((type) => (CANCER_SEX[type] ?? sex) === sex);

export function cancerArb(sex: Sex, maxAge: number): fc.Arbitrary<CancerInput> {
  const ageAtDiagnosis = nullable(fc.integer({ min: 0, max: maxAge }));
  const mmrDeficient = mostlyNo;
  return cancerType(sex).chain((type): fc.Arbitrary<CancerInput> => {
    switch (type) {
      case 'breast':
        return fc.record({
          type: fc.constant(type),
          ageAtDiagnosis,
          mmrDeficient,
          tripleNegative: bool,
          lobular: bool,
          multiplePrimary: bool,
        });
      case 'ovarian':
        return fc.record({
          type: fc.constant(type),
          ageAtDiagnosis,
          mmrDeficient,
          histology: nullable(fc.constantFrom(...OVARIAN_HISTOLOGIES)),
        });
      case 'pancreatic':
        return fc.record({ type: fc.constant(type), ageAtDiagnosis, mmrDeficient, exocrine: bool });
      case 'prostate':
        return fc.record({
          type: fc.constant(type),
          ageAtDiagnosis,
          mmrDeficient,
          riskGroup: nullable(fc.constantFrom(...PROSTATE_RISK_GROUPS)),
          metastatic: bool,
          intraductalOrCribriform: bool,
        });
      case 'gastric':
        return fc.record({ type: fc.constant(type), ageAtDiagnosis, mmrDeficient, diffuseGastric: bool });
      default:
        return fc.record({ type: fc.constant(type), ageAtDiagnosis, mmrDeficient });
    }
  });
}

export const relativeArb: fc.Arbitrary<RelativeInput> = fc.constantFrom(...RELATIONSHIPS).chain((relationship) => {
  const facts = relationshipFacts(relationship);
  const sex: fc.Arbitrary<Sex> = facts.sex ? fc.constant(facts.sex) : fc.constantFrom<Sex>('female', 'male');
  return sex.chain((relativeSex) =>
    fc.record(
      {
        relationship: fc.constant(relationship),
        sex: fc.constant(relativeSex),
        side:
          facts.side === 'given_or_both'
            ? fc.constantFrom('maternal' as const, 'paternal' as const)
            : fc.constant(undefined),
        throughTwoMales: canBeThroughTwoMales(relationship) ? bool : fc.constantFrom(false, null),
        testStatus: nullable(fc.constantFrom(...TEST_STATUSES)),
        cancers: fc.array(cancerArb(relativeSex, MAX_AGE), { maxLength: 2 }),
      },
      // `sex` may be left to the relationship, and `side` is optional where allowed.
      { requiredKeys: facts.sex ? ['relationship', 'cancers'] : ['relationship', 'sex', 'cancers'] },
    ),
  );
});

function profileOfSize(maxCancers: number, maxRelatives: number): fc.Arbitrary<RiskProfile> {
  return fc
    .record({ sex: fc.constantFrom<Sex>('female', 'male'), age: fc.integer({ min: 18, max: MAX_AGE }) })
    .chain(({ sex, age }) =>
      fc.record({
        version: fc.constant(1 as const),
        sex: fc.constant(sex),
        age: fc.constant(age),
        ashkenaziJewish: mostlyNo,
        race: fc.constant(null),
        personalCancers: fc.array(cancerArb(sex, age), { maxLength: maxCancers }),
        relatives: fc.array(relativeArb, { maxLength: maxRelatives }),
        knownFamilialVariant: fc.record({ present: mostlyNo }),
        priorGeneticTesting: fc.constant('none' as const),
        brcaCarrierProbability: fc.oneof(
          { weight: 3, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: fc.double({ min: 0, max: 0.1, noNaN: true }) },
        ),
      }),
    )
    .map((input) => parseRiskProfile(input));
}

/**
 * Any valid profile. Unknowns (null) are frequent; sparse histories are mixed in so that outcomes other than
 * "meets" are common too.
 */
export const profileArb: fc.Arbitrary<RiskProfile> = fc.oneof(profileOfSize(2, 4), profileOfSize(1, 2));

/** A profile with at least one relative, and the index of one of them. */
export const profileWithRelativeArb = profileArb
  .filter((p) => p.relatives.length > 0)
  .chain((p) => fc.tuple(fc.constant(p), fc.nat({ max: p.relatives.length - 1 })));

const PERSONAL_UNKNOWABLE = [
  'ageAtDiagnosis',
  'tripleNegative',
  'lobular',
  'multiplePrimary',
  'histology',
  'exocrine',
  'riskGroup',
  'metastatic',
  'intraductalOrCribriform',
  'diffuseGastric',
] as const;

/**
 * The null inputs the ruleset reads as genuinely unknown (NCCN_RULES.md "Unknowns"). Not listed, because the rules
 * give them a fixed reading: a relative's tumour features, histology and test status, any mmrDeficient, and an
 * absent model probability.
 */
export function unknownInputPaths(profile: RiskProfile): string[] {
  const paths: string[] = [];
  if (profile.ashkenaziJewish === null) paths.push('ashkenaziJewish');
  if (profile.knownFamilialVariant.present === null) paths.push('knownFamilialVariant.present');
  profile.personalCancers.forEach((cancer, i) => {
    for (const field of PERSONAL_UNKNOWABLE) {
      if ((cancer as Record<string, unknown>)[field] === null) paths.push(`personalCancers[${i}].${field}`);
    }
  });
  profile.relatives.forEach((relative, i) => {
    if (relative.throughTwoMales === null && canBeThroughTwoMales(relative.relationship)) {
      paths.push(`relatives[${i}].throughTwoMales`);
    }
    relative.cancers.forEach((cancer, j) => {
      if (cancer.ageAtDiagnosis === null) paths.push(`relatives[${i}].cancers[${j}].ageAtDiagnosis`);
    });
  });
  return paths;
}
