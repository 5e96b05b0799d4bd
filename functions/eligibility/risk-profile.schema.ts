/**
 * RiskProfile v1 (shared/domain/RISK_PROFILE.md): the structured input of eligibility and risk models.
 *
 * Objects are strict (unknown keys are rejected). Every field a patient may not know accepts `null`, and omitting it
 * means the same: the parsed profile always carries `null` there, so downstream code has one notion of "unknown".
 * Cross-field rules that the document states or that are plain contradictions are checked too, each reported at the
 * path of the offending field.
 */
import * as v from 'valibot';
import {
  RELATIONSHIPS,
  canBeThroughTwoMales,
  impliedSex,
  relationshipFacts,
  sexOf,
  sideAgreesWithRelationship,
  type Sex,
} from './relationships.ts';

export const SEXES = ['female', 'male'] as const satisfies readonly Sex[];
export const SIDES = ['maternal', 'paternal'] as const;
export const RACES = [
  'white',
  'black',
  'hispanic_us',
  'hispanic_foreign',
  'chinese',
  'japanese',
  'filipino',
  'hawaiian',
  'other_pacific_islander',
  'other_asian',
  'other',
] as const;
export const OVARIAN_HISTOLOGIES = ['epithelial', 'sctat', 'sccoht', 'other_non_epithelial'] as const;
export const PROSTATE_RISK_GROUPS = ['very_low', 'low', 'intermediate', 'high', 'very_high'] as const;
export const TEST_STATUSES = ['untested', 'negative', 'positive'] as const;
export const PRIOR_GENETIC_TESTING = ['none', 'negative', 'positive', 'vus'] as const;
/** Cancer types without type-specific fields. */
const PLAIN_CANCER_TYPES = [
  'colorectal',
  'endometrial',
  'small_intestine',
  'urothelial',
  'biliary',
  'brain',
  'sebaceous',
  'sarcoma',
  'adrenocortical',
  'melanoma',
  'renal',
  'thyroid',
  'other',
] as const;
export const CANCER_TYPES = ['breast', 'ovarian', 'pancreatic', 'prostate', 'gastric', ...PLAIN_CANCER_TYPES] as const;
export type CancerType = (typeof CANCER_TYPES)[number];

export const MIN_PATIENT_AGE = 18;

/** A woman who never gave birth has no age at first live birth (RiskProfile `reproductive` and BCRAT input alike). */
export const firstBirthAgreesWithParity = (reproductive: {
  nulliparous: boolean | null;
  ageAtFirstLiveBirth: number | null;
}): boolean => !(reproductive.nulliparous === true && reproductive.ageAtFirstLiveBirth !== null);
export const NULLIPAROUS_WITH_FIRST_BIRTH = 'A nulliparous patient has no age at first live birth';
export const MAX_AGE = 110;

/** `null` or omitted = unknown; parsed as `null`. */
const unknownable = <S extends v.GenericSchema>(schema: S) => v.optional(v.nullable(schema), null);
const years = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
/** A strict object whose unknown-key issues name the key (valibot's default says "Expected never"). */
const strict = <E extends v.ObjectEntries>(entries: E) =>
  v.strictObject(entries, (issue) =>
    issue.expected === 'never'
      ? `Unknown or misplaced field ${issue.received}`
      : `Expected an object but received ${issue.received}`,
  );

const cancerCommon = {
  ageAtDiagnosis: unknownable(years(0, MAX_AGE)),
  /** Any tumour may have been tested for mismatch repair; most never are. */
  mmrDeficient: unknownable(v.boolean()),
};

/** Type-specific fields are accepted only on their cancer type. Breast cancer includes DCIS. */
export const CancerSchema = v.variant('type', [
  strict({
    type: v.literal('breast'),
    ...cancerCommon,
    tripleNegative: unknownable(v.boolean()),
    lobular: unknownable(v.boolean()),
    /** More than one primary breast cancer (bilateral or same breast). */
    multiplePrimary: unknownable(v.boolean()),
  }),
  strict({
    type: v.literal('ovarian'),
    ...cancerCommon,
    /** Fallopian tube and primary peritoneal cancers are epithelial. */
    histology: unknownable(v.picklist(OVARIAN_HISTOLOGIES)),
  }),
  strict({ type: v.literal('pancreatic'), ...cancerCommon, exocrine: unknownable(v.boolean()) }),
  strict({
    type: v.literal('prostate'),
    ...cancerCommon,
    riskGroup: unknownable(v.picklist(PROSTATE_RISK_GROUPS)),
    /** Includes node-positive (regional) disease. */
    metastatic: unknownable(v.boolean()),
    intraductalOrCribriform: unknownable(v.boolean()),
  }),
  strict({ type: v.literal('gastric'), ...cancerCommon, diffuseGastric: unknownable(v.boolean()) }),
  strict({ type: v.picklist(PLAIN_CANCER_TYPES), ...cancerCommon }),
]);
export type Cancer = v.InferOutput<typeof CancerSchema>;

