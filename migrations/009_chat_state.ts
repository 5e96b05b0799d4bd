import { sql, type Kysely } from 'kysely';

/**
 * The questionnaire as a versioned, validated graph (questions get a stable key, "I don't know"
 * support, numeric limits and loop membership) and sessions that resume exactly where the patient
 * was: answers carry the loop iteration they belong to; a completed session keeps its RiskProfile.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('chat_questions')
    .addColumn('key', 'varchar(100)')
    .addColumn('bank_version', 'varchar(50)')
    .addColumn('position', 'integer')
    .addColumn('allow_unknown', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('constraints', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('loop_name', 'varchar(50)')
    .execute();
  await db.schema
    .createIndex('chat_questions_bank_key_idx')
    .on('chat_questions')
    .columns(['bank_version', 'key'])
    .unique()
    .execute();

  await db.schema
    .alterTable('chat_sessions')
    .addColumn('invite_id', 'uuid', (col) => col.references('invites.id').onDelete('restrict'))
    .addColumn('question_bank_version', 'varchar(50)')
    .addColumn('risk_profile', 'jsonb')
    .addColumn('profile_notes', 'jsonb')
    .addColumn('last_activity_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('chat_sessions_invite_id_idx').on('chat_sessions').column('invite_id').execute();
  await db.schema
    .createIndex('chat_sessions_status_activity_idx')
    .on('chat_sessions')
    .columns(['status', 'last_activity_at'])
    .execute();

  await db.schema
    .alterTable('chat_answers')
    .addColumn('iteration', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('chat_answers_session_question_iteration_idx')
    .on('chat_answers')
    .columns(['session_id', 'question_id', 'iteration'])
    .unique()
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('chat_answers_session_question_iteration_idx').execute();
  await db.schema.alterTable('chat_answers').dropColumn('updated_at').dropColumn('iteration').execute();
  await db.schema.dropIndex('chat_sessions_status_activity_idx').execute();
  await db.schema.dropIndex('chat_sessions_invite_id_idx').execute();
  await db.schema
    .alterTable('chat_sessions')
    .dropColumn('last_activity_at')
    .dropColumn('profile_notes')
    .dropColumn('risk_profile')
    .dropColumn('question_bank_version')
    .dropColumn('invite_id')
    .execute();
  await db.schema.dropIndex('chat_questions_bank_key_idx').execute();
  await db.schema
    .alterTable('chat_questions')
    .dropColumn('loop_name')
    .dropColumn('constraints')
    .dropColumn('allow_unknown')
    .dropColumn('position')
    .dropColumn('bank_version')
    .dropColumn('key')
    .execute();
}
