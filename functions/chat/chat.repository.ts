import { sql, type RawBuilder, type Selectable } from 'kysely';
import { auditInsertFor, writeAllWithAudit, writeWithAudit, type AuditFor } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import type { ChatSessionsTable } from '../core/database.ts';
import { resultInsertFrom, type NewResult } from '../eligibility/eligibility.repository.ts';
import { asJson, asTimestamptz, asUuid, dbNow, instantText, keysetAfter } from '../core/sql.ts';

export type ChatSessionRow = Selectable<ChatSessionsTable>;
export type SessionWithTenant = ChatSessionRow & { account_id: string };

export interface AnswerRow {
  question_id: number;
  iteration: number;
  answer: string | null;
}

/** Sessions idle this long are abandoned (on access, and by the daily sweep). */
export const ABANDON_AFTER_DAYS = 30;

type NewSession = {
  patientId: string;
  source: 'invite' | 'direct' | 'provider';
  inviteId: string | null;
  bankVersion: string;
};

function sessionInsert(db: Db, values: NewSession) {
  return db
    .insertInto('chat_sessions')
    .values({
      patient_id: asUuid(values.patientId),
      source: values.source,
      invite_id: values.inviteId ? asUuid(values.inviteId) : null,
      question_bank_version: values.bankVersion,
    })
    .returningAll();
}

/** Starts a session and writes its audit row (`resourceIdColumn: 'id'` names the new session) in one statement. */
export async function startSession(db: Db, values: NewSession, audit: AuditFor): Promise<ChatSessionRow> {
  const row = await writeWithAudit(db, sessionInsert(db, values), audit);
  if (!row) throw new Error('chat session insert returned no row');
  return row;
}

/**
 * Accepting an invite, in one statement with its audit row (`resourceIdColumn: 'id'`): abandons the invite's
 * in-progress sessions idle for ABANDON_AFTER_DAYS, then resumes the newest one still in progress, or starts one.
 */
export async function resumeOrStartInviteSession(
  db: Db,
  values: { inviteId: string; patientId: string; bankVersion: string },
  audit: AuditFor,
): Promise<ChatSessionRow> {
  const inviteId = asUuid(values.inviteId);
  const { rows } = await sql<ChatSessionRow>`
    with stale as (
      update chat_sessions set status = 'abandoned', updated_at = now()
      where invite_id = ${inviteId} and status = 'in_progress'
        and last_activity_at < now() - make_interval(days => ${sql.lit(ABANDON_AFTER_DAYS)})
      returning id
    ), resumed as (
      select * from chat_sessions
      where invite_id = ${inviteId} and status = 'in_progress' and id not in (select id from stale)
      order by created_at desc
      limit 1
    ), started as (
      insert into chat_sessions (patient_id, source, invite_id, question_bank_version)
      select ${asUuid(values.patientId)}, 'invite', ${inviteId}, ${values.bankVersion}
      where not exists (select 1 from resumed)
      returning *
    ), session as (
      select * from resumed union all select * from started
    ), audited as (
      ${auditInsertFor('session', audit)}
      returning id
    )
    select * from session
  `.execute(db);
  const row = rows[0];
  if (!row) throw new Error('invite session neither resumed nor started');
  return row;
}

export type SessionWithAnswers = SessionWithTenant & {
  answers: AnswerRow[];
  /**
   * `last_activity_at` as PostgreSQL's text (exact to the microsecond). Every answer change moves it, so a write
   * guarded by it only happens while the answers are still those read with the session.
   */
  activity_version: string;
  /** The session's latest eligibility result (staff see its id). */
  eligibility_result_id: string | null;
};

/**
 * A session with its patient's tenant, its answers and its latest eligibility result, in one statement (each
 * statement is a Data API round trip). An in-progress session idle for ABANDON_AFTER_DAYS is abandoned as it is
 * read — only one the caller may see: a probe from another clinic changes nothing.
 */
export async function findSession(
  db: Db,
  id: string,
  accountId: string | null,
): Promise<SessionWithAnswers | undefined> {
  const tenant = accountId ? sql`and p.account_id = ${asUuid(accountId)}` : sql``;
  const { rows } = await sql<SessionWithAnswers>`
    with target as (
      select s.id from chat_sessions s join patients p on p.id = s.patient_id
      where s.id = ${asUuid(id)} ${tenant}
    ), idle as (
      update chat_sessions set status = 'abandoned', updated_at = now()
      where id in (select id from target) and status = 'in_progress'
        and last_activity_at < now() - make_interval(days => ${sql.lit(ABANDON_AFTER_DAYS)})
      returning id, status, updated_at
    )
    select s.id, s.patient_id, coalesce(idle.status, s.status) as status, s.source, s.invite_id,
      s.question_bank_version, s.risk_profile, s.profile_notes, s.created_at,
      coalesce(idle.updated_at, s.updated_at) as updated_at, s.completed_at, s.last_activity_at, p.account_id,
      coalesce((
        select json_agg(json_build_object('question_id', a.question_id, 'iteration', a.iteration, 'answer', a.answer) order by a.created_at)
        from chat_answers a where a.session_id = s.id
      ), '[]'::json) as answers,
      ${instantText('s.last_activity_at')} as activity_version,
      (select r.id from eligibility_results r where r.session_id = s.id order by r.created_at desc limit 1) as eligibility_result_id
    from chat_sessions s
    join patients p on p.id = s.patient_id
    left join idle on idle.id = s.id
    where s.id in (select id from target)
  `.execute(db);
  return rows[0];
}

/**
 * Stores one answer, drops the answers the new branch no longer reaches, touches the session and writes
 * the audit row — one statement, and only while the session is in progress (false otherwise: a
 * concurrent complete or abandon won).
 */
