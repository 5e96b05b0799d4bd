import { describe, expect, test } from 'vitest';
import { evaluateEligibility, nextSteps } from '../../../functions/eligibility/engine.ts';
import { GENE_PANELS } from '../../../functions/eligibility/gene-panels.ts';
import { profile, relative } from './profiles.ts';

const kinds = (steps: ReturnType<typeof nextSteps>) => steps.map((s) => s.kind);

describe('nextSteps', () => {
  test('breast criteria: counselling and the breast/ovarian panel', () => {
    const result = evaluateEligibility(profile({ personalCancers: [{ type: 'breast', ageAtDiagnosis: 42 }] }));
    const steps = nextSteps(result);
    expect(kinds(steps)).toEqual(['genetic_counselling', 'multigene_panel']);
    expect(steps[1]).toMatchObject({ panels: ['breast_ovarian'], genes: [...GENE_PANELS.breast_ovarian.genes] });
  });

  test('panels combine by section met, genes without duplicates', () => {
    const result = evaluateEligibility(
      profile({
        sex: 'male',
        age: 60,
        personalCancers: [
          { type: 'prostate', ageAtDiagnosis: 58, metastatic: true },
          { type: 'colorectal', ageAtDiagnosis: 45 },
        ],
      }),
    );
    const panel = nextSteps(result).find((s) => s.kind === 'multigene_panel');
    expect(panel).toMatchObject({ panels: ['prostate', 'lynch'] });
    const genes = panel && 'genes' in panel ? panel.genes : [];
    expect(genes).toContain('HOXB13');
    expect(genes).toContain('MLH1');
    expect(new Set(genes).size).toBe(genes.length);
  });

  test('a known familial variant asks for testing of that variant', () => {
    const result = evaluateEligibility(profile({ knownFamilialVariant: { present: true, gene: 'BRCA1' } }));
    expect(kinds(nextSteps(result))).toEqual(['genetic_counselling', 'familial_variant_testing']);
  });

  test('needs_review: counselling without a panel; not_met: nothing', () => {
    const review = evaluateEligibility(profile({ knownFamilialVariant: { present: null } }));
    expect(kinds(nextSteps(review))).toEqual(['genetic_counselling']);
    expect(nextSteps(evaluateEligibility(profile()))).toEqual([]);
  });

  test('may_consider: counselling and the panel of the section', () => {
    const result = evaluateEligibility(
      profile({
        age: 63,
        personalCancers: [
          { type: 'breast', ageAtDiagnosis: 58, tripleNegative: false, lobular: false, multiplePrimary: false },
        ],
      }),
    );
    expect(result.outcome).toBe('may_consider');
    expect(kinds(nextSteps(result))).toEqual(['genetic_counselling', 'multigene_panel']);
  });

  test('chemoprevention from a BCRAT 5-year risk ≥ 1.67%', () => {
    const result = evaluateEligibility(profile());
    expect(kinds(nextSteps(result, { bcrat: { model: 'BCRAT', fiveYearRiskPct: 1.67 } }))).toEqual([
      'chemoprevention_discussion',
    ]);
    expect(nextSteps(result, { bcrat: { model: 'BCRAT', fiveYearRiskPct: 1.66 } })).toEqual([]);
  });

  test('supplemental MRI only from a Tyrer-Cuzick lifetime risk ≥ 20%, never from BCRAT', () => {
    const result = evaluateEligibility(
      profile({ relatives: [relative('mother', [{ type: 'breast', ageAtDiagnosis: 62 }])] }),
    );
    expect(kinds(nextSteps(result, { tyrerCuzick: { model: 'Tyrer-Cuzick', lifetimeRiskPct: 20 } }))).toEqual([
      'supplemental_mri',
    ]);
    expect(nextSteps(result, { tyrerCuzick: { model: 'Tyrer-Cuzick', lifetimeRiskPct: 19.9 } })).toEqual([]);
    // A BCRAT lifetime risk of 35% gives no MRI note.
    const bcratOnly = { bcrat: { model: 'BCRAT' as const, fiveYearRiskPct: 1.2, lifetimeRiskPct: 35 } };
    expect(nextSteps(result, bcratOnly)).toEqual([]);
    expect(nextSteps(result, { tyrerCuzick: null })).toEqual([]);
  });
});
