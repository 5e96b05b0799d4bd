import * as v from 'valibot';
import { unstorableText } from '../core/http/middleware/body.ts';
import { instant, text, uuid } from '../core/http/schemas.ts';
import { geneSymbol } from '../labs/labs.schemas.ts';

/**
 * The result webhook a lab sends (Standard Webhooks envelope `{ type, timestamp, data }`). It is the documented
 * contract for labs; the OpenAPI document carries it as the request body of `POST /webhooks/labs/{labId}`.
 *
 * - `data.orderId`: Genascope's order id (the reference the lab received with the order); `externalOrderId`, when
 *   given, must be the lab's id for that order.
 * - `reportStatus`: `preliminary` | `final` | `amended` | `corrected`. Every delivery adds a version; amended and
 *   corrected reports supersede the latest one, and nothing follows a final report except an amendment or a correction.
 * - `interpretation`: `positive` (a pathogenic or likely pathogenic variant), `negative`, or `uncertain` (variants of
 *   uncertain significance only).
 * - `variants`: gene, HGVS c. (and p. when protein-coding), zygosity, ACMG classification.
 * - `reportPdfBase64`: the signed report, optional.
 */
export const VARIANT_CLASSIFICATIONS = [
  'pathogenic',
  'likely_pathogenic',
  'uncertain_significance',
  'likely_benign',
  'benign',
] as const;
export const INTERPRETATIONS = ['positive', 'negative', 'uncertain'] as const;
const ACTIONABLE = new Set<string>(['pathogenic', 'likely_pathogenic']);

export const MAX_REPORT_PDF_BYTES = 4 * 1024 * 1024;

/**
 * Text PostgreSQL can store (no NUL, no lone surrogates). The webhook does not go through the JSON body middleware,
 * which refuses such text for every other route: here the contract refuses it, as a 400 rather than a database error.
 */
const storable = v.check(
  (value: string) => unstorableText(value) === undefined,
  'must be well-formed Unicode text without NUL characters',
);

export const variant = v.strictObject({
  gene: geneSymbol,
  hgvsC: v.pipe(v.string(), v.regex(/^c\.\S{1,200}$/, 'must be an HGVS coding DNA description (c.…)'), storable),
  hgvsP: v.optional(
    v.pipe(v.string(), v.regex(/^p\.\S{1,200}$/, 'must be an HGVS protein description (p.…)'), storable),
  ),
  zygosity: v.picklist(
    ['heterozygous', 'homozygous', 'hemizygous', 'unknown'],
    'must be heterozygous, homozygous, hemizygous or unknown',
  ),
  classification: v.picklist(VARIANT_CLASSIFICATIONS, `must be one of ${VARIANT_CLASSIFICATIONS.join(', ')}`),
});

export const labResultWebhookBody = v.strictObject({
  type: v.literal('lab_result.reported', 'must be lab_result.reported'),
  timestamp: instant,
  data: v.pipe(
    v.strictObject({
      orderId: uuid('orderId'),
      externalOrderId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255), storable)),
      reportStatus: v.picklist(
        ['preliminary', 'final', 'amended', 'corrected'],
        'must be preliminary, final, amended or corrected',
      ),
      reportedAt: instant,
      interpretation: v.picklist(INTERPRETATIONS, 'must be positive, negative or uncertain'),
      summary: v.optional(v.pipe(text(10_000), storable)),
      variants: v.pipe(v.array(variant), v.maxLength(500, 'must have at most 500 variants')),
      reportPdfBase64: v.optional(
        v.pipe(
          v.string(),
          v.regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64'),
          v.maxLength(Math.ceil(MAX_REPORT_PDF_BYTES / 3) * 4, `must be at most ${MAX_REPORT_PDF_BYTES} bytes`),
        ),
      ),
    }),
    v.forward(
      v.check(
        (d) => d.interpretation !== 'positive' || d.variants.some((x) => ACTIONABLE.has(x.classification)),
        'a positive result names a pathogenic or likely pathogenic variant',
      ),
      ['interpretation'],
    ),
    v.forward(
      v.check(
        (d) => d.interpretation === 'positive' || !d.variants.some((x) => ACTIONABLE.has(x.classification)),
        'a result with a pathogenic or likely pathogenic variant is positive',
      ),
      ['interpretation'],
    ),
  ),
});
export type LabResultWebhook = v.InferOutput<typeof labResultWebhookBody>;

export const labWebhookParams = v.strictObject({
  labId: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'must be a lab id')),
});

export const labWebhookAck = v.object({
  status: v.picklist(['processed', 'duplicate']),
  resultId: v.optional(v.string()),
  version: v.optional(v.number()),
});
