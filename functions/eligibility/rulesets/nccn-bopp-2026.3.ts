/**
 * Ruleset NCCN-BOPP-2026.3 + CEG-2026.1, Genascope's reading (shared/domain/NCCN_RULES.md): germline testing criteria
 * of NCCN "Genetic/Familial High-Risk Assessment: Breast, Ovarian, Pancreatic, and Prostate" v3.2026 and, for Lynch
 * syndrome, "Colorectal, Endometrial, Esophageal, and Gastric" v1.2026. Decision support, not a diagnosis.
 *
 * Each criterion is data (id, category, title) plus a small predicate over the profile in three-valued logic.
 */
import { allOf, anyOf, atLeast, fact, known, not, unknownAt, TRUE, type Finding } from '../logic.ts';
import type { RiskProfile } from '../risk-profile.schema.ts';
import { degreeOf } from '../relationships.ts';
import {
  criterion,
  judge,
  notMet,
  type Candidate,
  type Criterion,
  type CriterionEvaluation,
  type Ruleset,
} from './criterion.ts';
import {
  SIDES,
  cancerName,
  cancersOfRelative,
  describe,
  diagnosedAt,
  exocrineText,
  histologyText,
  diagnoses,
  epithelialOvarian,
  exocrinePancreatic,
  feature,
  featureText,
  highRiskProstate,
  lynchSpectrum,
  isMale,
  mmrDeficient,
  ofType,
  owner,
  personalCancers,
  personalCancersOfType,
  qualifying,
  relativeCancers,
  relativeCancersOfType,
  relatives,
  relativesOnSide,
  riskGroupIn,
  type CancerOf,
  type CancerRef,
  type RelativeRef,
} from './facts.ts';

export const NCCN_BOPP_2026_3_ID = 'NCCN-BOPP-2026.3+CEG-2026.1';

const CLINICALLY_INDICATED = 'clinically_indicated';
const MAY_CONSIDER = 'may_consider';

// ---- shared pieces ----

function ashkenazi(profile: RiskProfile): Finding {
  return known(profile.ashkenaziJewish, 'ashkenaziJewish', (value) => value);
}

function ashkenaziText(finding: Finding): string {
  if (finding.value === null) return 'Ashkenazi Jewish ancestry unknown';
  return finding.value ? 'Ashkenazi Jewish ancestry' : 'not Ashkenazi Jewish';
}

/** One candidate per cancer. */
function perCancer<C extends CancerRef>(
  refs: readonly C[],
  condition: (ref: C) => Finding,
  text: (ref: C, finding: Finding) => string,
): Candidate[] {
  return refs.map((ref) => {
    const finding = condition(ref);
    return { finding, evidence: [ref.path], text: text(ref, finding) };
  });
}

/** "Personal <type> cancer with any of …": not met without such a cancer; its paths join every candidate's evidence. */
function withPersonal(
  profile: RiskProfile,
  type: 'breast' | 'prostate',
  candidates: readonly Candidate[],
  whenNotMet: string,
): CriterionEvaluation {
  const own = personalCancersOfType(profile, type);
  if (own.length === 0) return notMet(`No personal ${cancerName(type)}`);
  const ownPaths = own.map((ref) => ref.path);
  return judge(
    candidates.map((c) => ({ ...c, evidence: [...new Set([...ownPaths, ...c.evidence])] })),
    whenNotMet,
  );
}

function ashkenaziCandidate(profile: RiskProfile): Candidate {
  const finding = ashkenazi(profile);
  return { finding, evidence: ['ashkenaziJewish'], text: ashkenaziText(finding) };
}

