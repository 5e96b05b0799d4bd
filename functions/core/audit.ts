import type { Actor } from './auth/actor.ts';
import { actorId } from './auth/actor.ts';
import type { Db } from './db.ts';
import type { AuditActorType } from './database.ts';
import { asUuid } from './sql.ts';
import {
  sql,
  type DeleteQueryBuilder,
  type InsertQueryBuilder,
  type RawBuilder,
  type UpdateQueryBuilder,
} from 'kysely';

export interface AuditEntry {
  /** What happened, `<resource>.<verb>`: `patient.read`, `patient.update`, `chat_session.answer` … */
  action: string;
  resourceType: string;
  resourceId?: string | null;
  patientId?: string | null;
  accountId?: string | null;
}

export interface AuditContext {
  actor: Actor;
  requestId: string;
}

/** The audit row a repository write records along with its change (see `writeWithAudit`). */
export interface AuditFor {
  context: AuditContext;
  entry: AuditEntry;
  /** Column of the changed row that is the audited resource's id, for ids the database generates (`'id'`). */
  resourceIdColumn?: string;
  /** Column of the changed row that is the patient concerned, when that differs from row to row (`'id'` of patients). */
  patientIdColumn?: string;
  /** Column of the changed row that is its tenant, when the statement itself decides it (a super_admin's write). */
  accountIdColumn?: string;
}

function actorType(actor: Actor): AuditActorType {
  if (actor.kind === 'staff') return 'user';
  if (actor.kind === 'patient') return 'patient';
  return 'system';
}

const uuidOrNull = (value: string | null | undefined) => (value ? asUuid(value) : sql<null>`null`);

function auditRow(context: AuditContext, entry: AuditEntry) {
  const fallbackAccount = context.actor.kind === 'anonymous' ? null : context.actor.accountId;
  return {
    account_id: uuidOrNull(entry.accountId ?? fallbackAccount),
    actor_type: actorType(context.actor),
    actor_id: actorId(context.actor),
    action: entry.action,
    resource_type: entry.resourceType,
    resource_id: entry.resourceId ?? null,
    patient_id: uuidOrNull(entry.patientId),
    request_id: context.requestId,
  };
}

/**
 * Writes audit events in one statement. Called in the same transaction as the change it records, so
 * a change without its audit row cannot exist.
 */
export async function recordAudit(db: Db, context: AuditContext, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('audit_events')
    .values(entries.map((entry) => auditRow(context, entry)))
    .execute();
}

/**
 * The audit insert as a SQL fragment that writes one row per row of `from` (a CTE of the same statement):
 * a change and its audit row then happen in one statement, and no audit row is written when the change
 * matched nothing. The resource id, patient and tenant may each come from a column of `from` (see `AuditFor`).
 */
export function auditInsertFor(from: string, audit: AuditFor): RawBuilder<unknown> {
  const row = auditRow(audit.context, audit.entry);
  const column = (name: string) => sql.ref(`${from}.${name}`);
  const accountId = audit.accountIdColumn ? column(audit.accountIdColumn) : row.account_id;
  const resourceId = audit.resourceIdColumn ? sql`${column(audit.resourceIdColumn)}::text` : row.resource_id;
  const patientId = audit.patientIdColumn ? column(audit.patientIdColumn) : row.patient_id;
  return sql`insert into audit_events (account_id, actor_type, actor_id, action, resource_type, resource_id, patient_id, request_id)
    select ${accountId}, ${row.actor_type}, ${row.actor_id}, ${row.action}, ${row.resource_type}, ${resourceId}, ${patientId}, ${row.request_id}
    from ${sql.table(from)}`;
}

/** A data-modifying query whose `returning…()` rows are the changed rows. */
export type ReturningWrite<O> =
  UpdateQueryBuilder<any, any, any, O> | InsertQueryBuilder<any, any, O> | DeleteQueryBuilder<any, any, O>;

/**
 * Runs an INSERT, UPDATE or DELETE (built with `returning…()`) and one audit row per changed row as one statement
 * (writable CTEs): the change and its audit are atomic without a transaction (no BEGIN/COMMIT round trips, each of
 * which is a Data API call), and nothing is audited when the write changed nothing. Returns the changed rows.
 */
export async function writeAllWithAudit<O>(db: Db, write: ReturningWrite<O>, audit: AuditFor): Promise<O[]> {
  const { rows } = await sql<O>`
    with w as (${write}), audited as (
      ${auditInsertFor('w', audit)}
      returning id
    )
    select * from w
  `.execute(db);
  return rows;
}

/** `writeAllWithAudit` for a write of at most one row: the row, or undefined when the write matched nothing. */
export async function writeWithAudit<O>(db: Db, write: ReturningWrite<O>, audit: AuditFor): Promise<O | undefined> {
  return (await writeAllWithAudit(db, write, audit))[0];
}
