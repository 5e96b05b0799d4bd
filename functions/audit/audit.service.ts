import type { StaffActor } from '../core/auth/actor.ts';
import { tenantScope } from '../core/auth/actor.ts';
import { recordAudit, type AuditContext } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import { decodeCursor, toPage } from '../core/pagination.ts';
import { isoInstant } from '../core/sql.ts';
import * as repo from './audit.repository.ts';

interface Context extends AuditContext {
  actor: StaffActor;
}

export async function listAuditEvents(
  db: Db,
  context: Context,
  query: {
    limit: number;
    cursor?: string;
    patientId?: string;
    actorId?: string;
    from?: string;
    to?: string;
    accountId?: string;
  },
) {
  const rows = await repo.listAuditEvents(db, {
    accountId: tenantScope(context.actor) ?? query.accountId ?? null,
    patientId: query.patientId,
    actorId: query.actorId,
    from: query.from,
    to: query.to,
    after: decodeCursor(query.cursor, 'instant') as [string, string] | undefined,
    limit: query.limit,
  });
  // Reading the audit trail is itself recorded (once per request, without a patient).
  await recordAudit(db, context, [
    { action: 'audit_events.read', resourceType: 'audit_events', patientId: query.patientId ?? null },
  ]);
  return toPage(
    rows,
    query.limit,
    (r) => [r.cursor_occurred_at, r.id],
    (r) => ({
      id: r.id,
      occurredAt: isoInstant(r.occurred_at) as string,
      accountId: r.account_id,
      actorType: r.actor_type,
      actorId: r.actor_id,
      action: r.action,
      resourceType: r.resource_type,
      resourceId: r.resource_id,
      patientId: r.patient_id,
      requestId: r.request_id,
    }),
  );
}
