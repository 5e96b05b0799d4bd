/**
 * Input paths of a RiskProfile ("relatives[1].cancers[0].ageAtDiagnosis"): setting a value at one (immutably), and
 * the values an unknown input could take, for the engine's "would knowing it change the outcome?".
 */
import {
  MAX_AGE,
  OVARIAN_HISTOLOGIES,
  PROSTATE_RISK_GROUPS,
  TEST_STATUSES,
  type RiskProfile,
} from './risk-profile.schema.ts';

type PathKey = string | number;

export function parsePath(path: string): PathKey[] {
  const keys: PathKey[] = [];
  for (const match of path.matchAll(/([A-Za-z_]\w*)|\[(\d+)\]/g)) {
    keys.push(match[2] === undefined ? (match[1] ?? '') : Number(match[2]));
  }
  if (keys.length === 0) throw new Error(`Not a profile path: "${path}"`);
  return keys;
}

/** A copy of `profile` with `value` at `path` (the parent of the path must exist). */
export function withValueAt(profile: RiskProfile, path: string, value: unknown): RiskProfile {
  const copy = structuredClone(profile);
  const keys = parsePath(path);
  const last = keys.pop() as PathKey;
  let parent: unknown = copy;
  for (const key of keys) parent = (parent as Record<PathKey, unknown>)[key];
  if (parent === null || typeof parent !== 'object') throw new Error(`No parent object for "${path}"`);
  (parent as Record<PathKey, unknown>)[last] = value;
  return copy;
}

const BOOLEAN = [true, false] as const;

const VALUES_BY_FIELD: Record<string, readonly unknown[]> = {
  ashkenaziJewish: BOOLEAN,
  present: BOOLEAN,
  throughTwoMales: BOOLEAN,
  tripleNegative: BOOLEAN,
  lobular: BOOLEAN,
  multiplePrimary: BOOLEAN,
  metastatic: BOOLEAN,
  intraductalOrCribriform: BOOLEAN,
  diffuseGastric: BOOLEAN,
  exocrine: BOOLEAN,
  mmrDeficient: BOOLEAN,
  histology: OVARIAN_HISTOLOGIES,
  riskGroup: PROSTATE_RISK_GROUPS,
  testStatus: TEST_STATUSES,
};

function ages(max: number): number[] {
  return Array.from({ length: max + 1 }, (_, age) => age);
}

/** Every valid value of the input at `path` (a patient's age at diagnosis cannot exceed the current age). */
export function possibleValues(profile: RiskProfile, path: string): readonly unknown[] {
  const keys = parsePath(path);
  const field = keys[keys.length - 1];
  if (field === 'ageAtDiagnosis') return ages(keys[0] === 'personalCancers' ? profile.age : MAX_AGE);
  const values = typeof field === 'string' ? VALUES_BY_FIELD[field] : undefined;
  if (!values) throw new Error(`No known value domain for "${path}"`);
  return values;
}
