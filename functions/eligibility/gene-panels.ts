/**
 * Suggested multigene panels by the section of the criteria met. Genascope's suggestion compiled from the gene tables
 * of the NCCN guidelines the ruleset reads (BOPP v3.2026, CEG v1.2026); it is not part of the ruleset documents, is
 * reviewed with each ruleset version, and the ordering clinician chooses the actual lab test.
 */
export const GENE_PANELS = {
  breast_ovarian: {
    title: 'Hereditary breast and ovarian cancer',
    genes: ['BRCA1', 'BRCA2', 'PALB2', 'CDH1', 'PTEN', 'TP53', 'ATM', 'CHEK2', 'BARD1', 'BRIP1', 'RAD51C', 'RAD51D'],
  },
  lynch: { title: 'Lynch syndrome', genes: ['MLH1', 'MSH2', 'MSH6', 'PMS2', 'EPCAM'] },
  pancreatic: {
    title: 'Hereditary pancreatic cancer',
    genes: ['ATM', 'BRCA1', 'BRCA2', 'CDKN2A', 'PALB2', 'STK11', 'TP53', 'MLH1', 'MSH2', 'MSH6', 'PMS2', 'EPCAM'],
  },
  prostate: {
    title: 'Hereditary prostate cancer',
    genes: ['BRCA1', 'BRCA2', 'ATM', 'CHEK2', 'PALB2', 'HOXB13', 'TP53', 'MLH1', 'MSH2', 'MSH6', 'PMS2', 'EPCAM'],
  },
} as const satisfies Record<string, { title: string; genes: readonly string[] }>;

export type GenePanelId = keyof typeof GENE_PANELS;

/**
 * Ovarian cancer is also a Lynch-spectrum cancer, hence both panels for BOPP-CRIT-4. BOPP-CRIT-1 (a known familial
 * variant) has no panel of its own: next steps ask for testing of the familial variant.
 */
export const PANELS_BY_SECTION: Readonly<Record<string, readonly GenePanelId[]>> = {
  'BOPP-CRIT-2': ['breast_ovarian'],
  'BOPP-CRIT-3': ['breast_ovarian'],
  'BOPP-CRIT-4': ['breast_ovarian', 'lynch'],
  'BOPP-CRIT-5': ['pancreatic'],
  'BOPP-CRIT-6': ['prostate'],
  'CEG-LS': ['lynch'],
};
