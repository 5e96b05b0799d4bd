import { randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { writeWithAudit, type AuditFor } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import type { LabOrderStatus, LabOrdersTable, LabReportStatus, LabResultsTable } from '../core/database.ts';
import { asJson, asUuid, dbNow, instantText, keysetAfter } from '../core/sql.ts';

export type LabOrderRow = Selectable<LabOrdersTable>;
export type LabResultRow = Selectable<LabResultsTable>;

// ---------------------------------------------------------------------------------------------------------------
// Catalogue
// ---------------------------------------------------------------------------------------------------------------

/** Sort key of the catalogue: lab, then test type (byte order, so the keyset comparison matches the sort). */
const catalogueKey = sql<string>`(t.lab_id || '/' || t.test_type) collate "C"`;

export async function listLabTests(db: Db, filter: { labId?: string; includeInactive: boolean; after?: [string, string]; limit: number }) {
  let query = db
    .selectFrom('lab_tests as t')
    .innerJoin('labs as l', 'l.id', 't.lab_id')
    .selectAll('t')
    .select(['l.name as lab_name', catalogueKey.as('sort_key')]);
  if (!filter.includeInactive) query = query.where('t.is_active', '=', true).where('l.is_active', '=', true);
  if (filter.labId) query = query.where('t.lab_id', '=', filter.labId);
  if (filter.after) {
    const [key, id] = filter.after;
    query = query.where((eb) => eb.or([eb(catalogueKey, '>', key), eb.and([eb(catalogueKey, '=', key), eb('t.id', '>', asUuid(id))])]));
  }
  return query.orderBy(catalogueKey).orderBy('t.id').limit(filter.limit + 1).execute();
}

export type LabTestRow = Awaited<ReturnType<typeof listLabTests>>[number];

export async function findLabTest(db: Db, id: string) {
  return db
    .selectFrom('lab_tests as t')
    .innerJoin('labs as l', 'l.id', 't.lab_id')
    .selectAll('t')
    .select(['l.name as lab_name', catalogueKey.as('sort_key')])
    .where('t.id', '=', asUuid(id))
    .executeTakeFirst();
}

/** An orderable test: active, of an active lab. */
export async function findOrderableTest(db: Db, labId: string, testType: string) {
  return db
    .selectFrom('lab_tests as t')
    .innerJoin('labs as l', 'l.id', 't.lab_id')
    .select(['t.id', 't.genes', 't.name'])
    .where('t.lab_id', '=', labId)
    .where('t.test_type', '=', testType)
    .where('t.is_active', '=', true)
    .where('l.is_active', '=', true)
    .executeTakeFirst();
}

/** The genes of a test as catalogued (also for a test withdrawn after the order was placed). */
export async function labTestGenes(db: Db, labId: string, testType: string): Promise<string[]> {
  const row = await db.selectFrom('lab_tests').select('genes').where('lab_id', '=', labId).where('test_type', '=', testType).executeTakeFirst();
  return row?.genes ?? [];
}

export async function labExists(db: Db, labId: string): Promise<boolean> {
  return (await db.selectFrom('labs').select('id').where('id', '=', labId).executeTakeFirst()) !== undefined;
}

/** Inserts a catalogue test; undefined when the lab already has that test type. */
export async function insertLabTest(db: Db, values: { labId: string; testType: string; name: string; genes: string[]; isActive: boolean }) {
  const row = await db
    .insertInto('lab_tests')
    .values({ lab_id: values.labId, test_type: values.testType, name: values.name, genes: asJson(values.genes), is_active: values.isActive })
    .onConflict((oc) => oc.columns(['lab_id', 'test_type']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export async function updateLabTest(db: Db, id: string, values: { name?: string; genes?: string[]; isActive?: boolean }) {
  const row = await db
    .updateTable('lab_tests')
    .set({
      ...(values.name !== undefined ? { name: values.name } : {}),
      ...(values.genes !== undefined ? { genes: asJson(values.genes) } : {}),
      ...(values.isActive !== undefined ? { is_active: values.isActive } : {}),
      updated_at: dbNow(),
    })
    .where('id', '=', asUuid(id))
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

// ---------------------------------------------------------------------------------------------------------------
// Orders
// ---------------------------------------------------------------------------------------------------------------

export async function insertOrder(
  db: Db,
  values: {
    accountId: string;
    patientId: string;
    providerId: string;
    eligibilityResultId: string | null;
    labId: string;
    testType: string;
    insuranceInformation: unknown;
    notes: string | null;
  },
): Promise<LabOrderRow> {
  const id = randomUUID();
  return db
    .insertInto('lab_orders')
    .values({
      id: asUuid(id),
      account_id: asUuid(values.accountId),
      patient_id: asUuid(values.patientId),
      provider_id: asUuid(values.providerId),
      eligibility_result_id: values.eligibilityResultId ? asUuid(values.eligibilityResultId) : null,
      lab_id: values.labId,
      test_type: values.testType,
      insurance_information: values.insuranceInformation === undefined || values.insuranceInformation === null ? null : asJson(values.insuranceInformation),
      notes: values.notes,
      // Named after the order, so a second start of the same order cannot run two lifecycles.
      execution_name: `lab-order-${id}`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The latest result version's status of each order (null before the lab reported). */
const latestResultStatus = sql<string | null>`(select r.status from lab_results r where r.order_id = lo.id order by r.version desc limit 1)`;

export type LabOrderListRow = LabOrderRow & { result_status: string | null; cursor_ordered_at: string };

export async function findOrder(db: Db, id: string, accountId: string | null): Promise<(LabOrderRow & { result_status: string | null }) | undefined> {
  let query = db.selectFrom('lab_orders as lo').selectAll('lo').select(latestResultStatus.as('result_status')).where('lo.id', '=', asUuid(id));
  if (accountId) query = query.where('lo.account_id', '=', asUuid(accountId));
  return query.executeTakeFirst();
}

export async function listOrders(
  db: Db,
  filter: { accountId: string | null; patientId?: string; status?: LabOrderStatus; after?: [string, string]; limit: number },
): Promise<LabOrderListRow[]> {
  let query = db
    .selectFrom('lab_orders as lo')
    .selectAll('lo')
    .select([latestResultStatus.as('result_status'), instantText('lo.ordered_at').as('cursor_ordered_at')]);
  if (filter.accountId) query = query.where('lo.account_id', '=', asUuid(filter.accountId));
  if (filter.patientId) query = query.where('lo.patient_id', '=', asUuid(filter.patientId));
  if (filter.status) query = query.where('lo.status', '=', filter.status);
  if (filter.after) query = query.where(keysetAfter(['lo.ordered_at', 'lo.id'], filter.after, 'desc', 'instant'));
  return query.orderBy('lo.ordered_at', 'desc').orderBy('lo.id', 'desc').limit(filter.limit + 1).execute();
}

/**
 * The schema document's "Lab Test Order Status" query, made pageable and one row per order: the order with its
 * patient and the status of its latest result version.
 */
export async function labOrdersDashboard(db: Db, filter: { accountId: string | null; status?: LabOrderStatus; after?: [string, string]; limit: number }) {
  let query = db
    .selectFrom('lab_orders as lo')
    .innerJoin('patients as p', 'p.id', 'lo.patient_id')
    .select(['lo.id', 'lo.account_id', 'lo.patient_id', 'p.first_name', 'p.last_name', 'lo.lab_id', 'lo.test_type', 'lo.status', 'lo.ordered_at', 'lo.overdue_at'])
    .select([latestResultStatus.as('result_status'), instantText('lo.ordered_at').as('cursor_ordered_at')]);
  if (filter.accountId) query = query.where('lo.account_id', '=', asUuid(filter.accountId));
  if (filter.status) query = query.where('lo.status', '=', filter.status);
  if (filter.after) query = query.where(keysetAfter(['lo.ordered_at', 'lo.id'], filter.after, 'desc', 'instant'));
  return query.orderBy('lo.ordered_at', 'desc').orderBy('lo.id', 'desc').limit(filter.limit + 1).execute();
}

/** The order, locked until the end of the transaction (results of one order are numbered one at a time). */
export async function lockOrder(db: Db, id: string, labId?: string): Promise<LabOrderRow | undefined> {
  let query = db.selectFrom('lab_orders').selectAll().where('id', '=', asUuid(id));
  if (labId) query = query.where('lab_id', '=', labId);
  return query.forUpdate().executeTakeFirst();
}

/** Submission step: only an order still `ordered` (or re-submitted while `processing`) takes the lab's id. */
export async function markSubmitted(db: Db, id: string, externalOrderId: string): Promise<LabOrderRow | undefined> {
  return db
    .updateTable('lab_orders')
    .set({ status: 'processing', external_order_id: externalOrderId, submitted_at: sql`coalesce(submitted_at, now())`, updated_at: dbNow() })
    .where('id', '=', asUuid(id))
    .where('status', 'in', ['ordered', 'processing'])
    .returningAll()
    .executeTakeFirst();
}

export async function storeTaskToken(db: Db, id: string, taskToken: string): Promise<LabOrderRow | undefined> {
  return db
    .updateTable('lab_orders')
    .set({ task_token: taskToken, updated_at: dbNow() })
    .where('id', '=', asUuid(id))
    .where('status', 'in', ['processing', 'completed'])
    .returningAll()
    .executeTakeFirst();
}

/** Clears the token once used; only that token, so a newer one is never lost. */
export async function clearTaskToken(db: Db, id: string, taskToken?: string): Promise<void> {
  let query = db.updateTable('lab_orders').set({ task_token: null, updated_at: dbNow() }).where('id', '=', asUuid(id));
  if (taskToken) query = query.where('task_token', '=', taskToken);
  await query.execute();
}

export async function markOverdue(db: Db, id: string): Promise<LabOrderRow | undefined> {
  return db
    .updateTable('lab_orders')
    .set({ overdue_at: dbNow(), task_token: null, updated_at: dbNow() })
    .where('id', '=', asUuid(id))
    .where('status', '=', 'processing')
    .where('overdue_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export async function cancelOrder(db: Db, id: string): Promise<LabOrderRow | undefined> {
  return db
    .updateTable('lab_orders')
    .set({ status: 'cancelled', cancelled_at: dbNow(), task_token: null, updated_at: dbNow() })
    .where('id', '=', asUuid(id))
    .where('status', 'in', ['ordered', 'processing'])
    .returningAll()
    .executeTakeFirst();
}

export async function completeOrder(db: Db, id: string): Promise<void> {
  await db
    .updateTable('lab_orders')
    .set({ status: 'completed', updated_at: dbNow() })
    .where('id', '=', asUuid(id))
    .where('status', 'in', ['ordered', 'processing'])
    .execute();
}

// ---------------------------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------------------------

export async function listResults(db: Db, orderId: string): Promise<LabResultRow[]> {
  return db.selectFrom('lab_results').selectAll().where('order_id', '=', asUuid(orderId)).orderBy('version', 'desc').execute();
}

export async function latestResult(db: Db, orderId: string): Promise<LabResultRow | undefined> {
  return db.selectFrom('lab_results').selectAll().where('order_id', '=', asUuid(orderId)).orderBy('version', 'desc').limit(1).executeTakeFirst();
}

export async function insertResult(
  db: Db,
  values: {
    orderId: string;
    version: number;
    reportStatus: LabReportStatus;
    resultData: unknown;
    rawResult: string;
    clinicalSignificance: string;
    supersedesId: string | null;
  },
): Promise<LabResultRow> {
  return db
    .insertInto('lab_results')
    .values({
      order_id: asUuid(values.orderId),
      version: sql<number>`cast(${values.version} as integer)`,
      status: 'available',
      report_status: values.reportStatus,
      result_data: asJson(values.resultData),
      raw_result: values.rawResult,
      received_at: dbNow(),
      clinical_significance: values.clinicalSignificance,
      supersedes_id: values.supersedesId ? asUuid(values.supersedesId) : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A result with its order's tenant, ordering clinician and patient, for scoping and audit. */
export async function findResult(db: Db, id: string, accountId: string | null) {
  let query = db
    .selectFrom('lab_results as r')
    .innerJoin('lab_orders as lo', 'lo.id', 'r.order_id')
    .selectAll('r')
    .select(['lo.account_id', 'lo.patient_id', 'lo.provider_id'])
    .where('r.id', '=', asUuid(id));
  if (accountId) query = query.where('lo.account_id', '=', asUuid(accountId));
  return query.executeTakeFirst();
}

/** Reviews an available result and writes its audit row in one statement; undefined (and no audit row) when it is no longer available. */
export async function reviewResult(db: Db, id: string, review: { reviewerId: string; clinicalSignificance: string; notes: string | null }, audit: AuditFor) {
  const update = db
    .updateTable('lab_results')
    .set({ status: 'reviewed', reviewed_at: dbNow(), reviewer_id: asUuid(review.reviewerId), clinical_significance: review.clinicalSignificance, notes: review.notes })
    .where('id', '=', asUuid(id))
    .where('status', '=', 'available')
    .returningAll();
  return writeWithAudit(db, update, audit);
}

/** Claims the "result available" notification of one version: true exactly once. */
export async function claimResultNotification(db: Db, resultId: string): Promise<boolean> {
  const row = await db
    .updateTable('lab_results')
    .set({ notified_at: dbNow() })
    .where('id', '=', asUuid(resultId))
    .where('notified_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Webhook deliveries
// ---------------------------------------------------------------------------------------------------------------

/**
 * Claims a delivery id for a lab: the row is the idempotency key. A concurrent duplicate waits on the unique
 * index until this transaction ends, then finds the row; undefined means "already delivered".
 */
export async function claimDelivery(db: Db, labId: string, webhookId: string): Promise<string | undefined> {
  const row = await db
    .insertInto('webhook_deliveries')
    .values({ lab_id: labId, webhook_id: webhookId, outcome: 'processed' })
    .onConflict((oc) => oc.columns(['lab_id', 'webhook_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export async function recordDeliveryResult(db: Db, deliveryId: string, orderId: string, resultId: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ order_id: asUuid(orderId), result_id: asUuid(resultId) })
    .where('id', '=', asUuid(deliveryId))
    .execute();
}

export async function findDelivery(db: Db, labId: string, webhookId: string) {
  return db.selectFrom('webhook_deliveries').selectAll().where('lab_id', '=', labId).where('webhook_id', '=', webhookId).executeTakeFirst();
}

export async function clinicianEmail(db: Db, userId: string): Promise<string | undefined> {
  const row = await db.selectFrom('users').select('email').where('id', '=', asUuid(userId)).executeTakeFirst();
  return row?.email;
}
