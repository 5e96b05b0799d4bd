import { randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { auditInsertFor, writeWithAudit, type AuditFor } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import type {
  LabOrderStatus,
  LabOrdersTable,
  LabReportStatus,
  LabResultStatus,
  LabResultsTable,
} from '../core/database.ts';
import { asJson, asUuid, dbNow, instantText, keysetAfter } from '../core/sql.ts';

export type LabOrderRow = Selectable<LabOrdersTable>;
export type LabResultRow = Selectable<LabResultsTable>;

// ---------------------------------------------------------------------------------------------------------------
// Catalogue
// ---------------------------------------------------------------------------------------------------------------

/** Sort key of the catalogue: lab, then test type (byte order, so the keyset comparison matches the sort). */
const catalogueKey = sql<string>`(t.lab_id || '/' || t.test_type) collate "C"`;

export async function listLabTests(
  db: Db,
  filter: { labId?: string; includeInactive: boolean; after?: [string, string]; limit: number },
) {
  let query = db
    .selectFrom('lab_tests as t')
    .innerJoin('labs as l', 'l.id', 't.lab_id')
    .selectAll('t')
    .select(['l.name as lab_name', catalogueKey.as('sort_key')]);
  if (!filter.includeInactive) query = query.where('t.is_active', '=', true).where('l.is_active', '=', true);
  if (filter.labId) query = query.where('t.lab_id', '=', filter.labId);
  if (filter.after) {
    const [key, id] = filter.after;
    query = query.where((eb) =>
      eb.or([eb(catalogueKey, '>', key), eb.and([eb(catalogueKey, '=', key), eb('t.id', '>', asUuid(id))])]),
    );
  }
  return query
    .orderBy(catalogueKey)
    .orderBy('t.id')
    .limit(filter.limit + 1)
    .execute();
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
function orderableTest(db: Db, labId: string, testType: string) {
  return db
    .selectFrom('lab_tests as t')
    .innerJoin('labs as l', 'l.id', 't.lab_id')
    .select('t.id')
    .where('t.lab_id', '=', labId)
    .where('t.test_type', '=', testType)
    .where('t.is_active', '=', true)
    .where('l.is_active', '=', true);
}

/** The genes of a test as catalogued (also for a test withdrawn after the order was placed). */
export async function labTestGenes(db: Db, labId: string, testType: string): Promise<string[]> {
  const row = await db
    .selectFrom('lab_tests')
    .select('genes')
    .where('lab_id', '=', labId)
    .where('test_type', '=', testType)
    .executeTakeFirst();
  return row?.genes ?? [];
}

export async function labExists(db: Db, labId: string): Promise<boolean> {
  return (await db.selectFrom('labs').select('id').where('id', '=', labId).executeTakeFirst()) !== undefined;
}

/** Inserts a catalogue test; undefined when the lab already has that test type. */
export async function insertLabTest(
  db: Db,
  values: { labId: string; testType: string; name: string; genes: string[]; isActive: boolean },
) {
  const row = await db
    .insertInto('lab_tests')
    .values({
      lab_id: values.labId,
      test_type: values.testType,
      name: values.name,
      genes: asJson(values.genes),
      is_active: values.isActive,
    })
    .onConflict((oc) => oc.columns(['lab_id', 'test_type']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export async function updateLabTest(
  db: Db,
  id: string,
  values: { name?: string; genes?: string[]; isActive?: boolean },
) {
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

/**
 * What placing an order checks, in one read: the patient (scoped to `accountId` unless it is null), whether the
 * test is orderable, and whether the eligibility result (when one is named) is one of this patient's.
 */
export async function findOrderingContext(
  db: Db,
  input: {
    patientId: string;
    accountId: string | null;
    labId: string;
    testType: string;
    eligibilityResultId: string | null;
  },
) {
  const { eligibilityResultId } = input;
  let query = db
    .selectFrom('patients as p')
    .select(['p.id', 'p.account_id', 'p.status'])
    .select((eb) => [
      eb.exists(orderableTest(db, input.labId, input.testType)).as('test_orderable'),
      eligibilityResultId
        ? eb
            .exists(
              eb
                .selectFrom('eligibility_results as e')
                .select('e.id')
                .where('e.id', '=', asUuid(eligibilityResultId))
                .whereRef('e.account_id', '=', 'p.account_id')
                .whereRef('e.patient_id', '=', 'p.id'),
            )
            .as('eligibility_of_patient')
        : sql<boolean>`true`.as('eligibility_of_patient'),
    ])
    .where('p.id', '=', asUuid(input.patientId));
  if (input.accountId) query = query.where('p.account_id', '=', asUuid(input.accountId));
  return query.executeTakeFirst();
}

/** Inserts an order and its audit row (`resourceIdColumn: 'id'`: the id is generated here) in one statement. */
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
  audit: AuditFor,
): Promise<LabOrderRow> {
  const id = randomUUID();
  const insert = db
    .insertInto('lab_orders')
    .values({
      id: asUuid(id),
      account_id: asUuid(values.accountId),
      patient_id: asUuid(values.patientId),
      provider_id: asUuid(values.providerId),
      eligibility_result_id: values.eligibilityResultId ? asUuid(values.eligibilityResultId) : null,
      lab_id: values.labId,
      test_type: values.testType,
      insurance_information:
        values.insuranceInformation === undefined || values.insuranceInformation === null
          ? null
          : asJson(values.insuranceInformation),
      notes: values.notes,
      // Named after the order, so a second start of the same order cannot run two lifecycles.
      execution_name: `lab-order-${id}`,
    })
    .returningAll();
  const row = await writeWithAudit(db, insert, audit);
  if (!row) throw new Error('The order insert returned no row');
  return row;
}

/** The latest result version's status of each order (null before the lab reported). */
const latestResultStatus = sql<LabResultStatus | null>`(select r.status from lab_results r where r.order_id = lo.id order by r.version desc limit 1)`;

export type LabOrderListRow = LabOrderRow & { result_status: LabResultStatus | null; cursor_ordered_at: string };

export async function findOrder(
  db: Db,
  id: string,
  accountId: string | null,
): Promise<(LabOrderRow & { result_status: LabResultStatus | null }) | undefined> {
  let query = db
    .selectFrom('lab_orders as lo')
    .selectAll('lo')
    .select(latestResultStatus.as('result_status'))
    .where('lo.id', '=', asUuid(id));
  if (accountId) query = query.where('lo.account_id', '=', asUuid(accountId));
  return query.executeTakeFirst();
}

export async function listOrders(
  db: Db,
  filter: {
    accountId: string | null;
    patientId?: string;
    status?: LabOrderStatus;
    after?: [string, string];
    limit: number;
  },
): Promise<LabOrderListRow[]> {
  let query = db
    .selectFrom('lab_orders as lo')
    .selectAll('lo')
    .select([latestResultStatus.as('result_status'), instantText('lo.ordered_at').as('cursor_ordered_at')]);
  if (filter.accountId) query = query.where('lo.account_id', '=', asUuid(filter.accountId));
  if (filter.patientId) query = query.where('lo.patient_id', '=', asUuid(filter.patientId));
  if (filter.status) query = query.where('lo.status', '=', filter.status);
  if (filter.after) query = query.where(keysetAfter(['lo.ordered_at', 'lo.id'], filter.after, 'desc', 'instant'));
  return query
    .orderBy('lo.ordered_at', 'desc')
    .orderBy('lo.id', 'desc')
    .limit(filter.limit + 1)
    .execute();
}

/**
 * The schema document's "Lab Test Order Status" query, made pageable and one row per order: the order with its
 * patient and the status of its latest result version.
 */
export async function labOrdersDashboard(
  db: Db,
  filter: { accountId: string | null; status?: LabOrderStatus; after?: [string, string]; limit: number },
) {
  let query = db
    .selectFrom('lab_orders as lo')
    .innerJoin('patients as p', 'p.id', 'lo.patient_id')
    .select([
      'lo.id',
      'lo.account_id',
      'lo.patient_id',
      'p.first_name',
      'p.last_name',
      'lo.lab_id',
      'lo.test_type',
      'lo.status',
      'lo.ordered_at',
      'lo.overdue_at',
    ])
    .select([latestResultStatus.as('result_status'), instantText('lo.ordered_at').as('cursor_ordered_at')]);
  if (filter.accountId) query = query.where('lo.account_id', '=', asUuid(filter.accountId));
  if (filter.status) query = query.where('lo.status', '=', filter.status);
  if (filter.after) query = query.where(keysetAfter(['lo.ordered_at', 'lo.id'], filter.after, 'desc', 'instant'));
  return query
    .orderBy('lo.ordered_at', 'desc')
    .orderBy('lo.id', 'desc')
    .limit(filter.limit + 1)
    .execute();
}

/** Submission step: only an order still `ordered` (or re-submitted while `processing`) takes the lab's id. */
export async function markSubmitted(db: Db, id: string, externalOrderId: string): Promise<LabOrderRow | undefined> {
  return db
    .updateTable('lab_orders')
    .set({
      status: 'processing',
      external_order_id: externalOrderId,
      submitted_at: sql`coalesce(submitted_at, now())`,
      updated_at: dbNow(),
    })
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

/** Cancels an open order and writes its audit row in one statement; undefined (and no audit row) when it is no longer open. */
export async function cancelOrder(db: Db, id: string, audit: AuditFor): Promise<LabOrderRow | undefined> {
  const update = db
    .updateTable('lab_orders')
    .set({ status: 'cancelled', cancelled_at: dbNow(), task_token: null, updated_at: dbNow() })
    .where('id', '=', asUuid(id))
    .where('status', 'in', ['ordered', 'processing'])
    .returningAll();
  return writeWithAudit(db, update, audit);
}

// ---------------------------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------------------------

export async function listResults(db: Db, orderId: string): Promise<LabResultRow[]> {
  return db
    .selectFrom('lab_results')
    .selectAll()
    .where('order_id', '=', asUuid(orderId))
    .orderBy('version', 'desc')
    .execute();
}

export async function latestResult(db: Db, orderId: string): Promise<LabResultRow | undefined> {
  return db
    .selectFrom('lab_results')
    .selectAll()
    .where('order_id', '=', asUuid(orderId))
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
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
export async function reviewResult(
  db: Db,
  id: string,
  review: { reviewerId: string; clinicalSignificance: string; notes: string | null },
  audit: AuditFor,
) {
  const update = db
    .updateTable('lab_results')
    .set({
      status: 'reviewed',
      reviewed_at: dbNow(),
      reviewer_id: asUuid(review.reviewerId),
      clinical_significance: review.clinicalSignificance,
      notes: review.notes,
    })
    .where('id', '=', asUuid(id))
    .where('status', '=', 'available')
    .returningAll();
  return writeWithAudit(db, update, audit);
}

/**
 * Claims the "result available" notification of one version — exactly once, whoever calls first — and reads where
 * it goes: the order, its tenant and the ordering clinician's address. Undefined when it was claimed before.
 */
export async function claimResultNotification(db: Db, resultId: string) {
  return db
    .with('claimed', (db) =>
      db
        .updateTable('lab_results')
        .set({ notified_at: dbNow() })
        .where('id', '=', asUuid(resultId))
        .where('notified_at', 'is', null)
        .returning('order_id'),
    )
    .selectFrom('claimed')
    .innerJoin('lab_orders as lo', 'lo.id', 'claimed.order_id')
    .leftJoin('users as u', 'u.id', 'lo.provider_id')
    .select(['lo.id as order_id', 'lo.account_id', 'u.email'])
    .executeTakeFirst();
}

/** Gives a claimed notification back (its e-mail could not be sent), so that the next caller sends it. */
export async function releaseResultNotification(db: Db, resultId: string): Promise<void> {
  await db.updateTable('lab_results').set({ notified_at: null }).where('id', '=', asUuid(resultId)).execute();
}

// ---------------------------------------------------------------------------------------------------------------
// Webhook deliveries
// ---------------------------------------------------------------------------------------------------------------

const FINAL_REPORTS = ['final', 'amended', 'corrected'] as const;

export interface ResultDelivery {
  labId: string;
  /** The idempotency key: one delivery per lab and `webhook-id`. */
  webhookId: string;
  orderId: string;
  /** The lab's id of the order when the delivery names one; it must match the order's. */
  externalOrderId: string | null;
  reportStatus: LabReportStatus;
  /** The stored report without `externalOrderId`, which is the delivery's or else the order's. */
  resultData: Record<string, unknown>;
  rawResult: string;
  clinicalSignificance: string;
  /** The `lab_result.receive` audit row: its resource, patient and tenant are filled in from the stored result. */
  audit: Pick<AuditFor, 'context' | 'entry'>;
}

/** What `storeResultDelivery` found and did; `result_id` is null when nothing was stored. */
export interface StoredDelivery {
  /** The webhook id was delivered before. */
  duplicate: boolean;
  /** The order, when it exists and belongs to the lab. */
  order_id: string | null;
  external_order_id: string | null;
  task_token: string | null;
  /** The order's latest result version before this delivery. */
  latest_id: string | null;
  latest_version: number | null;
  latest_report_status: LabReportStatus | null;
  result_id: string | null;
  result_version: number | null;
}

/**
 * Stores one result delivery in one statement: the delivery (the idempotency key), a new result version that
 * supersedes the latest, the order's completion (unless the report is preliminary) and the audit row — or nothing
 * when the webhook id was delivered before, the order is not the lab's, the external id differs, or a final report
 * is followed by anything but an amendment or a correction.
 *
 * The order row is locked first, so the task token read here is the one committed last: a workflow that stores its
 * token after this statement waits for it and then finds the result. The other reads use the statement's snapshot:
 * a concurrent delivery of the same order or webhook id that commits after it starts makes this statement fail with
 * a unique violation (version or webhook id), and the caller runs it again.
 */
export async function storeResultDelivery(db: Db, delivery: ResultDelivery): Promise<StoredDelivery> {
  const externalMatches = delivery.externalOrderId
    ? sql`and (o.external_order_id is null or o.external_order_id = ${delivery.externalOrderId})`
    : sql``;
  const amends = delivery.reportStatus === 'amended' || delivery.reportStatus === 'corrected';
  const finalGuard = amends
    ? sql``
    : sql`and (latest.report_status is null or latest.report_status not in (${sql.join(FINAL_REPORTS.map((s) => sql.lit(s)))}))`;
  const completes =
    delivery.reportStatus === 'preliminary'
      ? sql``
      : sql`, completed as (
          update lab_orders set status = 'completed', updated_at = now()
          where id in (select order_id from result) and status in ('ordered', 'processing')
          returning id
        )`;
  const audit: AuditFor = {
    ...delivery.audit,
    resourceIdColumn: 'id',
    patientIdColumn: 'patient_id',
    accountIdColumn: 'account_id',
  };
  const { rows } = await sql<StoredDelivery>`
    with o as (
      select id, account_id, patient_id, external_order_id, task_token from lab_orders
      where id = ${asUuid(delivery.orderId)} and lab_id = ${delivery.labId}
      for no key update
    ), latest as (
      select r.id, r.version, r.report_status from lab_results r
      where r.order_id in (select id from o)
      order by r.version desc limit 1
    ), delivered as (
      select 1 from webhook_deliveries where lab_id = ${delivery.labId} and webhook_id = ${delivery.webhookId}
    ), accepted as (
      select o.id, o.account_id, o.patient_id, o.external_order_id, latest.id as latest_id, coalesce(latest.version, 0) + 1 as version
      from o left join latest on true
      where not exists (select 1 from delivered) ${externalMatches} ${finalGuard}
    ), result as (
      insert into lab_results (order_id, version, status, report_status, result_data, raw_result, received_at, clinical_significance, supersedes_id)
      select id, version, 'available', ${delivery.reportStatus},
        ${asJson(delivery.resultData)} || jsonb_build_object('externalOrderId', coalesce(cast(${delivery.externalOrderId} as varchar), external_order_id)),
        ${delivery.rawResult}, now(), ${delivery.clinicalSignificance}, latest_id
      from accepted
      returning id, order_id, version
    ), stored as (
      select result.id, result.version, accepted.account_id, accepted.patient_id from result join accepted on accepted.id = result.order_id
    ), delivery as (
      insert into webhook_deliveries (lab_id, webhook_id, outcome, order_id, result_id)
      select ${delivery.labId}, ${delivery.webhookId}, 'processed', order_id, id from result
      returning id
    )${completes}, audited as (
      ${auditInsertFor('stored', audit)}
      returning id
    )
    select exists (select 1 from delivered) as duplicate, o.id as order_id, o.external_order_id, o.task_token,
      latest.id as latest_id, latest.version as latest_version, latest.report_status as latest_report_status,
      stored.id as result_id, stored.version as result_version
    from (select 1) as one
    left join o on true
    left join latest on true
    left join stored on true
  `.execute(db);
  return rows[0] as StoredDelivery;
}

export async function clinicianEmail(db: Db, userId: string): Promise<string | undefined> {
  const row = await db.selectFrom('users').select('email').where('id', '=', asUuid(userId)).executeTakeFirst();
  return row?.email;
}
