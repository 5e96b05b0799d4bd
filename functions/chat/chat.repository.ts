import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { Db } from '../core/db.ts';
import type { ChatSessionStatus, ChatSessionsTable } from '../core/database.ts';
import { asJson, asUuid, dbNow, instantText, keysetAfter } from '../core/sql.ts';

export type ChatSessionRow = Selectable<ChatSessionsTable>;
export type SessionWithTenant = ChatSessionRow & { account_id: string };

export interface AnswerRow {
  question_id: number;
  iteration: number;
  answer: string | null;
}

/** Sessions idle this long are abandoned (on access, and by the daily sweep). */
export const ABANDON_AFTER_DAYS = 30;

export async function insertSession(
  db: Db,
  values: { patientId: string; source: 'invite' | 'direct' | 'provider'; inviteId: string | null; bankVersion: string },
): Promise<ChatSessionRow> {
  return db
    .insertInto('chat_sessions')
    .values({
      patient_id: asUuid(values.patientId),
      source: values.source,
      invite_id: values.inviteId ? asUuid(values.inviteId) : null,
      question_bank_version: values.bankVersion,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Abandons the invite's in-progress sessions idle for ABANDON_AFTER_DAYS, so that accepting never resumes one. */
export async function abandonStaleSessionsOfInvite(db: Db, inviteId: string): Promise<void> {
  await db
    .updateTable('chat_sessions')
    .set({ status: 'abandoned', updated_at: dbNow() })
    .where('invite_id', '=', asUuid(inviteId))
    .where('status', '=', 'in_progress')
    .where(sql<boolean>`last_activity_at < now() - make_interval(days => ${sql.lit(ABANDON_AFTER_DAYS)})`)
    .execute();
}

export async function findSessionForInvite(db: Db, inviteId: string, status: ChatSessionStatus): Promise<ChatSessionRow | undefined> {
  return db
    .selectFrom('chat_sessions')
    .selectAll()
    .where('invite_id', '=', asUuid(inviteId))
    .where('status', '=', status)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export type SessionWithAnswers = SessionWithTenant & { answers: AnswerRow[] };

/**
 * A session with its patient's tenant and its answers, in one statement (each statement is a Data API round
 * trip). An in-progress session idle for ABANDON_AFTER_DAYS is abandoned as it is read — only one the caller
 * may see: a probe from another clinic changes nothing.
 */
export async function findSession(db: Db, id: string, accountId: string | null): Promise<SessionWithAnswers | undefined> {
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
      ), '[]'::json) as answers
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
  input: { sessionId: string; questionId: number; iteration: number; json: string; dropped: { questionId: number; iteration: number }[]; audit: RawBuilder<unknown> },
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

export async function listSessionsOfPatient(db: Db, patientId: string, page: { after?: [string, string]; limit: number }) {
  let query = db
    .selectFrom('chat_sessions')
    .selectAll()
    .select(instantText('created_at').as('cursor_created_at'))
    .where('patient_id', '=', asUuid(patientId));
  if (page.after) query = query.where(keysetAfter(['created_at', 'id'], page.after, 'desc', 'instant'));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit + 1).execute();
}

export async function loadAnswers(db: Db, sessionId: string): Promise<AnswerRow[]> {
  return db
    .selectFrom('chat_answers')
    .select(['question_id', 'iteration', 'answer'])
    .where('session_id', '=', asUuid(sessionId))
    .orderBy('created_at')
    .execute();
}

/** Locks an in-progress session for the rest of the transaction; false when it is no longer in progress. */
export async function lockInProgressSession(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom('chat_sessions').select('id').where('id', '=', asUuid(id)).where('status', '=', 'in_progress').forUpdate().executeTakeFirst();
  return row !== undefined;
}

/** Completes an in-progress session; undefined when it is no longer in progress (a concurrent complete or abandon). */
export async function completeSession(db: Db, id: string, profile: unknown, notes: string[]): Promise<ChatSessionRow | undefined> {
  return db
    .updateTable('chat_sessions')
    .set({ status: 'completed', completed_at: dbNow(), updated_at: dbNow(), last_activity_at: dbNow(), risk_profile: asJson(profile), profile_notes: asJson(notes) })
    .where('id', '=', asUuid(id))
    .where('status', '=', 'in_progress')
    .returningAll()
    .executeTakeFirst();
}

/** Abandons an in-progress session; undefined when it is no longer in progress. */
export async function abandonSession(db: Db, id: string): Promise<ChatSessionRow | undefined> {
  return db
    .updateTable('chat_sessions')
    .set({ status: 'abandoned', updated_at: dbNow() })
    .where('id', '=', asUuid(id))
    .where('status', '=', 'in_progress')
    .returningAll()
    .executeTakeFirst();
}

/** The daily sweep: every in-progress session idle for ABANDON_AFTER_DAYS. */
export async function abandonStaleSessions(db: Db): Promise<{ id: string; patient_id: string; account_id: string }[]> {
  return db
    .updateTable('chat_sessions')
    .from('patients')
    .set({ status: 'abandoned', updated_at: dbNow() })
    .whereRef('patients.id', '=', 'chat_sessions.patient_id')
    .where('chat_sessions.status', '=', 'in_progress')
    .where(sql<boolean>`chat_sessions.last_activity_at < now() - make_interval(days => ${sql.lit(ABANDON_AFTER_DAYS)})`)
    .returning(['chat_sessions.id', 'chat_sessions.patient_id', 'patients.account_id'])
    .execute();
}

export async function latestResultOfSession(db: Db, sessionId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('eligibility_results')
    .select('id')
    .where('session_id', '=', asUuid(sessionId))
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}
