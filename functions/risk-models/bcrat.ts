/**
 * NCI Breast Cancer Risk Assessment Tool (BCRAT, the modified Gail model), exactly as shared/domain/BCRAT.md
 * describes it, over the NCI constants in data/bcrat-constants.json. Pure: no I/O.
 */
import type { RiskProfile } from '../eligibility/risk-profile.schema.ts';
import { BcratInputSchema, type BcratInput } from './bcrat-input.ts';
import type { RiskModel } from './risk-model.ts';
import {
  BCRAT_RACES,
  FIRST_INTERVAL_START_AGE,
  INTERVAL_COUNT,
  INTERVAL_YEARS,
  PROJECTION_END_AGE,
  bcratConstants,
  type BcratRace,
} from './bcrat-constants.ts';

export { BCRAT_RACES, type BcratRace };

export const BCRAT_MIN_AGE = 35;
export const BCRAT_MAX_AGE = 85;

export { BcratInputSchema, type BcratInput };

export type BcratNotApplicableCode =
  | 'not_female'
  | 'age_out_of_range'
  | 'breast_cancer_history'
  | 'known_brca_variant'
  | 'chest_radiation_before_30'
  | 'menarche_after_current_age'
  | 'first_birth_before_menarche'
  | 'first_birth_after_current_age';

export interface BcratNotApplicableReason {
  code: BcratNotApplicableCode;
  message: string;
}

/** Why BCRAT must not be used for this woman; empty when it may. */
export function bcratNotApplicableReasons(input: BcratInput): BcratNotApplicableReason[] {
  const reasons: BcratNotApplicableReason[] = [];
  const add = (code: BcratNotApplicableCode, message: string) => reasons.push({ code, message });
  if (input.age < BCRAT_MIN_AGE || input.age > BCRAT_MAX_AGE) {
    add(
      'age_out_of_range',
      `BCRAT is validated for ages ${BCRAT_MIN_AGE} to ${BCRAT_MAX_AGE}; the woman is ${input.age}`,
    );
  }
  if (input.breastCancerHistory === true) {
    add('breast_cancer_history', 'BCRAT does not apply after invasive breast cancer, DCIS or LCIS');
  }
  if (input.knownBrcaVariant === true) {
    add('known_brca_variant', 'BCRAT does not apply to carriers of a BRCA1/BRCA2 pathogenic variant');
  }
  if (input.chestRadiationBefore30 === true) {
    add('chest_radiation_before_30', 'BCRAT does not apply after chest radiation therapy before age 30');
  }
  const { ageAtMenarche: menarche, ageAtFirstLiveBirth: firstBirth } = input;
  if (menarche !== null && menarche > input.age) {
    add('menarche_after_current_age', `Age at menarche (${menarche}) is after the current age (${input.age})`);
  }
  if (firstBirth !== null && menarche !== null && firstBirth < menarche) {
    add(
      'first_birth_before_menarche',
      `Age at first live birth (${firstBirth}) is before age at menarche (${menarche})`,
    );
  }
  if (firstBirth !== null && firstBirth > input.age) {
    add(
      'first_birth_after_current_age',
      `Age at first live birth (${firstBirth}) is after the current age (${input.age})`,
    );
  }
  return reasons;
}

/** Covariate categories after the race-specific recoding (step 2 of BCRAT.md). */
export interface BcratCategories {
  menarche: number;
  biopsies: number;
  firstLiveBirth: number;
  relatives: number;
}

export interface BcratResult {
  model: 'BCRAT';
  /** The race whose rates were used ("other" when race is unknown). */
  race: BcratRace;
  fromAge: number;
  fiveYearToAge: number;
  lifetimeToAge: number;
  fiveYearRiskPct: number;
  lifetimeRiskPct: number;
  averageFiveYearRiskPct: number;
  averageLifetimeRiskPct: number;
  categories: BcratCategories;
  /** Relative risk for the intervals before age 50 and from age 50 on (hyperplasia factor included). */
  relativeRisk: { before50: number; from50: number };
}

export type BcratOutcome =
  { applicable: true; result: BcratResult } | { applicable: false; reasons: BcratNotApplicableReason[] };

const HISPANIC: ReadonlySet<BcratRace> = new Set(['hispanic_us', 'hispanic_foreign']);
const ASIAN_PACIFIC_ISLANDER: ReadonlySet<BcratRace> = new Set([
  'chinese',
  'japanese',
  'filipino',
  'hawaiian',
  'other_pacific_islander',
  'other_asian',
]);

