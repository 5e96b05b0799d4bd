import type { Db } from '../core/db.ts';
import { asTimestamptz, asUuid, instantText } from '../core/sql.ts';

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
  if (filter.after) {
    const [at, id] = filter.after;
    const ts = asTimestamptz(at);
    query = query.where((eb) => eb.or([eb('occurred_at', '<', ts), eb.and([eb('occurred_at', '=', ts), eb('id', '<', asUuid(id))])]));
  }
  return query.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(filter.limit + 1).execute();
}
