import type { SystemActor } from '../core/auth/actor.ts';
import type { Db } from '../core/db.ts';
import { UNIQUE_VIOLATION, sqlState } from '../core/db-errors.ts';
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

const labActor = (labId: string): SystemActor => ({ kind: 'system', name: `lab:${labId}`, accountId: null });

/** What a result version stores as `result_data`: the report without the PDF (that stays in `raw_result`); the order's external id is added when stored. */
function resultData(data: LabResultWebhook['data']) {
  return {
    reportStatus: data.reportStatus,
    reportedAt: new Date(data.reportedAt).toISOString(),
    interpretation: data.interpretation,
    summary: data.summary ?? null,
    variants: data.variants.map((x) => ({
      gene: x.gene,
      hgvsC: x.hgvsC,
      hgvsP: x.hgvsP ?? null,
      zygosity: x.zygosity,
      classification: x.classification,
    })),
    hasReportPdf: data.reportPdfBase64 !== undefined,
  };
}

/** A concurrent delivery of the same order or webhook id can make the statement fail (see `storeResultDelivery`). */
const STORE_ATTEMPTS = 5;

async function storeDelivery(db: Db, delivery: repo.ResultDelivery): Promise<repo.StoredDelivery> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await repo.storeResultDelivery(db, delivery);
    } catch (error) {
      if (sqlState(error) !== UNIQUE_VIOLATION || attempt >= STORE_ATTEMPTS) throw error;
    }
  }
}

/**
 * Stores one verified result delivery in one statement: the delivery id (the idempotency key), a new result version,
 * the order's status and the audit row. Then the order's waiting execution is resumed (SendTaskSuccess), or, when
 * none waits, the clinician is told directly. A duplicate delivery writes nothing; if the order's execution still
 * waits (an earlier resume failed), it is resumed with the latest result.
 */
export async function receiveLabResult(db: Db, delivery: Delivery): Promise<DeliveryOutcome> {
  const { labId, webhookId, payload } = delivery;
  const data = payload.data;
  const stored = await storeDelivery(db, {
    labId,
    webhookId,
    orderId: data.orderId,
    externalOrderId: data.externalOrderId ?? null,
    reportStatus: data.reportStatus,
    resultData: resultData(data),
    rawResult: delivery.rawBody,
    clinicalSignificance: data.interpretation,
    audit: {
      context: { actor: labActor(labId), requestId: delivery.requestId },
      entry: { action: 'lab_result.receive', resourceType: 'lab_result' },
    },
  });
  const orderId = stored.order_id;
  if (stored.duplicate) {
    delivery.log.info('lab webhook duplicate', { labId, webhookId });
    if (orderId && stored.task_token && stored.latest_id) {
      const latest = {
        id: stored.latest_id,
        version: stored.latest_version as number,
        report_status: stored.latest_report_status,
      };
      await resumeWithResult(db, { id: orderId }, stored.task_token, latest);
    }
    return { status: 'duplicate' };
  }
  if (
    !orderId ||
    (data.externalOrderId && stored.external_order_id && data.externalOrderId !== stored.external_order_id)
  )
    throw notFound('Lab order');
  if (!stored.result_id) throw conflict('The order has a final report; send an amended or corrected report');
  const result = { id: stored.result_id, version: stored.result_version as number, report_status: data.reportStatus };
  delivery.log.info('lab webhook processed', {
    labId,
    webhookId,
    orderId,
    resultId: result.id,
    version: result.version,
  });
  if (stored.task_token) await resumeWithResult(db, { id: orderId }, stored.task_token, result);
  else await notifyResult(db, result.id);
  return { status: 'processed', resultId: result.id, version: result.version };
}
