import * as v from 'valibot';
import { text } from '../core/http/schemas.ts';
import { INTERPRETATIONS, variant } from '../lab-webhooks/lab-webhooks.schemas.ts';

/**
 * Body of `POST /dev/labs/{labId}/orders/{orderId}/complete`: what the sandbox lab reports (all optional). Kept
 * apart from sandbox-lab.ts so that the route table (read by the CDK app and the OpenAPI route) loads no secrets code.
 */
export const sandboxCompleteBody = v.strictObject({
  reportStatus: v.optional(v.picklist(['preliminary', 'final', 'amended', 'corrected']), 'final'),
  interpretation: v.optional(v.picklist(INTERPRETATIONS), 'negative'),
  variants: v.optional(v.pipe(v.array(variant), v.maxLength(50)), []),
  summary: v.optional(text(2000)),
  includePdf: v.optional(v.boolean(), false),
  /** Re-send a delivery id (to try duplicate handling); a fresh one by default. */
  webhookId: v.optional(v.pipe(v.string(), v.regex(/^[\x21-\x7E]{1,255}$/))),
});
export type SandboxCompleteInput = v.InferOutput<typeof sandboxCompleteBody>;
