import type { StaffActor } from '../core/auth/actor.ts';
import { tenantScope } from '../core/auth/actor.ts';
import { recordAudit, type AuditContext, type AuditEntry } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import { conflict, notFound, unprocessable } from '../core/errors.ts';
import { rootLogger } from '../core/logger.ts';
import { auditedPage, decodeCursor, toPage } from '../core/pagination.ts';
import { isoInstant } from '../core/sql.ts';
import { startWorkflow } from '../core/workflows.ts';
import { adapterFor } from './lab-adapters.ts';
import { LAB_ORDER_WORKFLOW, orderAudit } from './lab-order-lifecycle.ts';
import * as repo from './labs.repository.ts';
import type * as v from 'valibot';
import type { LabReportStatus, LabResultStatus } from '../core/database.ts';
import type { CreateLabOrderInput, ListLabOrdersQuery, labResult } from './labs.schemas.ts';
import { workflowCallbacks } from './workflow-callbacks.ts';

interface StaffContext extends AuditContext {
  actor: StaffActor;
}

const log = rootLogger.child({ area: 'labs' });

/** Result data is clinical: the ordering side (clinicians) and super_admin see it; other staff see statuses. */
export function seesResults(actor: StaffActor): boolean {
  return actor.role === 'clinician' || actor.role === 'super_admin';
}

// ---------------------------------------------------------------------------------------------------------------
// Catalogue
// ---------------------------------------------------------------------------------------------------------------

function toLabTestDto(row: repo.LabTestRow) {
  return {
    id: row.id,
    labId: row.lab_id,
    labName: row.lab_name,
    testType: row.test_type,
    name: row.name,
    genes: row.genes,
    isActive: row.is_active,
  };
}

export async function listLabTests(
  db: Db,
  actor: StaffActor,
  query: { limit: number; cursor?: string; labId?: string; includeInactive?: 'true' | 'false' },
) {
  const rows = await repo.listLabTests(db, {
    labId: query.labId,
    includeInactive: actor.role === 'super_admin' && query.includeInactive === 'true',
    after: decodeCursor(query.cursor, 'text') as [string, string] | undefined,
    limit: query.limit,
  });
  return toPage(rows, query.limit, (r) => [r.sort_key, r.id], toLabTestDto);
}

export async function createLabTest(
  db: Db,
  input: { labId: string; testType: string; name: string; genes: string[]; isActive: boolean },
) {
  if (!(await repo.labExists(db, input.labId)))
    throw unprocessable('Unknown lab', [{ field: 'body.labId', message: 'must be a lab of the catalogue' }]);
  const id = await repo.insertLabTest(db, input);
  if (!id) throw conflict('The lab already has a test of this type');
  return toLabTestDto((await repo.findLabTest(db, id)) as repo.LabTestRow);
}

export async function updateLabTest(
  db: Db,
  id: string,
  input: { name?: string; genes?: string[]; isActive?: boolean },
) {
  const updated = await repo.updateLabTest(db, id, input);
  if (!updated) throw notFound('Lab test');
  return toLabTestDto((await repo.findLabTest(db, id)) as repo.LabTestRow);
}

// ---------------------------------------------------------------------------------------------------------------
// Orders
// ---------------------------------------------------------------------------------------------------------------

/** `notes` are the ordering clinician's clinical notes (family variant, indication): only for those who see results. */
export function toLabOrderDto(row: repo.LabOrderRow & { result_status: LabResultStatus | null }, full: boolean) {
  return {
    id: row.id,
    accountId: row.account_id,
    patientId: row.patient_id,
    providerId: row.provider_id,
    eligibilityResultId: row.eligibility_result_id,
    labId: row.lab_id,
    testType: row.test_type,
    status: row.status,
    orderedAt: isoInstant(row.ordered_at) as string,
    submittedAt: isoInstant(row.submitted_at),
    externalOrderId: row.external_order_id,
    insuranceInformation: row.insurance_information ?? null,
    ...(full ? { notes: row.notes } : {}),
    overdue: row.overdue_at !== null && row.status === 'processing',
    overdueAt: isoInstant(row.overdue_at),
    cancelledAt: isoInstant(row.cancelled_at),
    updatedAt: isoInstant(row.updated_at) as string,
    resultStatus: row.result_status,
  };
}