/** ≥ 1 close blood relative with breast cancer ≤ 50, male breast, ovarian, pancreatic or high-risk prostate cancer. */
function closeRelativeCandidates(profile: RiskProfile): Candidate[] {
  const refs = relativeCancers(profile);
  const candidate = (ref: CancerRef, finding: Finding, details: string[] = [], requirement?: string): Candidate => ({
    finding,
    evidence: [ref.path],
    text: describe(profile, ref, details, requirement),
  });
  return [
    ...ofType(refs, 'breast').map((ref) =>
      isMale(ref)
        ? candidate(ref, TRUE, ['male breast cancer'])
        : candidate(ref, diagnosedAt(profile, ref, '<=', 50), [], '≤ 50'),
    ),
    ...ofType(refs, 'ovarian').map((ref) => candidate(ref, epithelialOvarian(ref), [histologyText(ref)])),
    ...ofType(refs, 'pancreatic').map((ref) => candidate(ref, exocrinePancreatic(ref), [exocrineText(ref)])),
    ...ofType(refs, 'prostate').map((ref) => {
      const { metastatic, highRiskGroup } = highRiskProstate(ref);
      const details = [...featureText(metastatic, 'metastatic'), ...featureText(highRiskGroup, 'high-risk group')];
      return candidate(ref, anyOf(metastatic, highRiskGroup), details);
    }),
  ];
}

/** ≥ 3 breast and/or prostate diagnoses on one side of the family, counting the patient's own. */
function sameSideCandidates(profile: RiskProfile): Candidate[] {
  const own = personalCancersOfType(profile, 'breast', 'prostate');
  return SIDES.map((side) => {
    const family = relativesOnSide(profile, side).flatMap((ref) =>
      ofType(cancersOfRelative(ref), 'breast', 'prostate'),
    );
    const refs = [...own, ...family];
    const findings = refs.flatMap(diagnoses);
    const counted = findings.filter((f) => f.value === true).length;
    return {
      finding: atLeast(3, findings),
      evidence: refs.map((ref) => ref.path),
      text: `${counted} breast/prostate cancer diagnoses on the ${side} side, counting the patient's (≥ 3)`,
    };
  });
}

/** Met when any criterion of `section` is met, unknown when none is met but some is undetermined. */
function sectionMet(profile: RiskProfile, section: readonly Criterion[]): Finding {
  return anyOf(
    ...section.map((c) => {
      const { status, unknowns } = c.evaluate(profile);
      return status === 'undetermined' ? unknownAt(...unknowns) : fact(status === 'met');
    }),
  );
}

function carrierProbability(profile: RiskProfile, test: (p: number) => boolean, range: string): CriterionEvaluation {
  const probability = profile.brcaCarrierProbability;
  // Absent means no model was run: not an unknown patient answer (else every profile would need review).
  if (probability === null) return notMet('No BRCA1/2 carrier probability from a model was provided');
  const percent = `${(probability * 100).toFixed(1)}%`;
  return judge(
    [
      {
        finding: fact(test(probability)),
        evidence: ['brcaCarrierProbability'],
        text: `Model BRCA1/2 carrier probability ${percent} (${range})`,
      },
    ],
    `Model BRCA1/2 carrier probability ${percent} is not ${range}`,
  );
}

function firstOrSecondDegree(ref: RelativeRef): boolean {
  return degreeOf(ref.relative) <= 2;
}

/** A relative's Lynch-spectrum cancers (always decidable for a relative). */
function lynchCancersOf(ref: RelativeRef): CancerRef[] {
  return cancersOfRelative(ref).filter((cancer) => lynchSpectrum(cancer).value === true);
}

/** The patient's cancers that are or may be Lynch-spectrum. */
function possiblyLynch(profile: RiskProfile): CancerRef[] {
  return personalCancers(profile).filter((ref) => lynchSpectrum(ref).value !== false);
}

function lynchText(ref: CancerRef): string[] {
  return lynchSpectrum(ref).value === null ? ['histology unknown (Lynch-spectrum if epithelial)'] : [];
}

/** Those of `refs` who are 1st/2nd-degree relatives with at least one Lynch-spectrum cancer. */
function relativesWithLynchCancers(refs: readonly RelativeRef[]): RelativeRef[] {
  return refs.filter((ref) => firstOrSecondDegree(ref) && lynchCancersOf(ref).length > 0);
}

function relativeNames(refs: readonly RelativeRef[]): string {
  return refs.map(owner).join(', ');
}

// ---- BOPP-CRIT-1 ----

