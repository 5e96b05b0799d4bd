import { sql, type Selectable } from 'kysely';
import { auditInsertFor, writeWithAudit, type AuditFor } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import type { ChatQuestionsTable } from '../core/database.ts';
import { asJson, dbNow } from '../core/sql.ts';
import type { Question } from './question-bank/types.ts';

export type ChatQuestionRow = Selectable<ChatQuestionsTable>;

/** A question of the bank with its database id (the API's `questionId`). */
export interface StoredQuestion extends Question {
  id: number;
  position: number;
  isActive: boolean;
}

interface Constraints {
  min?: number;
  max?: number;
  integer?: boolean;
  atMost?: Question['atMost'];
  atLeast?: Question['atLeast'];
}

export function toStoredQuestion(row: ChatQuestionRow): StoredQuestion {
  const constraints = (row.constraints ?? {}) as Constraints;
  return {
    id: row.id,
    key: row.key as string,
    text: row.text,
    questionType: row.question_type as Question['questionType'],
    ...(row.options ? { options: row.options as Question['options'] } : {}),
    allowUnknown: row.allow_unknown,
    ...constraints,
    category: row.category ?? 'general',
    ...(row.loop_name ? { loop: row.loop_name } : {}),
    next: row.next_question_logic as Question['next'],
    position: row.position ?? 0,
    isActive: row.is_active,
  };
}

function columns(question: Question) {
  const constraints: Constraints = {};
  for (const key of ['min', 'max', 'integer', 'atMost', 'atLeast'] as const) {
    if (question[key] !== undefined) Object.assign(constraints, { [key]: question[key] });
  }
  return {
    key: question.key,
    text: question.text,
    question_type: question.questionType,
    options: question.options ? asJson(question.options) : null,
    allow_unknown: question.allowUnknown,
    constraints: asJson(constraints),
    category: question.category,
    loop_name: question.loop ?? null,
    next_question_logic: asJson(question.next),
  };
}

export async function loadBankRows(db: Db, version: string): Promise<ChatQuestionRow[]> {
  return db
    .selectFrom('chat_questions')
    .selectAll()
    .where('bank_version', '=', version)
    .orderBy('position')
    .orderBy('id')
    .execute();
}

/**
 * Inserts a question and its audit row in one statement. With `after`, the new question is active and joins the
 * flow: that question, rewritten to lead to it, is saved by the same statement. Without, it is an inactive draft.
 */
export async function insertQuestion(
  db: Db,
  version: string,
  position: number,
  question: Question,
  after: { id: number; question: Question } | undefined,
  audit: AuditFor,
): Promise<ChatQuestionRow> {
  const insert = db
    .insertInto('chat_questions')
    .values({ ...columns(question), bank_version: version, position, is_active: after !== undefined })
    .returningAll();
  const relink = after ? sql`, relinked as (${questionUpdate(db, after.id, after.question, true)})` : sql``;
  const { rows } = await sql<ChatQuestionRow>`
    with w as (${insert})${relink}, audited as (${auditInsertFor('w', { ...audit, resourceIdColumn: 'id' })})
    select * from w
  `.execute(db);
  const [row] = rows;
  if (!row) throw new Error('The question insert returned no row');
  return row;
}

/** Seeds a bank version once; existing rows (possibly edited by a super_admin) are left alone. */
export async function insertBankIfMissing(db: Db, version: string, questions: readonly Question[]): Promise<number> {
  const rows = await db
    .insertInto('chat_questions')
    .values(questions.map((q, position) => ({ ...columns(q), bank_version: version, position, is_active: true })))
    .onConflict((oc) => oc.columns(['bank_version', 'key']).doNothing())
    .returning('id')
    .execute();
  return rows.length;
}

function questionUpdate(db: Db, id: number, question: Question, isActive: boolean) {
  return db
    .updateTable('chat_questions')
    .set({ ...columns(question), is_active: isActive, updated_at: dbNow() })
    .where('id', '=', id)
    .returningAll();
}

/** Updates a question and writes its audit row in one statement; undefined (and no audit row) when there is no such question. */
export async function updateQuestion(
  db: Db,
  id: number,
  question: Question,
  isActive: boolean,
  audit: AuditFor,
): Promise<ChatQuestionRow | undefined> {
  return writeWithAudit(db, questionUpdate(db, id, question, isActive), audit);
}
