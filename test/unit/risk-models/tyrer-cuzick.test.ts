import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseRiskProfile, type RiskProfile } from '../../../functions/eligibility/risk-profile.schema.ts';
import {
  NO_ENGINE_REASON,
  TyrerCuzickModel,
  formatIbisInput,
  parseIbisOutput,
  tyrerCuzickInputFromProfile,
} from '../../../functions/risk-models/tyrer-cuzick.ts';

const woman: RiskProfile = parseRiskProfile({
  version: 1,
  sex: 'female',
  age: 42,
  ashkenaziJewish: false,
  personalCancers: [],
  relatives: [
    { relationship: 'mother', cancers: [{ type: 'breast', ageAtDiagnosis: 48, multiplePrimary: true }] },
    { relationship: 'maternal_aunt', cancers: [{ type: 'ovarian', ageAtDiagnosis: null }] },
    { relationship: 'father', cancers: [{ type: 'melanoma', ageAtDiagnosis: 70 }] },
  ],
  breastHistory: { biopsies: 1, atypicalHyperplasia: false, lcis: null },
  reproductive: { ageAtMenarche: 12, ageAtFirstLiveBirth: 31, nulliparous: false },
});

describe('IBIS records (pure)', () => {
  test('formatIbisInput writes the assumed record', () => {
    expect(formatIbisInput(tyrerCuzickInputFromProfile(woman))).toBe(
      [
        'IBIS-INPUT v8',
        'ID=P1',
        'AGE=42',
        'MENARCHE=12',
        'PARITY=1',
        'FIRST_BIRTH=31',
        'BIOPSIES=1',
        'ATYPICAL_HYPERPLASIA=N',
        'LCIS=U',
        'ASHKENAZI=N',
        'HEIGHT=U',
        'WEIGHT=U',
        'MENOPAUSE=U',
        'HRT=U',
        'DENSITY=U',
        'REL=mother;SEX=F;BREAST=48;BILATERAL=Y;OVARIAN=-',
        'REL=maternal_aunt;SEX=F;BREAST=-;BILATERAL=N;OVARIAN=U',
        'END',
        '',
      ].join('\n'),
    );
  });

  test('parseIbisOutput reads the four figures, ignoring other lines', () => {
    expect(
      parseIbisOutput(
        'IBIS v8 batch\nTEN_YEAR_RISK=3.2\n lifetime_risk = 21.5 \nBRCA1_PROBABILITY=0.012\r\nBRCA2_PROBABILITY=0.02\n',
      ),
    ).toEqual({
      ok: true,
      result: {
        model: 'Tyrer-Cuzick',
        tenYearRiskPct: 3.2,
        lifetimeRiskPct: 21.5,
        brca1CarrierProbability: 0.012,
        brca2CarrierProbability: 0.02,
      },
    });
  });

  test.each([
    ['TEN_YEAR_RISK=3\nLIFETIME_RISK=20\nBRCA1_PROBABILITY=0.1', 'lacks BRCA2_PROBABILITY'],
    [
      'TEN_YEAR_RISK=abc\nLIFETIME_RISK=20\nBRCA1_PROBABILITY=0.1\nBRCA2_PROBABILITY=0.1',
      'TEN_YEAR_RISK is not a number',
    ],
    [
      'TEN_YEAR_RISK=3\nLIFETIME_RISK=20\nBRCA1_PROBABILITY=12\nBRCA2_PROBABILITY=0.1',
      'BRCA1_PROBABILITY is not a number between 0 and 1',
    ],
    ['', 'lacks TEN_YEAR_RISK, LIFETIME_RISK, BRCA1_PROBABILITY, BRCA2_PROBABILITY'],
  ])('parseIbisOutput rejects %j', (output, error) => {
    const parsed = parseIbisOutput(output);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(error);
  });
});