const crit1: Criterion[] = [
  criterion({
    id: 'BOPP-CRIT-1.familial-variant',
    category: CLINICALLY_INDICATED,
    title: 'Known pathogenic/likely pathogenic variant in a blood relative',
    evaluate: (profile) => {
      const { present, gene } = profile.knownFamilialVariant;
      const finding = known(present, 'knownFamilialVariant.present', (value) => value);
      const text =
        present === null
          ? 'Unknown whether a blood relative carries a known pathogenic variant'
          : `A blood relative carries a known pathogenic/likely pathogenic variant${gene ? ` in ${gene}` : ''}`;
      return judge([{ finding, evidence: ['knownFamilialVariant'], text }], 'No known familial pathogenic variant');
    },
  }),
];

// ---- BOPP-CRIT-2 ----

const crit2: Criterion[] = [
  criterion({
    id: 'BOPP-CRIT-2.age-50',
    category: CLINICALLY_INDICATED,
    title: 'Personal breast cancer diagnosed at ≤ 50',
    evaluate: (profile) =>
      judge(
        perCancer(
          personalCancersOfType(profile, 'breast'),
          (ref) => diagnosedAt(profile, ref, '<=', 50),
          (ref) => describe(profile, ref, [], '≤ 50'),
        ),
        'No personal breast cancer diagnosed at ≤ 50',
      ),
  }),
  criterion({
    id: 'BOPP-CRIT-2.triple-negative',
    category: CLINICALLY_INDICATED,
    title: 'Personal triple-negative breast cancer',
    evaluate: (profile) =>
      judge(
        perCancer(
          personalCancersOfType(profile, 'breast'),
          (ref) => feature(ref, 'tripleNegative'),
          (ref, f) => describe(profile, ref, featureText(f, 'triple-negative')),
        ),
        'No personal triple-negative breast cancer',
      ),
  }),
  criterion({
    id: 'BOPP-CRIT-2.multiple-primary',
    category: CLINICALLY_INDICATED,
    title: 'Multiple primary breast cancers',
    evaluate: (profile) => {
      const breast = personalCancersOfType(profile, 'breast');
      const separate: Candidate[] =
        breast.length >= 2
          ? [
              {
                finding: TRUE,
                evidence: breast.map((ref) => ref.path),
                text: `${breast.length} separate breast cancers`,
              },
            ]
          : [];
      return judge(
        [
          ...separate,
          ...perCancer(
            breast,
            (ref) => feature(ref, 'multiplePrimary'),
            (ref, f) => describe(profile, ref, featureText(f, 'multiple primaries')),
          ),
        ],
        'No multiple primary breast cancers',
      );
    },
  }),
  criterion({
    id: 'BOPP-CRIT-2.lobular-diffuse-gastric',
    category: CLINICALLY_INDICATED,
    title: 'Lobular breast cancer with personal or close-relative diffuse gastric cancer',
    evaluate: (profile) => {
      const gastric = [...personalCancersOfType(profile, 'gastric'), ...relativeCancersOfType(profile, 'gastric')];
      const candidates = personalCancersOfType(profile, 'breast').flatMap((breast) => {
        const lobular = feature(breast, 'lobular');
        return gastric.map((stomach): Candidate => {
          const diffuse = feature(stomach, 'diffuseGastric');
          return {
            finding: allOf(lobular, diffuse),
            evidence: [breast.path, stomach.path],
            text: [
              describe(profile, breast, featureText(lobular, 'lobular')),
              describe(profile, stomach, featureText(diffuse, 'diffuse type')),
            ].join('; '),
          };
        });
      });
      return judge(
        candidates,
        'No lobular breast cancer with a diffuse gastric cancer in the patient or a close relative',
      );
    },
  }),
  criterion({
    id: 'BOPP-CRIT-2.male',
    category: CLINICALLY_INDICATED,
    title: 'Male breast cancer',
    evaluate: (profile) =>
      withPersonal(
        profile,
        'breast',
        [{ finding: fact(profile.sex === 'male'), evidence: ['sex'], text: 'Breast cancer in a male patient' }],
        'The patient is not male',
      ),
  }),
  criterion({
    id: 'BOPP-CRIT-2.ashkenazi',
    category: CLINICALLY_INDICATED,
    title: 'Breast cancer with Ashkenazi Jewish ancestry',
    evaluate: (profile) =>
      withPersonal(profile, 'breast', [ashkenaziCandidate(profile)], 'Breast cancer without Ashkenazi Jewish ancestry'),
  }),
  criterion({
    id: 'BOPP-CRIT-2.close-relative',
    category: CLINICALLY_INDICATED,
    title:
      'Breast cancer and a close relative with breast ≤ 50, male breast, ovarian, pancreatic or high-risk prostate cancer',
    evaluate: (profile) =>
      withPersonal(profile, 'breast', closeRelativeCandidates(profile), 'No close relative with a qualifying cancer'),
  }),
  criterion({
    id: 'BOPP-CRIT-2.three-same-side',
    category: CLINICALLY_INDICATED,
    title: 'Breast cancer and ≥ 3 breast/prostate diagnoses on one side of the family, counting the patient',
    evaluate: (profile) =>
      withPersonal(
        profile,
        'breast',
        sameSideCandidates(profile),
        'Fewer than 3 breast/prostate diagnoses on either side',
      ),
  }),
  criterion({
    id: 'BOPP-CRIT-2.family-relative-meets',
    category: CLINICALLY_INDICATED,
    title: 'A qualifying relative with breast cancer meeting a personal criterion',
    evaluate: (profile) => {
      const candidates = relatives(profile).flatMap((relative) => {
        const isQualifying = qualifying(relative);
        const breast = ofType(cancersOfRelative(relative), 'breast');
        return breast.map((ref): Candidate => {
          const young = diagnosedAt(profile, ref, '<=', 50);
          const tripleNegative = feature(ref, 'tripleNegative');
          const multiple = anyOf(feature(ref, 'multiplePrimary'), fact(breast.length >= 2));
          const male = fact(isMale(ref));
          const jewish = ashkenazi(profile);
          const reasons = [
            ...(young.value === true ? ['≤ 50'] : []),
            ...featureText(tripleNegative, 'triple-negative'),
            ...featureText(multiple, 'multiple primaries'),
            ...(male.value ? ['male breast cancer'] : []),
            ...(jewish.value === true ? ['Ashkenazi Jewish family'] : []),
          ];
          const open = [
            ...(jewish.value === null ? [ashkenaziText(jewish)] : []),
            ...(isQualifying.value === null ? ['unknown whether related through two males'] : []),
          ];
          return {
            finding: allOf(isQualifying, anyOf(young, tripleNegative, multiple, male, jewish)),
            evidence: [ref.path],
            text: describe(profile, ref, open, reasons.join(', ') || undefined),
          };
        });
      });
      return judge(candidates, 'No qualifying relative whose breast cancer meets a personal criterion');
    },
  }),
  criterion({
    id: 'BOPP-CRIT-2.model-5pct',
    category: CLINICALLY_INDICATED,
    title: 'BRCA1/2 carrier probability > 5% by a probability model',
    evaluate: (profile) => carrierProbability(profile, (p) => p > 0.05, '> 5%'),
  }),
];

