/**
 * Tyrer-Cuzick adapter: runs a licensed IBIS v8 batch engine (an executable, configured by path) over a RiskProfile.
 * IBIS is licensed software; there is no open implementation of it, so without an engine this adapter says so and
 * never estimates a number (BCRAT.md).
 *
 * The record formats below are ASSUMED (Genascope's batch wrapper contract), not IBIS's own manual: check them
 * against the licensed engine's documentation and adapt `formatIbisInput` / `parseIbisOutput`, which are pure and
 * are the only places that know the formats.
 *
 * Input file (UTF-8 text, one record, "KEY=value" lines, "U" = unknown):
 *   IBIS-INPUT v8
 *   ID=<record id>
 *   AGE=<years>
 *   MENARCHE=<age>|U
 *   PARITY=0|1|U                 0 nulliparous, 1 parous
 *   FIRST_BIRTH=<age>|U
 *   BIOPSIES=<count>|U
 *   ATYPICAL_HYPERPLASIA=Y|N|U
 *   LCIS=Y|N|U
 *   ASHKENAZI=Y|N|U
 *   HEIGHT=U, WEIGHT=U, MENOPAUSE=U, HRT=U, DENSITY=U   (not captured by the RiskProfile)
 *   REL=<relationship>;SEX=F|M;BREAST=<age|U>,...;BILATERAL=Y|N;OVARIAN=<age|U>|-   (one line per relative)
 *   END
 * Output (stdout, "KEY=value" lines; other lines ignored):
 *   TEN_YEAR_RISK=<percent>  LIFETIME_RISK=<percent>  BRCA1_PROBABILITY=<0–1>  BRCA2_PROBABILITY=<0–1>
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RiskProfile } from '../eligibility/risk-profile.schema.ts';
import { sexOf, type Relationship } from '../eligibility/relationships.ts';
import type { RiskModel, RiskModelOutcome } from './risk-model.ts';

export const NO_ENGINE_REASON = 'No licensed Tyrer-Cuzick (IBIS) engine is configured';
export const DEFAULT_TIMEOUT_MS = 20_000;

export interface TyrerCuzickRelative {
  relationship: Relationship;
  sex: 'female' | 'male';
  /** Ages at diagnosis of each breast cancer (null = unknown age). */
  breastCancerAges: (number | null)[];
  bilateral: boolean;
  /** Age at diagnosis of an ovarian cancer, null when the age is unknown, undefined when none. */
  ovarianCancerAge?: number | null;
}

export interface TyrerCuzickInput {
  id: string;
  age: number;
  ageAtMenarche: number | null;
  nulliparous: boolean | null;
  ageAtFirstLiveBirth: number | null;
  biopsies: number | null;
  atypicalHyperplasia: boolean | null;
  lcis: boolean | null;
  ashkenaziJewish: boolean | null;
  relatives: TyrerCuzickRelative[];
}

export interface TyrerCuzickResult {
  model: 'Tyrer-Cuzick';
  tenYearRiskPct: number;
  lifetimeRiskPct: number;
  /** Carrier probabilities, 0–1 (the scale of RiskProfile.brcaCarrierProbability). */
  brca1CarrierProbability: number;
  brca2CarrierProbability: number;
}

/** Why IBIS does not apply to this person, or null. */
export function tyrerCuzickNotApplicableReason(profile: RiskProfile): string | null {
  if (profile.sex !== 'female') return 'Tyrer-Cuzick (IBIS) applies to women only';
  if (profile.personalCancers.some((c) => c.type === 'breast')) {
    return 'Tyrer-Cuzick (IBIS) applies to women without a personal breast cancer';
  }
  return null;
}

export function tyrerCuzickInputFromProfile(profile: RiskProfile, id = 'P1'): TyrerCuzickInput {
  return {
    id,
    age: profile.age,
    ageAtMenarche: profile.reproductive.ageAtMenarche,
    nulliparous: profile.reproductive.nulliparous,
    ageAtFirstLiveBirth: profile.reproductive.ageAtFirstLiveBirth,
    biopsies: profile.breastHistory.biopsies,
    atypicalHyperplasia: profile.breastHistory.atypicalHyperplasia,
    lcis: profile.breastHistory.lcis,
    ashkenaziJewish: profile.ashkenaziJewish,
    relatives: profile.relatives.flatMap((relative): TyrerCuzickRelative[] => {
      const breast = relative.cancers.filter((c) => c.type === 'breast');
      const ovarian = relative.cancers.find((c) => c.type === 'ovarian');
      if (breast.length === 0 && !ovarian) return [];
      return [
        {
          relationship: relative.relationship,
          sex: sexOf(relative),
          breastCancerAges: breast.map((c) => c.ageAtDiagnosis),
          bilateral: breast.length >= 2 || breast.some((c) => c.multiplePrimary === true),
          ...(ovarian ? { ovarianCancerAge: ovarian.ageAtDiagnosis } : {}),
        },
      ];
    }),
  };
}

const orUnknown = (value: number | null) => (value === null ? 'U' : String(value));
const flag = (value: boolean | null) => (value === null ? 'U' : value ? 'Y' : 'N');

