/**
 * How the rulesets read a RiskProfile (NCCN_RULES.md "Definitions" and "Unknowns"), shared by ruleset versions:
 * - a patient's null input is unknown; its unknown age at diagnosis can still not exceed the current age;
 * - a relative's tumour features (triple-negative, lobular, multiple primary, risk group, metastatic,
 *   intraductal/cribriform, MMR, diffuse gastric) count only when reported true; the patient's MMR status likewise;
 * - a relative's unknown ovarian histology counts as epithelial, unknown pancreatic histology as exocrine;
 * - a relative's unknown age at diagnosis is unknown.
 */
import { FALSE, TRUE, compareRange, fact, known, type Comparison, type Finding } from '../logic.ts';
import { MAX_AGE, type Cancer, type CancerType, type Relative, type RiskProfile } from '../risk-profile.schema.ts';
import { isQualifyingRelative, relationshipLabel, sexOf, sidesOf, type Side } from '../relationships.ts';

export type CancerOf<T extends CancerType> = Extract<Cancer, { type: T }>;

/** One cancer of the patient or of a relative, with its JSON path. */
export interface CancerRef<C extends Cancer = Cancer> {
  readonly cancer: C;
  /** "personalCancers[0]" or "relatives[1].cancers[0]". */
  readonly path: string;
  /** null for the patient's own cancer. */
  readonly relative: Relative | null;
  /** "relatives[1]", or null for the patient. */
  readonly relativePath: string | null;
}

function isType<T extends CancerType>(types: readonly T[]) {
  return (ref: CancerRef): ref is CancerRef<CancerOf<T>> => (types as readonly CancerType[]).includes(ref.cancer.type);
}

export function isOfType<T extends CancerType>(ref: CancerRef, type: T): ref is CancerRef<CancerOf<T>> {
  return ref.cancer.type === type;
}

export function personalCancers(profile: RiskProfile): CancerRef[] {
  return profile.personalCancers.map((cancer, index) => ({
    cancer,
    path: `personalCancers[${index}]`,
    relative: null,
    relativePath: null,
  }));
}

export function personalCancersOfType<T extends CancerType>(
  profile: RiskProfile,
  ...types: T[]
): CancerRef<CancerOf<T>>[] {
  return personalCancers(profile).filter(isType(types));
}

export interface RelativeRef {
  readonly relative: Relative;
  readonly path: string;
}

export function relatives(profile: RiskProfile): RelativeRef[] {
  return profile.relatives.map((relative, index) => ({ relative, path: `relatives[${index}]` }));
}

export function cancersOfRelative(ref: RelativeRef): CancerRef[] {
  return ref.relative.cancers.map((cancer, index) => ({
    cancer,
    path: `${ref.path}.cancers[${index}]`,
    relative: ref.relative,
    relativePath: ref.path,
  }));
}

export function relativeCancers(profile: RiskProfile): CancerRef[] {
  return relatives(profile).flatMap(cancersOfRelative);
}

export function relativeCancersOfType<T extends CancerType>(
  profile: RiskProfile,
  ...types: T[]
): CancerRef<CancerOf<T>>[] {
  return relativeCancers(profile).filter(isType(types));
}

export function ofType<T extends CancerType>(refs: readonly CancerRef[], ...types: T[]): CancerRef<CancerOf<T>>[] {
  return refs.filter(isType(types));
}

/** Age at diagnosis compared with a limit; an unknown age of the patient lies in [0, current age]. */
export function diagnosedAt(profile: RiskProfile, ref: CancerRef, comparison: Comparison, limit: number): Finding {
  const age = ref.cancer.ageAtDiagnosis;
  const path = `${ref.path}.ageAtDiagnosis`;
  if (age !== null) return compareRange({ min: age, max: age, path }, comparison, limit);
  return compareRange({ min: 0, max: ref.relative ? MAX_AGE : profile.age, path }, comparison, limit);
}

/** Fields that the "relative's tumour features count only when reported true" exception covers. */
type TumourFeature =
  'tripleNegative' | 'lobular' | 'multiplePrimary' | 'metastatic' | 'intraductalOrCribriform' | 'diffuseGastric';

/** A boolean tumour feature: unknown for the patient when null; for a relative, only a reported true counts. */
export function feature<C extends Cancer>(ref: CancerRef<C>, name: TumourFeature & keyof C): Finding {
  const value = ref.cancer[name] as boolean | null;
  if (ref.relative) return fact(value === true);
  return known(value, `${ref.path}.${name}`, (v) => v);
}

type RiskGroup = NonNullable<CancerOf<'prostate'>['riskGroup']>;

export function riskGroupIn(ref: CancerRef<CancerOf<'prostate'>>, groups: readonly RiskGroup[]): Finding {
  const group = ref.cancer.riskGroup;
  if (ref.relative) return fact(group !== null && groups.includes(group));
  return known(group, `${ref.path}.riskGroup`, (g) => groups.includes(g));
}

/** Mismatch-repair deficiency counts only when reported true, for the patient too (most tumours are never tested). */
export function mmrDeficient(ref: CancerRef): Finding {
  return fact(ref.cancer.mmrDeficient === true);
}