// ---- BOPP-CRIT-3 ----

const crit3: Criterion[] = [
  criterion({
    id: 'BOPP-CRIT-3.age-65',
    category: MAY_CONSIDER,
    title: 'Personal breast cancer diagnosed at ≤ 65 not meeting BOPP-CRIT-2',
    evaluate: (profile) => {
      // Unknown while a CRIT-2 criterion is undetermined, so that learning more never un-meets this criterion.
      const outsideCrit2 = not(sectionMet(profile, crit2));
      const note = outsideCrit2.value === null ? ['if no BOPP-CRIT-2 criterion is met'] : [];
      return judge(
        perCancer(
          personalCancersOfType(profile, 'breast'),
          (ref) => allOf(diagnosedAt(profile, ref, '<=', 65), outsideCrit2),
          (ref) => describe(profile, ref, note, '≤ 65'),
        ),
        'No personal breast cancer at ≤ 65 outside BOPP-CRIT-2',
      );
    },
  }),
  criterion({
    id: 'BOPP-CRIT-3.relative-intermediate-prostate',
    category: MAY_CONSIDER,
    title: 'Breast cancer and a close relative with intermediate-risk intraductal/cribriform prostate cancer',
    evaluate: (profile) =>
      withPersonal(
        profile,
        'breast',
        perCancer(
          relativeCancersOfType(profile, 'prostate'),
          (ref) => allOf(riskGroupIn(ref, ['intermediate']), feature(ref, 'intraductalOrCribriform')),
          (ref) => describe(profile, ref, ['intermediate risk, intraductal/cribriform']),
        ),
        'No close relative with intermediate-risk intraductal/cribriform prostate cancer',
      ),
  }),
  criterion({
    id: 'BOPP-CRIT-3.model-2.5-5pct',
    category: MAY_CONSIDER,
    title: 'BRCA1/2 carrier probability 2.5–5% by a probability model',
    evaluate: (profile) => carrierProbability(profile, (p) => p >= 0.025 && p <= 0.05, '2.5–5%'),
  }),
];

