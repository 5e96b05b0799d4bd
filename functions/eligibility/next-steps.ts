/**
 * The kinds of next step a clinician can act on, derived from an eligibility result and the risk figures at hand.
 * Pure; the wording is for the clinician, the `kind` for the software.
 */
import type { EligibilityResult } from './engine.ts';
import { GENE_PANELS, PANELS_BY_SECTION, type GenePanelId } from './gene-panels.ts';

/** NCCN Breast Cancer Risk Reduction: risk-reducing medication is discussed from a 5-year BCRAT risk of 1.67%. */
export const CHEMOPREVENTION_FIVE_YEAR_RISK_PCT = 1.67;
/** ACR/NCCN screening: supplemental MRI from a ≥ 20% lifetime risk by a family-history model (not by BCRAT). */
export const SUPPLEMENTAL_MRI_LIFETIME_RISK_PCT = 20;

const FAMILIAL_VARIANT_SECTION = 'BOPP-CRIT-1';

export interface RiskFigures {
  bcrat?: { model: 'BCRAT'; fiveYearRiskPct: number } | null;
  /** The `model` tag keeps a BCRAT lifetime risk from ever being passed here. */
  tyrerCuzick?: { model: 'Tyrer-Cuzick'; lifetimeRiskPct: number } | null;
}

export type NextStep =
  | { kind: 'genetic_counselling'; reason: string }
  | { kind: 'familial_variant_testing'; reason: string }
  | { kind: 'multigene_panel'; panels: GenePanelId[]; genes: string[]; reason: string }
  | { kind: 'chemoprevention_discussion'; reason: string }
  | { kind: 'supplemental_mri'; reason: string };

const COUNSELLING_REASON: Partial<Record<EligibilityResult['outcome'], string>> = {
  meets: 'Meets NCCN criteria for germline genetic testing',
  needs_review: 'Some NCCN criteria are undetermined because of unknown answers; review them with the patient',
  may_consider: 'Germline genetic testing may be considered under NCCN criteria',
};

function percent(value: number): string {
  return `${value.toFixed(2)}%`;
}

function metSections(result: Pick<EligibilityResult, 'criteria'>): Set<string> {
  return new Set(result.criteria.filter((c) => c.status === 'met').map((c) => c.section));
}

function panelStep(sections: ReadonlySet<string>): NextStep | null {
  const panels = [...new Set([...sections].flatMap((section) => PANELS_BY_SECTION[section] ?? []))];
  if (panels.length === 0) return null;
  return {
    kind: 'multigene_panel',
    panels,
    genes: [...new Set(panels.flatMap((panel) => GENE_PANELS[panel].genes))],
    reason: `Suggested for the criteria met: ${panels.map((panel) => GENE_PANELS[panel].title).join(', ')}`,
  };
}

export function nextSteps(
  result: Pick<EligibilityResult, 'outcome' | 'criteria'>,
  riskFigures: RiskFigures = {},
): NextStep[] {
  const steps: NextStep[] = [];
  const counselling = COUNSELLING_REASON[result.outcome];
  if (counselling) steps.push({ kind: 'genetic_counselling', reason: counselling });

  const sections = metSections(result);
  if (sections.has(FAMILIAL_VARIANT_SECTION)) {
    steps.push({
      kind: 'familial_variant_testing',
      reason:
        'A blood relative carries a known pathogenic variant: test for it (site-specific, or a panel that covers it); ' +
        "give the lab the relative's report",
    });
  }
  const panel = panelStep(sections);
  if (panel) steps.push(panel);

  const bcrat = riskFigures.bcrat;
  if (bcrat?.model === 'BCRAT' && bcrat.fiveYearRiskPct >= CHEMOPREVENTION_FIVE_YEAR_RISK_PCT) {
    steps.push({
      kind: 'chemoprevention_discussion',
      reason:
        `BCRAT 5-year invasive breast cancer risk ${percent(bcrat.fiveYearRiskPct)} ` +
        `(≥ ${CHEMOPREVENTION_FIVE_YEAR_RISK_PCT}%): discuss risk-reducing medication`,
    });
  }

  const tyrerCuzick = riskFigures.tyrerCuzick;
  if (tyrerCuzick?.model === 'Tyrer-Cuzick' && tyrerCuzick.lifetimeRiskPct >= SUPPLEMENTAL_MRI_LIFETIME_RISK_PCT) {
    steps.push({
      kind: 'supplemental_mri',
      reason:
        `Tyrer-Cuzick lifetime breast cancer risk ${percent(tyrerCuzick.lifetimeRiskPct)} ` +
        `(≥ ${SUPPLEMENTAL_MRI_LIFETIME_RISK_PCT}%): discuss annual supplemental breast MRI`,
    });
  }
  return steps;
}
