import type { SystemActor } from '../core/auth/actor.ts';
import { recordAudit } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import { conflict, notFound } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { notifyResult, resumeWithResult } from '../labs/lab-order-lifecycle.ts';
import * as repo from '../labs/labs.repository.ts';
import type { LabResultWebhook } from './lab-webhooks.schemas.ts';

export interface Delivery {
  labId: string;
  webhookId: string;
  /** The body exactly as received (kept as the result's `raw_result`). */
  rawBody: string;
  payload: LabResultWebhook;
  requestId: string;
  log: Logger;
}

export type DeliveryOutcome = { status: 'processed'; resultId: string; version: number } | { status: 'duplicate' };

const FINAL = new Set(['final', 'amended', 'corrected']);

const labActor = (labId: string, accountId: string): SystemActor => ({ kind: 'system', name: `lab:${labId}`, accountId });

/** What a result version stores as `result_data`: the report without the PDF (that stays in `raw_result`). */
function resultData(data: LabResultWebhook['data'], externalOrderId: string | null) {
  return {
    reportStatus: data.reportStatus,
    reportedAt: new Date(data.reportedAt).toISOString(),
    interpretation: data.interpretation,
    summary: data.summary ?? null,
    variants: data.variants.map((x) => ({ gene: x.gene, hgvsC: x.hgvsC, hgvsP: x.hgvsP ?? null, zygosity: x.zygosity, classification: x.classification })),
    externalOrderId: data.externalOrderId ?? externalOrderId,
    hasReportPdf: data.reportPdfBase64 !== undefined,
  };
}

/** After a duplicate delivery: if the order's execution still waits (an earlier resume failed), resume it. Writes nothing. */
async function resumeIfWaiting(db: Db, labId: string, orderId: string): Promise<void> {
  const order = await repo.findOrder(db, orderId, null);
  if (!order || order.lab_id !== labId || !order.task_token) return;
  const latest = await repo.latestResult(db, order.id);
  if (latest) await resumeWithResult(db, order, order.task_token, latest);
}

class DuplicateDelivery extends Error {}

/**
 * Stores one verified result delivery in one transaction: the delivery id (the idempotency key), a new result
 * version, the order's status and the audit row. Any failure rolls all of it back. Then the order's waiting
 * execution is resumed (SendTaskSuccess), or, when none waits, the clinician is told directly.
 */
export async function receiveLabResult(db: Db, delivery: Delivery): Promise<DeliveryOutcome> {
  const { labId, webhookId, payload } = delivery;
  const data = payload.data;
  let stored: { order: repo.LabOrderRow; result: repo.LabResultRow };
  try {
    stored = await db.transaction().execute(async (trx) => {
      const deliveryId = await repo.claimDelivery(trx, labId, webhookId);
      if (!deliveryId) throw new DuplicateDelivery();
      const order = await repo.lockOrder(trx, data.orderId, labId);
      if (!order || (data.externalOrderId && order.external_order_id && data.externalOrderId !== order.external_order_id)) throw notFound('Lab order');
      const latest = await repo.latestResult(trx, order.id);
      if (latest?.report_status && FINAL.has(latest.report_status) && !['amended', 'corrected'].includes(data.reportStatus)) {
        throw conflict('The order has a final report; send an amended or corrected report');
      }
      const result = await repo.insertResult(trx, {
        orderId: order.id,
        version: (latest?.version ?? 0) + 1,
        reportStatus: data.reportStatus,
        resultData: resultData(data, order.external_order_id),
        rawResult: delivery.rawBody,
        clinicalSignificance: data.interpretation,
        supersedesId: latest?.id ?? null,
      });
      if (data.reportStatus !== 'preliminary') await repo.completeOrder(trx, order.id);
      await repo.recordDeliveryResult(trx, deliveryId, order.id, result.id);
      await recordAudit(trx, { actor: labActor(labId, order.account_id), requestId: delivery.requestId }, [
        { action: 'lab_result.receive', resourceType: 'lab_result', resourceId: result.id, patientId: order.patient_id, accountId: order.account_id },
      ]);
      return { order, result };
    });
  } catch (error) {
    if (!(error instanceof DuplicateDelivery)) throw error;
    delivery.log.info('lab webhook duplicate', { labId, webhookId });
    await resumeIfWaiting(db, labId, data.orderId);
    return { status: 'duplicate' };
  }
  const { order, result } = stored;
  delivery.log.info('lab webhook processed', { labId, webhookId, orderId: order.id, resultId: result.id, version: result.version });
  if (order.task_token) await resumeWithResult(db, order, order.task_token, result);
  else await notifyResult(db, result.id);
  return { status: 'processed', resultId: result.id, version: result.version };
}