function menarcheCategory(ageAtMenarche: number | null): number {
  if (ageAtMenarche === null || ageAtMenarche >= 14) return 0;
  return ageAtMenarche >= 12 ? 1 : 2;
}

function biopsyCategory(biopsies: number | null): number {
  if (biopsies === null || biopsies === 0) return 0;
  return biopsies === 1 ? 1 : 2;
}

function firstLiveBirthCategory(ageAtFirstLiveBirth: number | null, nulliparous: boolean | null): number {
  if (nulliparous === true) return 2;
  if (ageAtFirstLiveBirth === null || ageAtFirstLiveBirth < 20) return 0;
  if (ageAtFirstLiveBirth < 25) return 1;
  return ageAtFirstLiveBirth < 30 ? 2 : 3;
}

function relativesCategory(affected: number | null): number {
  if (affected === null || affected === 0) return 0;
  return affected === 1 ? 1 : 2;
}

export function bcratCategories(input: BcratInput, race: BcratRace): BcratCategories {
  let menarche = menarcheCategory(input.ageAtMenarche);
  let biopsies = biopsyCategory(input.biopsies);
  let firstLiveBirth = firstLiveBirthCategory(input.ageAtFirstLiveBirth, input.nulliparous);
  let relatives = relativesCategory(input.affectedFirstDegreeRelatives);
  if (HISPANIC.has(race)) {
    biopsies = Math.min(biopsies, 1);
    if (firstLiveBirth >= 2) firstLiveBirth -= 1;
    // NCI's recoding puts nulliparous Hispanic women back into category 2 after lowering the others.
    if (input.nulliparous === true) firstLiveBirth = 2;
  }
  if (race === 'hispanic_us') menarche = 0;
  if (race === 'black') {
    firstLiveBirth = 0;
    menarche = Math.min(menarche, 1);
  }
  if (HISPANIC.has(race) || ASIAN_PACIFIC_ISLANDER.has(race)) relatives = Math.min(relatives, 1);
  return { menarche, biopsies, firstLiveBirth, relatives };
}

function hyperplasiaFactor(input: BcratInput): number {
  if ((input.biopsies ?? 0) === 0 || input.atypicalHyperplasia === null) return 1;
  return input.atypicalHyperplasia ? 1.82 : 0.93;
}

function relativeRisks(categories: BcratCategories, betas: readonly number[], hyperplasia: number) {
  const [bMenarche = 0, bBiopsies = 0, bFirstBirth = 0, bRelatives = 0, bBiopsiesFrom50 = 0, bFirstBirthRelatives = 0] =
    betas;
  const linear =
    bMenarche * categories.menarche +
    bBiopsies * categories.biopsies +
    bFirstBirth * categories.firstLiveBirth +
    bRelatives * categories.relatives +
    bFirstBirthRelatives * categories.firstLiveBirth * categories.relatives;
  return {
    before50: Math.exp(linear) * hyperplasia,
    from50: Math.exp(linear + bBiopsiesFrom50 * categories.biopsies) * hyperplasia,
  };
}

interface HazardTables {
  incidence: readonly number[];
  competing: readonly number[];
  oneMinusAttributableRisk: readonly number[];
}

/**
 * Probability of a breast cancer in [fromAge, toAge) in the presence of competing mortality, with hazards constant
 * within each five-year interval (BCRAT.md step 4). Returns a fraction.
 */
function absoluteRisk(
  fromAge: number,
  toAge: number,
  tables: HazardTables,
  relativeRisk: { before50: number; from50: number },
): number {
  let risk = 0;
  let survival = 1;
  for (let i = 0; i < INTERVAL_COUNT; i++) {
    const start = FIRST_INTERVAL_START_AGE + i * INTERVAL_YEARS;
    const years = Math.min(start + INTERVAL_YEARS, toAge) - Math.max(start, fromAge);
    if (years <= 0) continue;
    const rr = start >= 50 ? relativeRisk.from50 : relativeRisk.before50;
    const breast = (tables.incidence[i] ?? 0) * (tables.oneMinusAttributableRisk[i] ?? 0) * rr;
    const total = breast + (tables.competing[i] ?? 0);
    const eventProbability = 1 - Math.exp(-total * years);
    risk += survival * eventProbability * (breast / total);
    survival *= 1 - eventProbability;
  }
  return risk;
}

function tablesFor(kind: 'absolute' | 'average', race: BcratRace): HazardTables {
  return {
    incidence: bcratConstants.incidence[kind][race],
    competing: bcratConstants.competingHazards[kind][race],
    oneMinusAttributableRisk: bcratConstants.oneMinusAttributableRisk[kind][race],
  };
}