export async function saveAnswer(
  db: Db,
  input: {
    sessionId: string;
    questionId: number;
    iteration: number;
    json: string;
    dropped: { questionId: number; iteration: number }[];
    audit: RawBuilder<unknown>;
  },
): Promise<boolean> {
  const dropped = input.dropped.length
    ? sql`, dropped as (
        delete from chat_answers where session_id in (select id from s)
          and (question_id, iteration) in (${sql.join(input.dropped.map((d) => sql`(cast(${d.questionId} as integer), cast(${d.iteration} as integer))`))})
        returning id
      )`
    : sql``;
  const { rows } = await sql<{ updated: number }>`
    with s as (
      update chat_sessions set last_activity_at = now(), updated_at = now()
      where id = ${asUuid(input.sessionId)} and status = 'in_progress'
      returning id
    ), saved as (
      insert into chat_answers (session_id, question_id, iteration, answer)
      select id, cast(${input.questionId} as integer), cast(${input.iteration} as integer), ${input.json} from s
      on conflict (session_id, question_id, iteration) do update set answer = excluded.answer, updated_at = now()
      returning id
    )${dropped}, audited as (
      ${input.audit}
      returning id
    )
    select cast(count(*) as integer) as updated from s
  `.execute(db);
  return (rows[0]?.updated ?? 0) > 0;
}

export async function listSessionsOfPatient(
  db: Db,
  patientId: string,
  page: { after?: [string, string]; limit: number },
) {
  let query = db
    .selectFrom('chat_sessions')
    .selectAll()
    .select(instantText('created_at').as('cursor_created_at'))
    .where('patient_id', '=', asUuid(patientId));
  if (page.after) query = query.where(keysetAfter(['created_at', 'id'], page.after, 'desc', 'instant'));
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
}

export async function loadAnswers(db: Db, sessionId: string): Promise<AnswerRow[]> {
  return db
    .selectFrom('chat_answers')
    .select(['question_id', 'iteration', 'answer'])
    .where('session_id', '=', asUuid(sessionId))
    .orderBy('created_at')
    .execute();
}

/**
 * Completes a session whose answers are still those of `activityVersion` (see `SessionWithAnswers`), marks its
 * invite completed and writes the audit row, in one statement. Undefined when the session is no longer in
 * progress or its answers changed since they were read.
 */
export async function completeSession(
  db: Db,
  input: {
    id: string;
    activityVersion: string;
    profile: unknown;
    notes: string[];
    audit: Omit<AuditFor, 'resourceIdColumn'>;
    /** The eligibility result of the profile, stored (with its audit row) only when the session completes. */
    result: NewResult;
    resultAudit: Omit<AuditFor, 'resourceIdColumn'>;
  },
): Promise<(ChatSessionRow & { eligibility_result_id: string }) | undefined> {
  const complete = db
    .updateTable('chat_sessions')
    .set({
      status: 'completed',
      completed_at: dbNow(),
      updated_at: dbNow(),
      last_activity_at: dbNow(),
      risk_profile: asJson(input.profile),
      profile_notes: asJson(input.notes),
    })
    .where('id', '=', asUuid(input.id))
    .where('status', '=', 'in_progress')
    .where('last_activity_at', '=', asTimestamptz(input.activityVersion))
    .returningAll();
  const { rows } = await sql<ChatSessionRow & { eligibility_result_id: string }>`
    with done as (${complete}), invite as (
      update invites set status = 'completed', completed_at = now()
      where id in (select invite_id from done) and status = 'pending'
      returning id
    ), audited as (
      ${auditInsertFor('done', input.audit)}
      returning id
    ), result as (
      ${resultInsertFrom('done', input.result)}
    ), result_audited as (
      ${auditInsertFor('result', { ...input.resultAudit, resourceIdColumn: 'id' })}
      returning id
    )
    select done.*, result.id as eligibility_result_id from done cross join result
  `.execute(db);
  return rows[0];
}

/**
 * Abandons an in-progress session and writes the audit row in one statement; undefined when it is no longer in
 * progress. Returns the session's `activity_version` as the abandon found it.
 */
export async function abandonSession(
  db: Db,
  id: string,
  audit: AuditFor,
): Promise<(ChatSessionRow & { activity_version: string }) | undefined> {
  const abandon = db
    .updateTable('chat_sessions')
    .set({ status: 'abandoned', updated_at: dbNow() })
    .where('id', '=', asUuid(id))
    .where('status', '=', 'in_progress')
    .returningAll()
    .returning(instantText('last_activity_at').as('activity_version'));
  return writeWithAudit(db, abandon, audit);
}

/** The daily sweep: abandons every in-progress session idle for ABANDON_AFTER_DAYS, with an audit row each, in one statement. */
export async function abandonStaleSessions(
  db: Db,
  audit: Omit<AuditFor, 'resourceIdColumn' | 'patientIdColumn' | 'accountIdColumn'>,
): Promise<{ id: string; patient_id: string; account_id: string }[]> {
  const sweep = db
    .updateTable('chat_sessions')
    .from('patients')
    .set({ status: 'abandoned', updated_at: dbNow() })
    .whereRef('patients.id', '=', 'chat_sessions.patient_id')
    .where('chat_sessions.status', '=', 'in_progress')
    .where(sql<boolean>`chat_sessions.last_activity_at < now() - make_interval(days => ${sql.lit(ABANDON_AFTER_DAYS)})`)
    .returning(['chat_sessions.id', 'chat_sessions.patient_id', 'patients.account_id']);
  return writeAllWithAudit(db, sweep, {
    ...audit,
    resourceIdColumn: 'id',
    patientIdColumn: 'patient_id',
    accountIdColumn: 'account_id',
  });
}
