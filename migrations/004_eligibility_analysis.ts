import { sql, type Kysely } from 'kysely';

/** Eligibility analysis results (SCHEMA.md "EligibilityResult"). */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('eligibility_results')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('patient_id', 'uuid', (col) => col.notNull().references('patients.id').onDelete('restrict'))
    .addColumn('session_id', 'uuid', (col) => col.references('chat_sessions.id').onDelete('restrict'))
    .addColumn('is_eligible', 'boolean', (col) => col.notNull())
    .addColumn('nccn_eligible', 'boolean', (col) => col.notNull())
    // Tyrer-Cuzick score: up to 999.9999, four decimals (SCHEMA_NOTES: numeric with explicit precision).
    .addColumn('tc_score', 'numeric(7, 4)')
    .addColumn('factors', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('provider_reviewed', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('provider_id', 'uuid', (col) => col.references('users.id').onDelete('restrict'))
    .addColumn('review_notes', 'text')
    .execute();
  await db.schema
    .createIndex('eligibility_results_patient_id_idx')
    .on('eligibility_results')
    .column('patient_id')
    .execute();
  await db.schema
    .createIndex('eligibility_results_session_id_idx')
    .on('eligibility_results')
    .column('session_id')
    .execute();
  await db.schema
    .createIndex('eligibility_results_provider_id_idx')
    .on('eligibility_results')
    .column('provider_id')
    .execute();
  // Latest result per patient.
  await db.schema
    .createIndex('eligibility_results_patient_created_idx')
    .on('eligibility_results')
    .columns(['patient_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('eligibility_results').execute();
}