/** Validity rules, then the modified Gail model for the woman and for an average woman of her age and race. */
export function calculateBcrat(input: BcratInput): BcratOutcome {
  const reasons = bcratNotApplicableReasons(input);
  if (reasons.length > 0) return { applicable: false, reasons };

  const race = input.race ?? 'other';
  const categories = bcratCategories(input, race);
  const relativeRisk = relativeRisks(categories, bcratConstants.betas[race], hyperplasiaFactor(input));
  const averageRelativeRisk = { before50: 1, from50: 1 };
  const fiveYearToAge = Math.min(input.age + 5, PROJECTION_END_AGE);
  const percent = (fraction: number) => fraction * 100;
  const absolute = tablesFor('absolute', race);
  const average = tablesFor('average', race);

  return {
    applicable: true,
    result: {
      model: 'BCRAT',
      race,
      fromAge: input.age,
      fiveYearToAge,
      lifetimeToAge: PROJECTION_END_AGE,
      fiveYearRiskPct: percent(absoluteRisk(input.age, fiveYearToAge, absolute, relativeRisk)),
      lifetimeRiskPct: percent(absoluteRisk(input.age, PROJECTION_END_AGE, absolute, relativeRisk)),
      averageFiveYearRiskPct: percent(absoluteRisk(input.age, fiveYearToAge, average, averageRelativeRisk)),
      averageLifetimeRiskPct: percent(absoluteRisk(input.age, PROJECTION_END_AGE, average, averageRelativeRisk)),
      categories,
      relativeRisk,
    },
  };
}

export type BcratInputFromProfile =
  { applicable: true; input: BcratInput } | { applicable: false; reasons: BcratNotApplicableReason[] };

const FIRST_DEGREE_FEMALE_RELATIONSHIPS: ReadonlySet<string> = new Set(['mother', 'sister', 'daughter']);

/**
 * Mother, sisters and daughters with breast cancer. The profile lists every relative with a cancer history, so the
 * count is known (a relative left out is unaffected).
 */
function affectedFirstDegreeRelatives(profile: RiskProfile): number {
  return profile.relatives.filter(
    (relative) =>
      FIRST_DEGREE_FEMALE_RELATIONSHIPS.has(relative.relationship) && relative.cancers.some((c) => c.type === 'breast'),
  ).length;
}

/**
 * BCRAT inputs derived from a RiskProfile, or why BCRAT does not apply. The profile does not say which gene a
 * positive prior test found, so a positive result counts as a known BRCA1/2 variant (BCRAT is not for carriers).
 * Chest radiation is not captured by the profile.
 */
export function bcratFromProfile(profile: RiskProfile): BcratInputFromProfile {
  if (profile.sex !== 'female') {
    return { applicable: false, reasons: [{ code: 'not_female', message: 'BCRAT applies to women only' }] };
  }
  const { breastHistory, reproductive } = profile;
  const hadBiopsy = (breastHistory.biopsies ?? 0) > 0;
  const input: BcratInput = {
    race: profile.race,
    age: profile.age,
    ageAtMenarche: reproductive.ageAtMenarche,
    ageAtFirstLiveBirth: reproductive.ageAtFirstLiveBirth,
    nulliparous: reproductive.nulliparous,
    biopsies: breastHistory.biopsies,
    // NCI: hyperplasia is read only after a known number (≥ 1) of biopsies.
    atypicalHyperplasia: hadBiopsy ? breastHistory.atypicalHyperplasia : null,
    affectedFirstDegreeRelatives: affectedFirstDegreeRelatives(profile),
    breastCancerHistory: profile.personalCancers.some((c) => c.type === 'breast') || breastHistory.lcis === true,
    knownBrcaVariant: profile.priorGeneticTesting === 'positive' ? true : null,
    chestRadiationBefore30: null,
  };
  const reasons = bcratNotApplicableReasons(input);
  return reasons.length > 0 ? { applicable: false, reasons } : { applicable: true, input };
}

/** BCRAT as a RiskModel over a RiskProfile. */
export const bcratModel: RiskModel<BcratResult> = {
  id: 'bcrat',
  name: 'NCI Breast Cancer Risk Assessment Tool (modified Gail model)',
  async assess(profile) {
    const derived = bcratFromProfile(profile);
    const outcome = derived.applicable ? calculateBcrat(derived.input) : derived;
    if (outcome.applicable) return { available: true, result: outcome.result };
    return { available: false, reason: outcome.reasons.map((r) => r.message).join('; ') };
  },
};