describe('TyrerCuzickModel', () => {
  let dir: string;
  const script = async (name: string, body: string) => {
    const path = join(dir, name);
    await writeFile(path, `#!${process.execPath}\n${body}\n`, 'utf8');
    await chmod(path, 0o755);
    return path;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fake-ibis-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('without an engine it says so and gives no number', async () => {
    const saved = process.env.IBIS_ENGINE_PATH;
    delete process.env.IBIS_ENGINE_PATH;
    try {
      const model = new TyrerCuzickModel();
      expect(model.configured).toBe(false);
      expect(await model.assess(woman)).toEqual({ available: false, reason: NO_ENGINE_REASON });
      expect(NO_ENGINE_REASON).toBe('No licensed Tyrer-Cuzick (IBIS) engine is configured');
    } finally {
      if (saved !== undefined) process.env.IBIS_ENGINE_PATH = saved;
    }
  });

  test('runs the configured engine on the written input file and parses its output', async () => {
    // The fake engine reads the record it is given and derives its figures from the age, to prove it read the file.
    const engine = await script(
      'ibis-ok.mjs',
      `import { readFileSync } from 'node:fs';
const record = readFileSync(process.argv[2], 'utf8');
if (!record.startsWith('IBIS-INPUT v8\\n')) process.exit(2);
const age = Number(/^AGE=(\\d+)$/m.exec(record)[1]);
const relatives = record.split('\\n').filter((l) => l.startsWith('REL=')).length;
console.log('IBIS fake engine');
console.log('TEN_YEAR_RISK=' + (age / 10));
console.log('LIFETIME_RISK=' + (20 + relatives));
console.log('BRCA1_PROBABILITY=0.011');
console.log('BRCA2_PROBABILITY=0.022');`,
    );
    const outcome = await new TyrerCuzickModel({ enginePath: engine }).assess(woman);
    expect(outcome).toEqual({
      available: true,
      result: {
        model: 'Tyrer-Cuzick',
        tenYearRiskPct: 4.2,
        lifetimeRiskPct: 22,
        brca1CarrierProbability: 0.011,
        brca2CarrierProbability: 0.022,
      },
    });
  });

  test('IBIS_ENGINE_PATH configures the engine', async () => {
    const engine = await script(
      'ibis-env.mjs',
      `console.log('TEN_YEAR_RISK=1\\nLIFETIME_RISK=2\\nBRCA1_PROBABILITY=0\\nBRCA2_PROBABILITY=0')`,
    );
    const saved = process.env.IBIS_ENGINE_PATH;
    process.env.IBIS_ENGINE_PATH = engine;
    try {
      expect(await new TyrerCuzickModel().assess(woman)).toMatchObject({
        available: true,
        result: { lifetimeRiskPct: 2 },
      });
    } finally {
      if (saved === undefined) delete process.env.IBIS_ENGINE_PATH;
      else process.env.IBIS_ENGINE_PATH = saved;
    }
  });

  test('removes its input file afterwards', async () => {
    const log = join(dir, 'seen-path.txt');
    const engine = await script(
      'ibis-path.mjs',
      `import { writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(log)}, process.argv[2]);
console.log('TEN_YEAR_RISK=1\\nLIFETIME_RISK=2\\nBRCA1_PROBABILITY=0\\nBRCA2_PROBABILITY=0');`,
    );
    await new TyrerCuzickModel({ enginePath: engine }).assess(woman);
    const inputPath = await readFile(log, 'utf8');
    await expect(readFile(inputPath, 'utf8')).rejects.toThrow();
  });

  test('an engine failure, a timeout or unreadable output is reported, never estimated', async () => {
    const failing = await script('ibis-fail.mjs', 'process.exit(3);');
    expect(await new TyrerCuzickModel({ enginePath: failing }).assess(woman)).toEqual({
      available: false,
      reason: 'The Tyrer-Cuzick engine failed: exit code 3',
    });

    const slow = await script('ibis-slow.mjs', 'setTimeout(() => {}, 10_000);');
    expect(await new TyrerCuzickModel({ enginePath: slow, timeoutMs: 300 }).assess(woman)).toEqual({
      available: false,
      reason: 'The Tyrer-Cuzick engine failed: timed out after 300 ms',
    });

    const garbled = await script('ibis-garbled.mjs', "console.log('risk: high');");
    const outcome = await new TyrerCuzickModel({ enginePath: garbled }).assess(woman);
    expect(outcome.available).toBe(false);
    if (!outcome.available)
      expect(outcome.reason).toMatch(/^The Tyrer-Cuzick engine gave unreadable output: Engine output lacks/);

    const missing = await new TyrerCuzickModel({ enginePath: join(dir, 'no-such-engine') }).assess(woman);
    expect(missing.available).toBe(false);
  });

  test('does not run for a man or a woman with breast cancer', async () => {
    const engine = await script('ibis-never.mjs', 'process.exit(9);');
    const model = new TyrerCuzickModel({ enginePath: engine });
    const man = parseRiskProfile({ version: 1, sex: 'male', age: 50, personalCancers: [], relatives: [] });
    expect(await model.assess(man)).toEqual({ available: false, reason: 'Tyrer-Cuzick (IBIS) applies to women only' });
    const affected = parseRiskProfile({
      version: 1,
      sex: 'female',
      age: 50,
      personalCancers: [{ type: 'breast' }],
      relatives: [],
    });
    expect((await model.assess(affected)).available).toBe(false);
  });
});