/** Cancers that only one sex (assigned at birth) can have. */
const SEX_SPECIFIC_CANCERS: Partial<Record<CancerType, Sex>> = {
  prostate: 'male',
  ovarian: 'female',
  endometrial: 'female',
};

type PathKey = string | number;

/** Valibot issue path items for `keys` below `root`, so that cross-field issues point at the offending field. */
function issuePathItems(
  root: unknown,
  keys: readonly [PathKey, ...PathKey[]],
): [v.IssuePathItem, ...v.IssuePathItem[]] {
  let input = root as Record<PathKey, unknown>;
  const items = keys.map((key): v.IssuePathItem => {
    const value = input[key];
    const item: v.IssuePathItem =
      typeof key === 'number'
        ? { type: 'array', origin: 'value', input: input as unknown as unknown[], key, value }
        : { type: 'object', origin: 'value', input, key, value };
    input = value as Record<PathKey, unknown>;
    return item;
  });
  return items as [v.IssuePathItem, ...v.IssuePathItem[]];
}

/** Issues for cancers that the person's sex at birth rules out. */
function checkCancerSexes(
  cancers: readonly Cancer[],
  sex: Sex,
  addIssue: (message: string, index: number) => void,
): void {
  cancers.forEach((cancer, index) => {
    const required = SEX_SPECIFIC_CANCERS[cancer.type];
    if (required && required !== sex)
      addIssue(`A ${cancer.type} cancer needs sex assigned at birth ${required}`, index);
  });
}

export const RelativeSchema = v.pipe(
  strict({
    relationship: v.picklist(RELATIONSHIPS),
    /** Sex assigned at birth; required where the relationship does not imply it (first cousins). */
    sex: v.optional(v.picklist(SEXES)),
    /** Only for nieces, nephews and grandchildren (else derived from the relationship). */
    side: v.optional(v.picklist(SIDES)),
    /** 3rd degree only: related through two male relatives (e.g. father's father). null/omitted = unknown. */
    throughTwoMales: unknownable(v.boolean()),
    /** The relative's own germline test. */
    testStatus: unknownable(v.picklist(TEST_STATUSES)),
    cancers: v.array(CancerSchema),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const relative = dataset.value;
    const at = (...keys: [PathKey, ...PathKey[]]) => issuePathItems(relative, keys);
    if (relative.sex === undefined && impliedSex(relative.relationship) === null) {
      addIssue({ message: `sex is required for a ${relative.relationship}`, path: at('sex') });
    }
    if (relative.side !== undefined && !sideAgreesWithRelationship(relative.relationship, relative.side)) {
      const rule = relationshipFacts(relative.relationship).side;
      addIssue({
        message:
          rule === 'both'
            ? `A ${relative.relationship} shares both sides of the family; ` +
              'for a half-sibling use maternal_half_* or paternal_half_*'
            : `side contradicts relationship ${relative.relationship}`,
        path: at('side'),
      });
    }
    if (relative.throughTwoMales === true && !canBeThroughTwoMales(relative.relationship)) {
      addIssue({
        message: 'throughTwoMales can only be true for a paternal 3rd-degree relative',
        path: at('throughTwoMales'),
      });
    }
    checkCancerSexes(relative.cancers, sexOf(relative), (message, index) =>
      addIssue({ message, path: at('cancers', index, 'type') }),
    );
  }),
);
export type Relative = v.InferOutput<typeof RelativeSchema>;