// ---- BOPP-CRIT-4 ----

const crit4: Criterion[] = [
  criterion({
    id: 'BOPP-CRIT-4.epithelial',
    category: CLINICALLY_INDICATED,
    title: 'Personal epithelial ovarian cancer (fallopian tube and primary peritoneal included)',
    evaluate: (profile) =>
      judge(
        perCancer(personalCancersOfType(profile, 'ovarian'), epithelialOvarian, (ref) =>
          describe(profile, ref, [histologyText(ref)]),
        ),
        'No personal epithelial ovarian cancer',
      ),
  }),
  criterion({
    id: 'BOPP-CRIT-4.non-epithelial-rare',
    category: CLINICALLY_INDICATED,
    title: 'Personal ovarian SCTAT or SCCOHT',
    evaluate: (profile) =>
      judge(
        perCancer(
          personalCancersOfType(profile, 'ovarian'),
          (ref) => known(ref.cancer.histology, `${ref.path}.histology`, (h) => h === 'sctat' || h === 'sccoht'),
          (ref) => describe(profile, ref, [histologyText(ref)]),
        ),
        'No personal ovarian SCTAT or SCCOHT',
      ),
  }),
  criterion({
    id: 'BOPP-CRIT-4.family-epithelial',
    category: CLINICALLY_INDICATED,
    title: 'A qualifying relative with epithelial (or unknown-histology) ovarian cancer',
    evaluate: (profile) =>
      judge(
        relatives(profile).flatMap((relative) => {
          const isQualifying = qualifying(relative);
          return perCancer(
            ofType(cancersOfRelative(relative), 'ovarian'),
            (ref) => allOf(isQualifying, epithelialOvarian(ref)),
            (ref) =>
              describe(profile, ref, [
                histologyText(ref),
                ...(isQualifying.value === null ? ['unknown whether related through two males'] : []),
              ]),
          );
        }),
        'No qualifying relative with epithelial ovarian cancer',
      ),
  }),
];

// ---- BOPP-CRIT-5 ----

const crit5: Criterion[] = [
  criterion({
    id: 'BOPP-CRIT-5.exocrine',
    category: CLINICALLY_INDICATED,
    title: 'Personal exocrine pancreatic cancer (acinar included)',
    evaluate: (profile) =>
      judge(
        perCancer(personalCancersOfType(profile, 'pancreatic'), exocrinePancreatic, (ref) =>
          describe(profile, ref, [exocrineText(ref)]),
        ),
        'No personal exocrine pancreatic cancer',
      ),
  }),
  criterion({
    id: 'BOPP-CRIT-5.first-degree-untestable',
    category: CLINICALLY_INDICATED,
    title: 'A first-degree relative with exocrine pancreatic cancer who has not been tested',
    evaluate: (profile) =>
      judge(
        relatives(profile)
          .filter((relative) => degreeOf(relative.relative) === 1)
          .flatMap((relative) => {
            const { testStatus } = relative.relative;
            // The document's test: neither "negative" nor "positive"; an unreported status passes it.
            const untested = fact(testStatus !== 'negative' && testStatus !== 'positive');
            return perCancer(
              ofType(cancersOfRelative(relative), 'pancreatic'),
              (ref) => allOf(exocrinePancreatic(ref), untested),
              (ref) =>
                describe(profile, ref, [
                  exocrineText(ref),
                  testStatus === null ? 'germline test status not reported' : `germline test: ${testStatus}`,
                ]),
            ).map((c) => ({ ...c, evidence: [...c.evidence, `${relative.path}.testStatus`] }));
          }),
        'No untested first-degree relative with exocrine pancreatic cancer',
      ),
  }),
];

