import type { Selectable } from 'kysely';
import type { Db } from '../core/db.ts';
import type { ChatSessionStatus, ChatSessionsTable } from '../core/database.ts';
import { asUuid } from '../core/sql.ts';

export type ChatSessionRow = Selectable<ChatSessionsTable>;

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
