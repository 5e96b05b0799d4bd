import type { Actor } from './auth/actor.ts';
import { actorId } from './auth/actor.ts';
import type { Db } from './db.ts';
import type { AuditActorType } from './database.ts';
import { asUuid } from './sql.ts';
import { sql } from 'kysely';

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

function actorType(actor: Actor): AuditActorType {
  if (actor.kind === 'staff') return 'user';
  if (actor.kind === 'patient') return 'patient';
  return 'system';
}

const uuidOrNull = (value: string | null | undefined) => (value ? asUuid(value) : sql<null>`null`);

/**
 * Writes audit events in one statement. Called in the same transaction as the change it records, so
 * a change without its audit row cannot exist.
 */
export async function recordAudit(db: Db, context: AuditContext, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const fallbackAccount = context.actor.kind === 'anonymous' ? null : context.actor.accountId;
  await db
    .insertInto('audit_events')
    .values(
      entries.map((entry) => ({
        account_id: uuidOrNull(entry.accountId ?? fallbackAccount),
        actor_type: actorType(context.actor),
        actor_id: actorId(context.actor),
        action: entry.action,
        resource_type: entry.resourceType,
        resource_id: entry.resourceId ?? null,
        patient_id: uuidOrNull(entry.patientId),
        request_id: context.requestId,
      })),
    )
    .execute();
}
