import type { SystemActor } from '../core/auth/actor.ts';
import { recordAudit, type AuditContext, type AuditEntry } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import { sendEmail } from '../core/email/email.ts';
import { rootLogger } from '../core/logger.ts';
import { isoDate } from '../core/sql.ts';
import { findPatient } from '../patients/patients.repository.ts';
import { adapterFor } from './lab-adapters.ts';
import { labNoticeEmail, type LabNotice } from './lab-emails.ts';
import * as repo from './labs.repository.ts';
import { TaskTokenGoneError, workflowCallbacks } from './workflow-callbacks.ts';

/**
 * The steps of the lab order lifecycle (lab-order.workflow.ts) and what the result webhook shares with them.
 * Every step is safe to run twice: Step Functions retries tasks, and Lambda may deliver an invocation again.
 */
export const LAB_ORDER_WORKFLOW = 'lab-order';

const log = rootLogger.child({ workflow: LAB_ORDER_WORKFLOW });

export function systemContext(
  order: { id: string; account_id: string },
  name = LAB_ORDER_WORKFLOW,
): AuditContext & { actor: SystemActor } {
  return { actor: { kind: 'system', name, accountId: order.account_id }, requestId: `workflow:lab-order-${order.id}` };
}

export const orderAudit = (
  action: string,
  order: { id: string; patient_id: string; account_id: string },
): AuditEntry => ({
  action,
  resourceType: 'lab_order',
  resourceId: order.id,
  patientId: order.patient_id,
  accountId: order.account_id,
});

async function notifyClinician(
  db: Db,
  kind: LabNotice,
  order: { id: string; account_id: string; provider_id: string },
): Promise<void> {
  const to = await repo.clinicianEmail(db, order.provider_id);
  if (!to) return;
  await sendEmail(db, labNoticeEmail(kind, { to, accountId: order.account_id, orderId: order.id }));
}

/** Step 1: the lab takes the order (idempotent per order); the order becomes `processing`. */
export async function submitOrder(db: Db, orderId: string): Promise<{ submitted: boolean; reason?: string }> {
  const order = await repo.findOrder(db, orderId, null);
  if (!order) return { submitted: false, reason: 'not_found' };
  if (order.status === 'cancelled' || order.status === 'completed') return { submitted: false, reason: order.status };
  const patient = await findPatient(db, order.patient_id, order.account_id);
  if (!patient) return { submitted: false, reason: 'not_found' };
  const adapter = adapterFor(order.lab_id);
  const { externalOrderId } = await adapter.submit({
    orderId: order.id,
    labId: order.lab_id,
    testType: order.test_type,
    genes: await repo.labTestGenes(db, order.lab_id, order.test_type),
    patient: {
      firstName: patient.first_name,
      lastName: patient.last_name,
      dateOfBirth: isoDate(patient.date_of_birth),
    },
    orderingProviderId: order.provider_id,
    insuranceInformation: order.insurance_information,
    notes: order.notes,
  });
  const submitted = await db.transaction().execute(async (trx) => {
    const row = await repo.markSubmitted(trx, order.id, externalOrderId);
    if (row) await recordAudit(trx, systemContext(row), [orderAudit('lab_order.submit', row)]);
    return row;
  });
  if (!submitted) {
    // Cancelled while the lab was taking it: the lab must not run the test.
    await adapter.cancel({ orderId: order.id, labId: order.lab_id, externalOrderId });
    return { submitted: false, reason: 'cancelled' };
  }
  log.info('lab order submitted', { orderId: order.id, labId: order.lab_id });
  return { submitted: true };
}

/**
 * Completes the waiting task with a result. A token that is gone (the wait timed out, the execution was
 * stopped) is cleared and the clinician is told directly instead.
 */
export async function resumeWithResult(
  db: Db,
  order: { id: string },
  taskToken: string,
  result: { id: string; version: number; report_status: string | null },
): Promise<void> {
  try {
    await workflowCallbacks().sendTaskSuccess(taskToken, {
      resultId: result.id,
      version: result.version,
      reportStatus: result.report_status,
    });
  } catch (error) {
    if (!(error instanceof TaskTokenGoneError)) throw error;
    log.warn('lab order task token gone; notifying directly', { orderId: order.id });
    await repo.clearTaskToken(db, order.id, taskToken);
    await notifyResult(db, result.id);
  }
}

/**
 * Step 2 (`.waitForTaskToken`): stores the token on the order. The webhook and this step both lock the order row,
 * so a result that arrived before the token was stored is found here, and one that arrives after finds the token.
 */
export async function awaitResult(db: Db, orderId: string, taskToken: string): Promise<{ waiting: boolean }> {
  const order = await repo.storeTaskToken(db, orderId, taskToken);
  if (!order) {
    // Cancelled (or gone): end the wait at once; ResultReceived does nothing without a result.
    await workflowCallbacks().sendTaskSuccess(taskToken, { resultId: null });
    return { waiting: false };
  }
  const latest = await repo.latestResult(db, orderId);
  if (latest) {
    await resumeWithResult(db, order, taskToken, latest);
    return { waiting: false };
  }
  return { waiting: true };
}

/** Tells the ordering clinician that a result version arrived; once per version, whoever calls first. */
export async function notifyResult(db: Db, resultId: string): Promise<boolean> {
  const claimed = await repo.claimResultNotification(db, resultId);
  if (!claimed) return false;
  if (!claimed.email) return true;
  try {
    await sendEmail(
      db,
      labNoticeEmail('lab_result_available', {
        to: claimed.email,
        accountId: claimed.account_id,
        orderId: claimed.order_id,
      }),
    );
  } catch (error) {
    // The claim is its own statement: giving it back lets a retry (the workflow's task) send the notice.
    await repo.releaseResultNotification(db, resultId);
    throw error;
  }
  return true;
}

/** Step 3: the result is in (the webhook stored it); the token is spent and the clinician told. */
export async function resultReceived(db: Db, orderId: string, resultId: string | null): Promise<{ notified: boolean }> {
  await repo.clearTaskToken(db, orderId);
  if (!resultId) return { notified: false };
  return { notified: await notifyResult(db, resultId) };
}

/** The wait timed out: the order is overdue (still open: a late result is accepted) and the clinician is told. */
export async function markOverdue(db: Db, orderId: string): Promise<{ overdue: boolean }> {
  return db.transaction().execute(async (trx) => {
    const order = await repo.markOverdue(trx, orderId);
    if (!order) return { overdue: false };
    await notifyClinician(trx, 'lab_order_overdue', order);
    await recordAudit(trx, systemContext(order), [orderAudit('lab_order.overdue', order)]);
    return { overdue: true };
  });
}

/** Submission failed after the retries: the clinician is told, the order stays `ordered` (they may cancel it). */
export async function submissionFailed(db: Db, orderId: string): Promise<{ notified: boolean }> {
  const order = await repo.findOrder(db, orderId, null);
  if (!order || order.status !== 'ordered') return { notified: false };
  log.error('lab order submission failed', { orderId: order.id, labId: order.lab_id });
  await db.transaction().execute(async (trx) => {
    await notifyClinician(trx, 'lab_order_submission_failed', order);
    await recordAudit(trx, systemContext(order), [orderAudit('lab_order.submission_failed', order)]);
  });
  return { notified: true };
}