/** Epithelial ovarian cancer (fallopian tube and primary peritoneal included); a relative's unknown histology counts. */
export function epithelialOvarian(ref: CancerRef<CancerOf<'ovarian'>>): Finding {
  const { histology } = ref.cancer;
  if (histology === null && ref.relative) return TRUE;
  return known(histology, `${ref.path}.histology`, (h) => h === 'epithelial');
}

/** Exocrine pancreatic cancer (acinar included); a relative's unknown histology counts. */
export function exocrinePancreatic(ref: CancerRef<CancerOf<'pancreatic'>>): Finding {
  const { exocrine } = ref.cancer;
  if (exocrine === null && ref.relative) return TRUE;
  return known(exocrine, `${ref.path}.exocrine`, (e) => e);
}

/** High-risk prostate cancer: metastatic, or risk group high / very high. */
export function highRiskProstate(ref: CancerRef<CancerOf<'prostate'>>): {
  metastatic: Finding;
  highRiskGroup: Finding;
} {
  return { metastatic: feature(ref, 'metastatic'), highRiskGroup: riskGroupIn(ref, ['high', 'very_high']) };
}

const LYNCH_SPECTRUM_TYPES = [
  'colorectal',
  'endometrial',
  'gastric',
  'ovarian',
  'pancreatic',
  'urothelial',
  'brain',
  'biliary',
  'small_intestine',
  'sebaceous',
] as const satisfies readonly CancerType[];

/**
 * Lynch-spectrum cancer. Ovarian counts when epithelial; unknown histology counts for a relative and is unknown for
 * the patient (the "Unknowns" rules of NCCN_RULES.md, which the definition's "or unknown histology" follows).
 */
export function lynchSpectrum(ref: CancerRef): Finding {
  if (!isType(LYNCH_SPECTRUM_TYPES)(ref)) return FALSE;
  return isOfType(ref, 'ovarian') ? epithelialOvarian(ref) : TRUE;
}

/** Qualifying relative for family criteria; unknown when a paternal 3rd-degree relative's lineage is not reported. */
export function qualifying(ref: RelativeRef): Finding {
  return known(isQualifyingRelative(ref.relative), `${ref.path}.throughTwoMales`, (q) => q);
}

export function isMale(ref: CancerRef): boolean {
  return ref.relative !== null && sexOf(ref.relative) === 'male';
}

/** The relatives whose diagnoses count on `side`: fixed-side relatives of that side, plus those sharing both sides. */
export function relativesOnSide(profile: RiskProfile, side: Side): RelativeRef[] {
  return relatives(profile).filter((ref) => sidesOf(ref.relative).includes(side));
}

export const SIDES: readonly Side[] = ['maternal', 'paternal'];

/**
 * The diagnoses a cancer entry stands for: one, and a second one for a breast cancer reported as multiple primary
 * (unknown for the patient when not reported).
 */
export function diagnoses(ref: CancerRef): Finding[] {
  return isOfType(ref, 'breast') ? [TRUE, feature(ref, 'multiplePrimary')] : [TRUE];
}

// ---- wording of explanations ----

export function owner(ref: CancerRef | RelativeRef): string {
  const relative = 'relative' in ref ? ref.relative : null;
  return relative ? relationshipLabel(relative.relationship) : 'Patient';
}

export function cancerName(type: CancerType): string {
  return `${type.replaceAll('_', ' ')} cancer`;
}

export function ageText(profile: RiskProfile, ref: CancerRef): string {
  const age = ref.cancer.ageAtDiagnosis;
  if (age !== null) return `diagnosed at ${age}`;
  return ref.relative ? 'at an unknown age' : `at an unknown age (current age ${profile.age})`;
}

/**
 * "Breast cancer diagnosed at 42 (≤ 50)" for the patient, "Mother: ovarian cancer at an unknown age, histology
 * unknown" for a relative: the cancer, its age, then `details`, then the criterion's `requirement` in parentheses.
 */
export function describe(
  profile: RiskProfile,
  ref: CancerRef,
  details: readonly string[] = [],
  requirement?: string,
): string {
  const name = cancerName(ref.cancer.type);
  const subject = ref.relative ? `${owner(ref)}: ${name}` : name.charAt(0).toUpperCase() + name.slice(1);
  const text = [`${subject} ${ageText(profile, ref)}`, ...details].join(', ');
  return requirement ? `${text} (${requirement})` : text;
}

/** "epithelial histology"; for an unknown histology, whether it was counted as epithelial (a relative's) or not. */
export function histologyText(ref: CancerRef<CancerOf<'ovarian'>>): string {
  const { histology } = ref.cancer;
  if (histology !== null) return `${histology} histology`;
  return ref.relative ? 'histology unknown, counted as epithelial' : 'histology unknown';
}

export function exocrineText(ref: CancerRef<CancerOf<'pancreatic'>>): string {
  const { exocrine } = ref.cancer;
  if (exocrine !== null) return exocrine ? 'exocrine' : 'not exocrine';
  return ref.relative ? 'histology unknown, counted as exocrine' : 'histology unknown';
}

/** "triple-negative", "triple-negative status unknown", or nothing when the finding is false. */
export function featureText(finding: Finding, name: string): string[] {
  if (finding.value === true) return [name];
  return finding.value === null ? [`${name} status unknown`] : [];
}
