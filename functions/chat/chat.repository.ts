import { sql, type Selectable } from 'kysely';
import type { Db } from '../core/db.ts';
import type { ChatSessionStatus, ChatSessionsTable } from '../core/database.ts';
import { asJson, asUuid, dbNow, instantText } from '../core/sql.ts';

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

/** A session with its patient's tenant; idle sessions are abandoned as they are read. */
export async function findSession(db: Db, id: string, accountId: string | null): Promise<SessionWithTenant | undefined> {
  let abandon = db
    .updateTable('chat_sessions')
    .set({ status: 'abandoned', updated_at: dbNow() })
    .where('id', '=', asUuid(id))
    .where('status', '=', 'in_progress')
    .where(sql<boolean>`last_activity_at < now() - make_interval(days => ${sql.lit(ABANDON_AFTER_DAYS)})`);
  // Only a session the caller may see: a probe from another clinic changes nothing.
  if (accountId) abandon = abandon.where('patient_id', 'in', db.selectFrom('patients').select('id').where('account_id', '=', asUuid(accountId)));
  await abandon.execute();
  let query = db
    .selectFrom('chat_sessions as s')
    .innerJoin('patients as p', 'p.id', 's.patient_id')
    .selectAll('s')
    .select('p.account_id')
    .where('s.id', '=', asUuid(id));
  if (accountId) query = query.where('p.account_id', '=', asUuid(accountId));
  return query.executeTakeFirst();
}

export async function listSessionsOfPatient(db: Db, patientId: string, page: { after?: [string, string]; limit: number }) {
  let query = db
    .selectFrom('chat_sessions')
    .selectAll()
    .select(instantText('created_at').as('cursor_created_at'))
    .where('patient_id', '=', asUuid(patientId));
  if (page.after) {
    const [createdAt, id] = page.after;
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', sql<Date>`cast(${createdAt} as timestamptz)`), eb.and([eb('created_at', '=', sql<Date>`cast(${createdAt} as timestamptz)`), eb('id', '<', asUuid(id))])]),
    );
  }
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

export async function upsertAnswer(db: Db, sessionId: string, answer: { questionId: number; iteration: number; json: string }): Promise<void> {
  await db
    .insertInto('chat_answers')
    .values({ session_id: asUuid(sessionId), question_id: answer.questionId, iteration: answer.iteration, answer: answer.json })
    .onConflict((oc) => oc.columns(['session_id', 'question_id', 'iteration']).doUpdateSet({ answer: answer.json, updated_at: dbNow() }))
    .execute();
}

/** Drops answers the current branch no longer reaches. */
export async function deleteAnswers(db: Db, sessionId: string, refs: { questionId: number; iteration: number }[]): Promise<void> {
  if (refs.length === 0) return;
  await db
    .deleteFrom('chat_answers')
    .where('session_id', '=', asUuid(sessionId))
    .where((eb) => eb.or(refs.map((r) => eb.and([eb('question_id', '=', r.questionId), eb('iteration', '=', r.iteration)]))))
    .execute();
}

/** Locks an in-progress session for the rest of the transaction; false when it is no longer in progress. */
export async function lockInProgressSession(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom('chat_sessions').select('id').where('id', '=', asUuid(id)).where('status', '=', 'in_progress').forUpdate().executeTakeFirst();
  return row !== undefined;
}

export async function touchSession(db: Db, id: string): Promise<void> {
  await db.updateTable('chat_sessions').set({ last_activity_at: dbNow(), updated_at: dbNow() }).where('id', '=', asUuid(id)).execute();
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
