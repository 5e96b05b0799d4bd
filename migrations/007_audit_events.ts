import { sql, type Kysely } from 'kysely';

/**
 * Audit log of reads and changes of patient data (SCHEMA_NOTES: a table the document does not have).
 * Append-only and deliberately without foreign keys: it also records attempts on ids that do not exist, and
 * writing it must never fail because of what it describes. `actor_id` and `resource_id` are text
 * because actors include labs and workflows, and resources include integer-keyed rows.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('occurred_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('account_id', 'uuid')
    .addColumn('actor_type', 'text', (col) => col.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('resource_type', 'text', (col) => col.notNull())
    .addColumn('resource_id', 'text')
    .addColumn('patient_id', 'uuid')
    .addColumn('request_id', 'text')
    .addCheckConstraint('audit_events_actor_type_check', sql`actor_type in ('user', 'patient', 'system', 'lab')`)
    .execute();
  await db.schema
    .createIndex('audit_events_account_occurred_idx')
    .on('audit_events')
    .columns(['account_id', 'occurred_at'])
    .execute();
  await db.schema
    .createIndex('audit_events_patient_occurred_idx')
    .on('audit_events')
    .columns(['patient_id', 'occurred_at'])
    .execute();
  await db.schema
    .createIndex('audit_events_actor_occurred_idx')
    .on('audit_events')
    .columns(['actor_id', 'occurred_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_events').execute();
}
