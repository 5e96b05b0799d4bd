import type { Db } from '../core/db.ts';
import { asJson } from '../core/sql.ts';

/**
 * The seeded lab catalogue (reference data): two labs and the usual hereditary-cancer tests. Lab names are
 * invented. `sandbox` is served by the sandbox adapter (local mode, test stages); a real lab needs its adapter
 * and webhook secret, so labs are added here, while super_admin manages their tests through the API.
 */
const BREAST_OVARIAN = [
  'BRCA1',
  'BRCA2',
  'PALB2',
  'CDH1',
  'PTEN',
  'TP53',
  'ATM',
  'CHEK2',
  'BARD1',
  'BRIP1',
  'RAD51C',
  'RAD51D',
];
const LYNCH = ['MLH1', 'MSH2', 'MSH6', 'PMS2', 'EPCAM'];
const COMPREHENSIVE = [
  ...BREAST_OVARIAN,
  ...LYNCH,
  'APC',
  'MUTYH',
  'STK11',
  'SMAD4',
  'BMPR1A',
  'POLE',
  'POLD1',
  'GREM1',
  'AXIN2',
  'MSH3',
  'NTHL1',
  'CDKN2A',
  'CDK4',
  'BAP1',
  'MITF',
  'NBN',
  'NF1',
  'HOXB13',
  'CTNNA1',
  'RET',
  'MEN1',
  'VHL',
  'SDHA',
  'SDHAF2',
  'SDHB',
  'SDHC',
  'SDHD',
  'MAX',
  'TMEM127',
  'FH',
  'FLCN',
  'MET',
  'TSC1',
  'TSC2',
  'WT1',
  'DICER1',
];

export const SEED_LABS = [
  { id: 'sandbox', name: 'Sandbox Genetics Laboratory' },
  { id: 'cedar-genomics', name: 'Cedar Genomics Laboratory' },
] as const;

export const SEED_LAB_TESTS: readonly { labId: string; testType: string; name: string; genes: readonly string[] }[] = [
  {
    labId: 'sandbox',
    testType: 'breast-ovarian-panel',
    name: 'Breast and Ovarian Cancer Panel (12 genes)',
    genes: BREAST_OVARIAN,
  },
  { labId: 'sandbox', testType: 'lynch-panel', name: 'Lynch Syndrome Panel (5 genes)', genes: LYNCH },
  {
    labId: 'sandbox',
    testType: 'comprehensive-panel',
    name: `Comprehensive Hereditary Cancer Panel (${COMPREHENSIVE.length} genes)`,
    genes: COMPREHENSIVE,
  },
  // The gene and variant of a single-site test are the family's known variant, given in the order's notes.
  { labId: 'sandbox', testType: 'single-site', name: 'Single-Site Familial Variant Test', genes: [] },
  {
    labId: 'cedar-genomics',
    testType: 'breast-ovarian-panel',
    name: 'Hereditary Breast and Ovarian Cancer Panel',
    genes: BREAST_OVARIAN,
  },
  { labId: 'cedar-genomics', testType: 'lynch-panel', name: 'Lynch Syndrome and Colorectal Panel', genes: LYNCH },
  {
    labId: 'cedar-genomics',
    testType: 'comprehensive-panel',
    name: 'Comprehensive Cancer Risk Panel',
    genes: COMPREHENSIVE,
  },
  { labId: 'cedar-genomics', testType: 'single-site', name: 'Known Familial Variant Analysis', genes: [] },
];

/** Inserts missing labs and tests; rows super_admin has edited are left as they are. Idempotent. */
export async function syncLabCatalogue(db: Db): Promise<void> {
  await db
    .insertInto('labs')
    .values(SEED_LABS.map((lab) => ({ id: lab.id, name: lab.name })))
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  await db
    .insertInto('lab_tests')
    .values(
      SEED_LAB_TESTS.map((t) => ({ lab_id: t.labId, test_type: t.testType, name: t.name, genes: asJson(t.genes) })),
    )
    .onConflict((oc) => oc.columns(['lab_id', 'test_type']).doNothing())
    .execute();
}