export const RiskProfileSchema = v.pipe(
  strict({
    version: v.literal(1),
    /** Sex assigned at birth. */
    sex: v.picklist(SEXES),
    age: years(MIN_PATIENT_AGE, MAX_AGE),
    ashkenaziJewish: unknownable(v.boolean()),
    /** Used by BCRAT only. */
    race: unknownable(v.picklist(RACES)),
    /** [] = no cancer. */
    personalCancers: v.array(CancerSchema),
    /** Blood relatives with a cancer history (unaffected ones may be omitted). */
    relatives: v.array(RelativeSchema),
    /** A blood relative carries a pathogenic / likely pathogenic variant. */
    knownFamilialVariant: v.optional(
      strict({
        present: unknownable(v.boolean()),
        gene: unknownable(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(32))),
      }),
      () => ({ present: null, gene: null }),
    ),
    priorGeneticTesting: unknownable(v.picklist(PRIOR_GENETIC_TESTING)),
    /** BRCA1/2 carrier probability from Tyrer-Cuzick / BRCAPRO / CanRisk; null/omitted = no model was run. */
    brcaCarrierProbability: unknownable(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
    /** BCRAT inputs. */
    breastHistory: v.optional(
      v.pipe(
        strict({
          biopsies: unknownable(years(0, 99)),
          atypicalHyperplasia: unknownable(v.boolean()),
          lcis: unknownable(v.boolean()),
        }),
        v.forward(
          v.check(
            (history) => !(history.biopsies === 0 && history.atypicalHyperplasia === true),
            'Atypical hyperplasia is found on a biopsy; biopsies is 0',
          ),
          ['atypicalHyperplasia'],
        ),
      ),
      () => ({ biopsies: null, atypicalHyperplasia: null, lcis: null }),
    ),
    /** BCRAT inputs. */
    reproductive: v.optional(
      v.pipe(
        strict({
          ageAtMenarche: unknownable(years(0, MAX_AGE)),
          ageAtFirstLiveBirth: unknownable(years(0, MAX_AGE)),
          nulliparous: unknownable(v.boolean()),
        }),
        v.forward(
          v.check((reproductive) => firstBirthAgreesWithParity(reproductive), NULLIPAROUS_WITH_FIRST_BIRTH),
          ['ageAtFirstLiveBirth'],
        ),
      ),
      () => ({ ageAtMenarche: null, ageAtFirstLiveBirth: null, nulliparous: null }),
    ),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const profile = dataset.value;
    const at = (...keys: [PathKey, ...PathKey[]]) => issuePathItems(profile, keys);
    profile.personalCancers.forEach((cancer, index) => {
      if (cancer.ageAtDiagnosis !== null && cancer.ageAtDiagnosis > profile.age) {
        addIssue({
          message: `Age at diagnosis ${cancer.ageAtDiagnosis} is after the current age ${profile.age}`,
          path: at('personalCancers', index, 'ageAtDiagnosis'),
        });
      }
    });
    checkCancerSexes(profile.personalCancers, profile.sex, (message, index) =>
      addIssue({ message, path: at('personalCancers', index, 'type') }),
    );
  }),
);

export type RiskProfile = v.InferOutput<typeof RiskProfileSchema>;
/** What a client may send (nullable fields may be omitted). */
export type RiskProfileInput = v.InferInput<typeof RiskProfileSchema>;

export interface FieldError {
  /** JSON path in the style of the evaluation's evidence, e.g. "relatives[1].cancers[0].ageAtDiagnosis"; "" = root. */
  path: string;
  message: string;
}

/** "relatives[1].cancers[0].type" for a valibot issue. */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? [])
    .map((item, index) => {
      const key = String(item.key);
      if (typeof item.key === 'number') return `[${key}]`;
      return index === 0 ? key : `.${key}`;
    })
    .join('');
}

export type RiskProfileValidation = { ok: true; profile: RiskProfile } | { ok: false; errors: FieldError[] };

export function validateRiskProfile(input: unknown): RiskProfileValidation {
  const result = v.safeParse(RiskProfileSchema, input);
  if (result.success) return { ok: true, profile: result.output };
  return { ok: false, errors: result.issues.map((issue) => ({ path: issuePath(issue), message: issue.message })) };
}

/** Parses or throws (valibot's ValiError); for trusted sources such as stored profiles and tests. */
export function parseRiskProfile(input: unknown): RiskProfile {
  return v.parse(RiskProfileSchema, input);
}