type StoredResultData = NonNullable<v.InferOutput<typeof labResult>['resultData']>;

export function toLabResultDto(row: repo.LabResultRow, full: boolean) {
  const base = {
    id: row.id,
    orderId: row.order_id,
    version: row.version,
    status: row.status,
    reportStatus: row.report_status,
    receivedAt: isoInstant(row.received_at),
    reviewedAt: isoInstant(row.reviewed_at),
    supersedesId: row.supersedes_id,
  };
  if (!full) return base;
  return {
    ...base,
    reviewerId: row.reviewer_id,
    clinicalSignificance: row.clinical_significance,
    notes: row.notes,
    resultData: (row.result_data as StoredResultData | null) ?? null,
  };
}

const resultAudit = (
  action: string,
  row: { id: string },
  order: { patient_id: string; account_id: string },
): AuditEntry => ({
  action,
  resourceType: 'lab_result',
  resourceId: row.id,
  patientId: order.patient_id,
  accountId: order.account_id,
});

export async function createOrder(db: Db, context: StaffContext, input: CreateLabOrderInput) {
  const eligibilityResultId = input.eligibilityResultId ?? null;
  const patient = await repo.findOrderingContext(db, {
    patientId: input.patientId,
    accountId: tenantScope(context.actor),
    labId: input.labId,
    testType: input.testType,
    eligibilityResultId,
  });
  if (!patient) throw notFound('Patient');
  if (patient.status === 'archived') throw conflict('The patient is archived');
  if (!patient.test_orderable)
    throw unprocessable('Unknown test', [
      { field: 'body.testType', message: 'must be an active test of the lab in the catalogue' },
    ]);
  if (!patient.eligibility_of_patient) {
    throw unprocessable('Unknown eligibility result', [
      { field: 'body.eligibilityResultId', message: 'must be an eligibility result of this patient' },
    ]);
  }
  const row = await repo.insertOrder(
    db,
    {
      accountId: patient.account_id,
      patientId: patient.id,
      providerId: context.actor.userId,
      eligibilityResultId,
      labId: input.labId,
      testType: input.testType,
      insuranceInformation: input.insuranceInformation ?? null,
      notes: input.notes ?? null,
    },
    {
      context,
      entry: {
        action: 'lab_order.create',
        resourceType: 'lab_order',
        patientId: patient.id,
        accountId: patient.account_id,
      },
      resourceIdColumn: 'id',
    },
  );
  try {
    await startWorkflow(LAB_ORDER_WORKFLOW, row.execution_name as string, { orderId: row.id });
  } catch (error) {
    // The order stands (`ordered`); without its execution it is not submitted, which the clinician sees and can
    // cancel. Starting is retried by nothing else, so this is an error for the alarms.
    log.error('lab order workflow not started', { orderId: row.id, errorName: (error as Error).name });
  }
  return toLabOrderDto({ ...row, result_status: null }, true);
}

export async function listOrders(db: Db, context: StaffContext, query: ListLabOrdersQuery) {
  const rows = await repo.listOrders(db, {
    accountId: tenantScope(context.actor) ?? query.accountId ?? null,
    patientId: query.patientId,
    status: query.status,
    after: decodeCursor(query.cursor, 'instant') as [string, string] | undefined,
    limit: query.limit,
  });
  const full = seesResults(context.actor);
  return auditedPage(
    db,
    context,
    rows,
    query.limit,
    (r) => orderAudit('lab_order.list', r),
    (r) => [r.cursor_ordered_at, r.id],
    (r) => toLabOrderDto(r, full),
  );
}