/** The engine's input record (format in the module comment). */
export function formatIbisInput(input: TyrerCuzickInput): string {
  const parity = input.nulliparous === null ? 'U' : input.nulliparous ? '0' : '1';
  const relatives = input.relatives.map((r) =>
    [
      `REL=${r.relationship}`,
      `SEX=${r.sex === 'female' ? 'F' : 'M'}`,
      `BREAST=${r.breastCancerAges.length > 0 ? r.breastCancerAges.map(orUnknown).join(',') : '-'}`,
      `BILATERAL=${r.bilateral ? 'Y' : 'N'}`,
      `OVARIAN=${r.ovarianCancerAge === undefined ? '-' : orUnknown(r.ovarianCancerAge)}`,
    ].join(';'),
  );
  return [
    'IBIS-INPUT v8',
    `ID=${input.id}`,
    `AGE=${input.age}`,
    `MENARCHE=${orUnknown(input.ageAtMenarche)}`,
    `PARITY=${parity}`,
    `FIRST_BIRTH=${orUnknown(input.ageAtFirstLiveBirth)}`,
    `BIOPSIES=${orUnknown(input.biopsies)}`,
    `ATYPICAL_HYPERPLASIA=${flag(input.atypicalHyperplasia)}`,
    `LCIS=${flag(input.lcis)}`,
    `ASHKENAZI=${flag(input.ashkenaziJewish)}`,
    'HEIGHT=U',
    'WEIGHT=U',
    'MENOPAUSE=U',
    'HRT=U',
    'DENSITY=U',
    ...relatives,
    'END',
    '',
  ].join('\n');
}

const OUTPUT_FIELDS = {
  TEN_YEAR_RISK: { key: 'tenYearRiskPct', max: 100 },
  LIFETIME_RISK: { key: 'lifetimeRiskPct', max: 100 },
  BRCA1_PROBABILITY: { key: 'brca1CarrierProbability', max: 1 },
  BRCA2_PROBABILITY: { key: 'brca2CarrierProbability', max: 1 },
} as const;

type OutputKey = (typeof OUTPUT_FIELDS)[keyof typeof OUTPUT_FIELDS]['key'];

export type IbisOutputParse = { ok: true; result: TyrerCuzickResult } | { ok: false; error: string };

/** Reads the engine's output (format in the module comment); every figure must be present and in range. */
export function parseIbisOutput(output: string): IbisOutputParse {
  const values: Partial<Record<OutputKey, number>> = {};
  for (const line of output.split(/\r?\n/)) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(\S+)\s*$/i.exec(line);
    const field = match && OUTPUT_FIELDS[match[1]?.toUpperCase() as keyof typeof OUTPUT_FIELDS];
    if (!match || !field) continue;
    const value = Number(match[2]);
    if (!Number.isFinite(value) || value < 0 || value > field.max) {
      return { ok: false, error: `${match[1]} is not a number between 0 and ${field.max}: "${match[2]}"` };
    }
    values[field.key] = value;
  }
  const missing = Object.entries(OUTPUT_FIELDS)
    .filter(([, field]) => values[field.key] === undefined)
    .map(([name]) => name);
  if (missing.length > 0) return { ok: false, error: `Engine output lacks ${missing.join(', ')}` };
  const { tenYearRiskPct = 0, lifetimeRiskPct = 0, brca1CarrierProbability = 0, brca2CarrierProbability = 0 } = values;
  return {
    ok: true,
    result: {
      model: 'Tyrer-Cuzick',
      tenYearRiskPct,
      lifetimeRiskPct,
      brca1CarrierProbability,
      brca2CarrierProbability,
    },
  };
}

export interface TyrerCuzickOptions {
  /** Path of the licensed IBIS batch executable; defaults to env IBIS_ENGINE_PATH. Empty = not configured. */
  enginePath?: string;
  timeoutMs?: number;
}

const execFileAsync = promisify(execFile);

export class TyrerCuzickModel implements RiskModel<TyrerCuzickResult> {
  readonly id = 'tyrer-cuzick';
  readonly name = 'Tyrer-Cuzick (IBIS v8)';
  private readonly enginePath: string | null;
  private readonly timeoutMs: number;

  constructor(options: TyrerCuzickOptions = {}) {
    this.enginePath = (options.enginePath ?? process.env.IBIS_ENGINE_PATH) || null;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  get configured(): boolean {
    return this.enginePath !== null;
  }

  async assess(profile: RiskProfile): Promise<RiskModelOutcome<TyrerCuzickResult>> {
    if (this.enginePath === null) return { available: false, reason: NO_ENGINE_REASON };
    const notApplicable = tyrerCuzickNotApplicableReason(profile);
    if (notApplicable) return { available: false, reason: notApplicable };

    const workDir = await mkdtemp(join(tmpdir(), 'genascope-ibis-'));
    try {
      const inputPath = join(workDir, 'input.txt');
      await writeFile(inputPath, formatIbisInput(tyrerCuzickInputFromProfile(profile)), 'utf8');
      const { stdout } = await execFileAsync(this.enginePath, [inputPath], {
        timeout: this.timeoutMs,
        maxBuffer: 1024 * 1024,
        encoding: 'utf8',
      });
      const parsed = parseIbisOutput(stdout);
      return parsed.ok
        ? { available: true, result: parsed.result }
        : { available: false, reason: `The Tyrer-Cuzick engine gave unreadable output: ${parsed.error}` };
    } catch (error) {
      return { available: false, reason: `The Tyrer-Cuzick engine failed: ${engineFailure(error, this.timeoutMs)}` };
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }
}

function engineFailure(error: unknown, timeoutMs: number): string {
  const failure = error as { killed?: boolean; signal?: string | null; code?: number | string; message?: string };
  if (failure.killed && failure.signal) return `timed out after ${timeoutMs} ms`;
  if (typeof failure.code === 'number') return `exit code ${failure.code}`;
  return failure.message ?? String(error);
}