// ---- BOPP-CRIT-6 ----

const personalProstate = (
  profile: RiskProfile,
  condition: (ref: CancerRef<CancerOf<'prostate'>>) => Finding,
  details: (ref: CancerRef<CancerOf<'prostate'>>, finding: Finding) => string[],
  whenNotMet: string,
  requirement?: string,
) =>
  judge(
    perCancer(personalCancersOfType(profile, 'prostate'), condition, (ref, f) =>
      describe(profile, ref, details(ref, f), requirement),
    ),
    whenNotMet,
  );

function riskGroupText(ref: CancerRef<CancerOf<'prostate'>>): string {
  return ref.cancer.riskGroup === null ? 'risk group unknown' : `${ref.cancer.riskGroup.replace('_', ' ')} risk`;
}

const crit6: Criterion[] = [
  criterion({
    id: 'BOPP-CRIT-6.metastatic',
    category: CLINICALLY_INDICATED,
    title: 'Personal metastatic prostate cancer',
    evaluate: (profile) =>
      personalProstate(
        profile,
        (ref) => feature(ref, 'metastatic'),
        (_, f) => featureText(f, 'metastatic'),
        'No personal metastatic prostate cancer',
      ),
  }),
  criterion({
    id: 'BOPP-CRIT-6.high-risk',
    category: CLINICALLY_INDICATED,
    title: 'Personal high- or very-high-risk prostate cancer',
    evaluate: (profile) =>
      personalProstate(
        profile,
        (ref) => riskGroupIn(ref, ['high', 'very_high']),
        (ref) => [riskGroupText(ref)],
        'No personal high-risk prostate cancer',
      ),
  }),
  criterion({
    id: 'BOPP-CRIT-6.ashkenazi',
    category: CLINICALLY_INDICATED,
    title: 'Prostate cancer with Ashkenazi Jewish ancestry',
    evaluate: (profile) =>
      withPersonal(
        profile,
        'prostate',
        [ashkenaziCandidate(profile)],
        'Prostate cancer without Ashkenazi Jewish ancestry',
      ),
  }),
  criterion({
    id: 'BOPP-CRIT-6.close-relative',
    category: CLINICALLY_INDICATED,
    title:
      'Prostate cancer and a close relative with breast ≤ 50, male breast, ovarian, pancreatic or high-risk prostate cancer',
    evaluate: (profile) =>
      withPersonal(profile, 'prostate', closeRelativeCandidates(profile), 'No close relative with a qualifying cancer'),
  }),
  criterion({
    id: 'BOPP-CRIT-6.three-same-side',
    category: CLINICALLY_INDICATED,
    title: 'Prostate cancer and ≥ 3 prostate/breast diagnoses on one side of the family, counting the patient',
    evaluate: (profile) =>
      withPersonal(
        profile,
        'prostate',
        sameSideCandidates(profile),
        'Fewer than 3 breast/prostate diagnoses on either side',
      ),
  }),
  criterion({
    id: 'BOPP-CRIT-6.family-relative-meets',
    category: CLINICALLY_INDICATED,
    title: 'A 1st- or 2nd-degree relative with metastatic or high-risk prostate cancer',
    evaluate: (profile) =>
      judge(
        perCancer(
          relatives(profile)
            .filter(firstOrSecondDegree)
            .flatMap((ref) => ofType(cancersOfRelative(ref), 'prostate')),
          (ref) => {
            const { metastatic, highRiskGroup } = highRiskProstate(ref);
            return anyOf(metastatic, highRiskGroup);
          },
          (ref) => describe(profile, ref, [...(ref.cancer.metastatic ? ['metastatic'] : []), riskGroupText(ref)]),
        ),
        'No 1st/2nd-degree relative with metastatic or high-risk prostate cancer',
      ),
  }),
  criterion({
    id: 'BOPP-CRIT-6.age-55',
    category: MAY_CONSIDER,
    title: 'Personal prostate cancer diagnosed at ≤ 55',
    evaluate: (profile) =>
      personalProstate(
        profile,
        (ref) => diagnosedAt(profile, ref, '<=', 55),
        () => [],
        'No personal prostate cancer at ≤ 55',
        '≤ 55',
      ),
  }),
  criterion({
    id: 'BOPP-CRIT-6.intermediate-cribriform',
    category: MAY_CONSIDER,
    title: 'Personal intermediate-risk prostate cancer with intraductal/cribriform histology',
    evaluate: (profile) =>
      personalProstate(
        profile,
        (ref) => allOf(riskGroupIn(ref, ['intermediate']), feature(ref, 'intraductalOrCribriform')),
        (ref) => [
          riskGroupText(ref),
          ...featureText(feature(ref, 'intraductalOrCribriform'), 'intraductal/cribriform'),
        ],
        'No personal intermediate-risk intraductal/cribriform prostate cancer',
      ),
  }),
];

