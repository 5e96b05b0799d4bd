import { randomUUID } from 'node:crypto';
import type { Db } from '../core/db.ts';
import { conflict, notFound } from '../core/errors.ts';
import { labSecrets } from '../lab-webhooks/lab-secrets.ts';
import type { LabResultWebhook } from '../lab-webhooks/lab-webhooks.schemas.ts';
import { signWebhook } from '../lab-webhooks/signature.ts';
import * as repo from './labs.repository.ts';
import type { SandboxCompleteInput } from './sandbox-lab.schemas.ts';

/**
 * The sandbox lab's side of a result (local mode, test stages): it builds a result report for an order it
 * accepted, signs it with the lab's current webhook secret exactly as a real lab would, and POSTs it to the
 * webhook endpoint. `POST /dev/labs/{labId}/orders/{orderId}/complete` drives it.
 */

/** A one-page PDF saying "Sandbox report" (what the sandbox attaches when asked for the report). */
const SANDBOX_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj ' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R/Resources<<>>>>endobj ' +
    '4 0 obj<</Length 44>>stream\nBT /F1 18 Tf 72 720 Td (Sandbox report) Tj ET\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
).toString('base64');

export function sandboxResultPayload(
  order: { id: string; external_order_id: string | null },
  input: SandboxCompleteInput,
  now = new Date(),
): LabResultWebhook {
  return {
    type: 'lab_result.reported',
    timestamp: now.toISOString(),
    data: {
      orderId: order.id,
      ...(order.external_order_id ? { externalOrderId: order.external_order_id } : {}),
      reportStatus: input.reportStatus,
      reportedAt: now.toISOString(),
      interpretation: input.interpretation,
      ...(input.summary ? { summary: input.summary } : {}),
      variants: input.variants,
      ...(input.includePdf ? { reportPdfBase64: SANDBOX_PDF } : {}),
    },
  };
}

/** Signs a body like the lab does: Standard Webhooks headers for the lab's current (first) secret. */
export async function signedDelivery(
  labId: string,
  body: string,
  webhookId = `msg_${randomUUID()}`,
  timestamp = Math.floor(Date.now() / 1000),
) {
  const [secret] = await labSecrets(labId);
  if (!secret) throw notFound('Lab');
  return {
    webhookId,
    headers: {
      'content-type': 'application/json',
      'webhook-id': webhookId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook({ secret, id: webhookId, timestamp, body }),
    },
  };
}

export async function completeSandboxOrder(
  db: Db,
  input: { labId: string; orderId: string; webhookBaseUrl: string; options: SandboxCompleteInput },
) {
  const order = await repo.findOrder(db, input.orderId, null);
  if (!order || order.lab_id !== input.labId) throw notFound('Lab order');
  if (!order.external_order_id) throw conflict('The lab has not received this order yet');
  const body = JSON.stringify(sandboxResultPayload(order, input.options));
  const { webhookId, headers } = await signedDelivery(input.labId, body, input.options.webhookId);
  const response = await fetch(`${input.webhookBaseUrl}/webhooks/labs/${encodeURIComponent(input.labId)}`, {
    method: 'POST',
    headers,
    body,
  });
  const responseText = await response.text();
  let responseBody: unknown = responseText;
  try {
    responseBody = JSON.parse(responseText);
  } catch {
    // not JSON: keep the text
  }
  return { webhookId, webhookStatus: response.status, webhookResponse: responseBody };
}
