import { sql, type Kysely } from 'kysely';

/** Chat-based risk assessment: sessions, questions, answers (SCHEMA.md "ChatSession", "ChatQuestion", "ChatAnswer"). */

const now = sql`now()`;
const oneOf = (column: string, values: readonly string[]) =>
  sql`${sql.ref(column)} in (${sql.join(values.map((value) => sql.lit(value)))})`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('chat_sessions')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('patient_id', 'uuid', (col) => col.notNull().references('patients.id').onDelete('restrict'))
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('in_progress'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('completed_at', 'timestamptz')
    .addColumn('source', 'varchar(50)', (col) => col.notNull())
    .addCheckConstraint('chat_sessions_status_check', oneOf('status', ['in_progress', 'completed', 'abandoned']))
    .execute();
  await db.schema.createIndex('chat_sessions_patient_id_idx').on('chat_sessions').column('patient_id').execute();
  await db.schema
    .createIndex('chat_sessions_patient_status_completed_idx')
    .on('chat_sessions')
    .columns(['patient_id', 'status', 'completed_at'])
    .execute();

  await db.schema
    .createTable('chat_questions')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('text', 'text', (col) => col.notNull())
    .addColumn('question_type', 'varchar(50)', (col) => col.notNull())
    .addColumn('options', 'jsonb')
    .addColumn('next_question_logic', 'jsonb')
    .addColumn('category', 'varchar(100)')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('is_active', 'boolean', (col) => col.notNull().defaultTo(true))
    .execute();
  await db.schema.createIndex('chat_questions_category_idx').on('chat_questions').column('category').execute();

  await db.schema
    .createTable('chat_answers')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // Answers belong to their session and go with it.
    .addColumn('session_id', 'uuid', (col) => col.notNull().references('chat_sessions.id').onDelete('cascade'))
    .addColumn('question_id', 'integer', (col) => col.notNull().references('chat_questions.id').onDelete('restrict'))
    .addColumn('answer', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('chat_answers_session_id_idx').on('chat_answers').column('session_id').execute();
  await db.schema.createIndex('chat_answers_question_id_idx').on('chat_answers').column('question_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('chat_answers').execute();
  await db.schema.dropTable('chat_questions').execute();
  await db.schema.dropTable('chat_sessions').execute();
}
