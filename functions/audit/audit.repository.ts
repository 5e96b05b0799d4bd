import type { Db } from '../core/db.ts';
import { asTimestamptz, asUuid, instantText, keysetAfter } from '../core/sql.ts';

export interface AuditFilter {
  accountId: string | null;
  patientId?: string;
  actorId?: string;
  from?: string;
  to?: string;
  after?: [string, string];
  limit: number;
}

export async function listAuditEvents(db: Db, filter: AuditFilter) {
  let query = db.selectFrom('audit_events').selectAll().select(instantText('occurred_at').as('cursor_occurred_at'));
  if (filter.accountId) query = query.where('account_id', '=', asUuid(filter.accountId));
  if (filter.patientId) query = query.where('patient_id', '=', asUuid(filter.patientId));
  if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
  if (filter.from) query = query.where('occurred_at', '>=', asTimestamptz(filter.from));
  if (filter.to) query = query.where('occurred_at', '<', asTimestamptz(filter.to));
  if (filter.after) query = query.where(keysetAfter(['occurred_at', 'id'], filter.after, 'desc', 'instant'));
  return query
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
}