async function requireOrder(db: Db, actor: StaffActor, id: string) {
  const row = await repo.findOrder(db, id, tenantScope(actor));
  if (!row) throw notFound('Lab order');
  return row;
}

export async function getOrder(db: Db, context: StaffContext, id: string) {
  const order = await requireOrder(db, context.actor, id);
  const results = await repo.listResults(db, id);
  const full = seesResults(context.actor);
  await recordAudit(db, context, [
    orderAudit('lab_order.read', order),
    ...(full ? results.map((r) => resultAudit('lab_result.read', r, order)) : []),
  ]);
  return { ...toLabOrderDto(order, full), results: results.map((r) => toLabResultDto(r, full)) };
}

/** Stops the lifecycle and asks the lab to cancel. Completed orders cannot be cancelled; cancelling twice is a no-op. */
export async function cancelOrder(db: Db, context: StaffContext, id: string) {
  const existing = await requireOrder(db, context.actor, id);
  if (existing.status === 'cancelled') return toLabOrderDto(existing, true);
  if (existing.status === 'completed') throw conflict('A completed order cannot be cancelled');
  const cancelled = await repo.cancelOrder(db, id, { context, entry: orderAudit('lab_order.cancel', existing) });
  if (!cancelled) throw conflict('The order changed meanwhile; read it again');
  if (cancelled.execution_name) {
    await workflowCallbacks()
      .stopExecution(LAB_ORDER_WORKFLOW, cancelled.execution_name, 'Order cancelled')
      .catch((error: unknown) =>
        log.error('lab order execution not stopped', { orderId: id, errorName: (error as Error).name }),
      );
  }
  if (existing.status === 'processing') {
    await adapterFor(cancelled.lab_id)
      .cancel({ orderId: cancelled.id, labId: cancelled.lab_id, externalOrderId: cancelled.external_order_id })
      .catch((error: unknown) =>
        log.error('lab did not confirm the cancellation', {
          orderId: id,
          labId: cancelled.lab_id,
          errorName: (error as Error).name,
        }),
      );
  }
  return toLabOrderDto({ ...cancelled, result_status: existing.result_status }, true);
}

export async function reviewResult(
  db: Db,
  context: StaffContext,
  resultId: string,
  input: { clinicalSignificance: string; notes?: string },
) {
  const existing = await repo.findResult(db, resultId, tenantScope(context.actor));
  if (!existing) throw notFound('Lab result');
  if (existing.status === 'reviewed') throw conflict('The result has already been reviewed');
  if (existing.status !== 'available') throw conflict('The result is not available yet');
  const row = await repo.reviewResult(
    db,
    resultId,
    { reviewerId: context.actor.userId, clinicalSignificance: input.clinicalSignificance, notes: input.notes ?? null },
    { context, entry: resultAudit('lab_result.review', existing, existing) },
  );
  if (!row) throw conflict('The result has already been reviewed');
  return toLabResultDto(row, true);
}

export async function labOrdersDashboard(
  db: Db,
  context: StaffContext,
  query: { limit: number; cursor?: string; status?: repo.LabOrderRow['status']; accountId?: string },
) {
  const rows = await repo.labOrdersDashboard(db, {
    accountId: tenantScope(context.actor) ?? query.accountId ?? null,
    status: query.status,
    after: decodeCursor(query.cursor, 'instant') as [string, string] | undefined,
    limit: query.limit,
  });
  return auditedPage(
    db,
    context,
    rows,
    query.limit,
    (r) => orderAudit('lab_order.list', r),
    (r) => [r.cursor_ordered_at, r.id],
    (r) => ({
      id: r.id,
      patientId: r.patient_id,
      firstName: r.first_name,
      lastName: r.last_name,
      labId: r.lab_id,
      testType: r.test_type,
      status: r.status,
      orderedAt: isoInstant(r.ordered_at) as string,
      overdue: r.overdue_at !== null && r.status === 'processing',
      resultStatus: r.result_status,
    }),
  );
}