// ---- CEG-LS (Lynch syndrome) ----

const ageCriterion = (
  profile: RiskProfile,
  refs: readonly CancerRef[],
  comparison: '<' | '>=',
  limit: number,
  whenNotMet: string,
) =>
  judge(
    perCancer(
      refs,
      (ref) => allOf(lynchSpectrum(ref), diagnosedAt(profile, ref, comparison, limit)),
      (ref) => describe(profile, ref, lynchText(ref), `${comparison === '<' ? '<' : '≥'} ${limit}`),
    ),
    whenNotMet,
  );

const cegLs: Criterion[] = [
  criterion({
    id: 'CEG-LS.personal-under-50',
    category: CLINICALLY_INDICATED,
    title: 'Personal colorectal, endometrial, gastric or other Lynch-spectrum cancer diagnosed < 50',
    evaluate: (profile) =>
      ageCriterion(profile, possiblyLynch(profile), '<', 50, 'No personal Lynch-spectrum cancer diagnosed < 50'),
  }),
  criterion({
    id: 'CEG-LS.endometrial-any-age',
    category: CLINICALLY_INDICATED,
    title: 'Personal endometrial cancer at any age',
    evaluate: (profile) =>
      judge(
        perCancer(
          personalCancersOfType(profile, 'endometrial'),
          () => TRUE,
          (ref) => describe(profile, ref),
        ),
        'No personal endometrial cancer',
      ),
  }),
  criterion({
    id: 'CEG-LS.colorectal-50-plus',
    category: CLINICALLY_INDICATED,
    title: 'Personal colorectal cancer diagnosed at ≥ 50 (NCCN category 2B)',
    evaluate: (profile) =>
      ageCriterion(
        profile,
        personalCancersOfType(profile, 'colorectal'),
        '>=',
        50,
        'No personal colorectal cancer at ≥ 50',
      ),
  }),
  criterion({
    id: 'CEG-LS.gastric-50-plus',
    category: CLINICALLY_INDICATED,
    title: 'Personal gastric cancer diagnosed at ≥ 50 (NCCN category 2B)',
    evaluate: (profile) =>
      ageCriterion(profile, personalCancersOfType(profile, 'gastric'), '>=', 50, 'No personal gastric cancer at ≥ 50'),
  }),
  criterion({
    id: 'CEG-LS.mmr-deficient',
    category: CLINICALLY_INDICATED,
    title: 'A personal tumour with mismatch-repair deficiency',
    evaluate: (profile) =>
      judge(
        perCancer(personalCancers(profile), mmrDeficient, (ref) => describe(profile, ref, ['MMR deficient'])),
        'No personal MMR-deficient tumour reported',
      ),
  }),
  criterion({
    id: 'CEG-LS.multiple-ls',
    category: CLINICALLY_INDICATED,
    title: 'Two or more personal Lynch-spectrum cancers',
    evaluate: (profile) => {
      const lynch = possiblyLynch(profile);
      return judge(
        [
          {
            finding: atLeast(2, lynch.map(lynchSpectrum)),
            evidence: lynch.map((ref) => ref.path),
            text: lynch.map((ref) => describe(profile, ref, lynchText(ref))).join('; '),
          },
        ],
        'Fewer than two personal Lynch-spectrum cancers',
      );
    },
  }),
  criterion({
    id: 'CEG-LS.ls-plus-family',
    category: CLINICALLY_INDICATED,
    title:
      'Personal Lynch-spectrum cancer and a 1st/2nd-degree relative with one < 50, or two such relatives at any age',
    evaluate: (profile) => {
      const own = possiblyLynch(profile);
      if (own.length === 0) return notMet('No personal Lynch-spectrum cancer');
      const ownLynch = anyOf(...own.map(lynchSpectrum));
      const ownText = own.map((ref) => describe(profile, ref, lynchText(ref))).join('; ');
      const affected = relativesWithLynchCancers(relatives(profile));
      const young = perCancer(
        affected.flatMap(lynchCancersOf),
        (ref) => diagnosedAt(profile, ref, '<', 50),
        (ref) => describe(profile, ref, [], '< 50'),
      );
      const two: Candidate = {
        finding: fact(affected.length >= 2),
        evidence: affected.flatMap(lynchCancersOf).map((ref) => ref.path),
        text: `${affected.length} 1st/2nd-degree relatives with Lynch-spectrum cancers (${relativeNames(affected)})`,
      };
      return judge(
        [two, ...young].map((c) => ({
          finding: allOf(ownLynch, c.finding),
          evidence: [...own.map((ref) => ref.path), ...c.evidence],
          text: `${ownText}; ${c.text}`,
        })),
        'No 1st/2nd-degree relative with a Lynch-spectrum cancer < 50, and fewer than two at any age',
      );
    },
  }),
  criterion({
    id: 'CEG-LS.family-fdr-under-50',
    category: CLINICALLY_INDICATED,
    title: 'A first-degree relative with colorectal, endometrial or gastric cancer < 50',
    evaluate: (profile) =>
      ageCriterion(
        profile,
        relatives(profile)
          .filter((ref) => degreeOf(ref.relative) === 1)
          .flatMap((ref) => ofType(cancersOfRelative(ref), 'colorectal', 'endometrial', 'gastric')),
        '<',
        50,
        'No first-degree relative with colorectal, endometrial or gastric cancer < 50',
      ),
  }),
  criterion({
    id: 'CEG-LS.family-two-with-one-under-50',
    category: CLINICALLY_INDICATED,
    title: '≥ 2 1st/2nd-degree relatives on one side with Lynch-spectrum cancers, ≥ 1 diagnosed < 50',
    evaluate: (profile) =>
      judge(
        SIDES.map((side): Candidate => {
          const affected = relativesWithLynchCancers(relativesOnSide(profile, side));
          const cancers = affected.flatMap(lynchCancersOf);
          return {
            finding: allOf(
              fact(affected.length >= 2),
              anyOf(...cancers.map((ref) => diagnosedAt(profile, ref, '<', 50))),
            ),
            evidence: cancers.map((ref) => ref.path),
            text: `${side} side: ${cancers.map((ref) => describe(profile, ref)).join('; ')} (≥ 1 < 50)`,
          };
        }),
        'Fewer than two 1st/2nd-degree relatives on one side with Lynch-spectrum cancers, one < 50',
      ),
  }),
  criterion({
    id: 'CEG-LS.family-three',
    category: CLINICALLY_INDICATED,
    title: '≥ 3 1st/2nd-degree relatives on one side with Lynch-spectrum cancers, any age',
    evaluate: (profile) =>
      judge(
        SIDES.map((side): Candidate => {
          const affected = relativesWithLynchCancers(relativesOnSide(profile, side));
          return {
            finding: fact(affected.length >= 3),
            evidence: affected.flatMap(lynchCancersOf).map((ref) => ref.path),
            text: `${side} side: ${affected.length} relatives with Lynch-spectrum cancers (${relativeNames(affected)})`,
          };
        }),
        'Fewer than three 1st/2nd-degree relatives on one side with Lynch-spectrum cancers',
      ),
  }),
];

export const nccnBopp2026_3: Ruleset = {
  id: NCCN_BOPP_2026_3_ID,
  title: 'NCCN Breast/Ovarian/Pancreatic/Prostate v3.2026 and Colorectal/Endometrial/Gastric (Lynch) v1.2026',
  criteria: [...crit1, ...crit2, ...crit3, ...crit4, ...crit5, ...crit6, ...cegLs],
};
