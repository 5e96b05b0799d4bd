import { sql, type RawBuilder, type Selectable } from 'kysely';
import { writeWithAudit, type AuditFor } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import type { EligibilityResultsTable } from '../core/database.ts';
import { asJson, asUuid, dbNow, instantText, keysetAfter } from '../core/sql.ts';

export type EligibilityResultRow = Selectable<EligibilityResultsTable>;
/** A result without its factors (criteria, risk models, the whole RiskProfile): what lists read. */
export type EligibilityResultSummaryRow = Omit<EligibilityResultRow, 'factors'>;

const SUMMARY_COLUMNS = [
  'r.id',
  'r.patient_id',
  'r.account_id',
  'r.session_id',
  'r.is_eligible',
  'r.nccn_eligible',
  'r.tc_score',
  'r.outcome',
  'r.ruleset',
  'r.created_at',
  'r.provider_reviewed',
  'r.provider_id',
  'r.review_notes',
  'r.review_agrees',
  'r.reviewed_at',
] as const;

export interface NewResult {
  patientId: string;
  accountId: string;
  sessionId: string | null;
  isEligible: boolean;
  nccnEligible: boolean;
  tcScore: number | null;
  outcome: string;
  ruleset: string;
  factors: unknown;
}

/**
 * The INSERT of a result as a fragment that writes one row per row of `from` (a CTE of the caller's statement),
 * so a result is stored in the same statement as the change that produced it (a session's completion).
 */
export function resultInsertFrom(from: string, values: NewResult): RawBuilder<EligibilityResultRow> {
  const tcScore = values.tcScore === null ? sql`null` : sql`cast(${String(values.tcScore)} as numeric)`;
  return sql<EligibilityResultRow>`insert into eligibility_results (patient_id, account_id, session_id, is_eligible, nccn_eligible, tc_score, outcome, ruleset, factors)
    select ${asUuid(values.patientId)}, ${asUuid(values.accountId)}, ${values.sessionId ? asUuid(values.sessionId) : sql`null`}, ${values.isEligible}, ${values.nccnEligible},
      ${tcScore}, ${values.outcome}, ${values.ruleset}, ${asJson(values.factors)}
    from ${sql.table(from)}
    returning *`;
}

/** A result (its row carries the patient's tenant), scoped to the account unless super_admin. */
export async function findResult(db: Db, id: string, accountId: string | null) {
  let query = db.selectFrom('eligibility_results as r').selectAll('r').where('r.id', '=', asUuid(id));
  if (accountId) query = query.where('r.account_id', '=', asUuid(accountId));
  return query.executeTakeFirst();
}

export async function listResults(
  db: Db,
  filter: { accountId: string | null; patientId?: string; after?: [string, string]; limit: number },
) {
  let query = db
    .selectFrom('eligibility_results as r')
    .select(SUMMARY_COLUMNS)
    .select(instantText('r.created_at').as('cursor_created_at'));
  if (filter.accountId) query = query.where('r.account_id', '=', asUuid(filter.accountId));
  if (filter.patientId) query = query.where('r.patient_id', '=', asUuid(filter.patientId));
  if (filter.after) query = query.where(keysetAfter(['r.created_at', 'r.id'], filter.after, 'desc', 'instant'));
  return query
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(filter.limit + 1)
    .execute();
}

/**
 * Reviews a result not yet reviewed and writes its audit row in one statement; undefined (and no audit
 * row) when another review got there first.
 */
export async function reviewResult(
  db: Db,
  id: string,
  review: { providerId: string; notes: string; agrees: boolean },
  audit: AuditFor,
) {
  const update = db
    .updateTable('eligibility_results')
    .set({
      provider_reviewed: true,
      provider_id: asUuid(review.providerId),
      review_notes: review.notes,
      review_agrees: review.agrees,
      reviewed_at: dbNow(),
    })
    .where('id', '=', asUuid(id))
    .where('provider_reviewed', '=', false)
    .returningAll();
  return writeWithAudit(db, update, audit);
}

/**
 * The schema document's "Patient Risk Assessment Status" query, made correct and pageable: each patient of
 * the account (optionally of one provider) with their latest completed session and that session's latest result.
 */
export async function riskAssessmentDashboard(
  db: Db,
  filter: { accountId: string | null; providerId?: string; after?: [string, string]; limit: number },
) {
  let query = db
    .selectFrom('patients as p')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('chat_sessions as cs')
          .select(['cs.id as session_id', 'cs.completed_at', 'cs.status as chat_status'])
          .whereRef('cs.patient_id', '=', 'p.id')
          .where('cs.status', '=', 'completed')
          .orderBy('cs.completed_at', 'desc')
          .limit(1)
          .as('s'),
      (join) => join.onTrue(),
    )
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('eligibility_results as er')
          .select([
            'er.id as result_id',
            'er.is_eligible',
            'er.outcome',
            'er.provider_reviewed',
            'er.created_at as evaluated_at',
          ])
          .whereRef('er.patient_id', '=', 'p.id')
          .orderBy('er.created_at', 'desc')
          .limit(1)
          .as('e'),
      (join) => join.onTrue(),
    )
    .select([
      'p.id',
      'p.account_id',
      'p.first_name',
      'p.last_name',
      'p.provider_id',
      's.session_id',
      's.chat_status',
      's.completed_at',
      'e.result_id',
      'e.is_eligible',
      'e.outcome',
      'e.provider_reviewed',
      'e.evaluated_at',
    ])
    .where('p.status', '!=', 'archived');
  if (filter.accountId) query = query.where('p.account_id', '=', asUuid(filter.accountId));
  if (filter.providerId) query = query.where('p.provider_id', '=', asUuid(filter.providerId));
  if (filter.after) query = query.where(keysetAfter(['p.last_name', 'p.id'], filter.after, 'asc', 'text'));
  return query
    .orderBy('p.last_name')
    .orderBy('p.id')
    .limit(filter.limit + 1)
    .execute();
}
