import { sql, type Kysely } from 'kysely';

/** Genetic test orders and their results (SCHEMA.md "LabOrder", "LabResult"). */

const oneOf = (column: string, values: readonly string[]) =>
  sql`${sql.ref(column)} in (${sql.join(values.map((value) => sql.lit(value)))})`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('lab_orders')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('patient_id', 'uuid', (col) => col.notNull().references('patients.id').onDelete('restrict'))
    .addColumn('provider_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('restrict'))
    .addColumn('eligibility_result_id', 'uuid', (col) => col.references('eligibility_results.id').onDelete('restrict'))
    .addColumn('test_type', 'varchar(100)', (col) => col.notNull())
    .addColumn('lab_id', 'varchar(100)', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('ordered'))
    .addColumn('ordered_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('external_order_id', 'varchar(255)')
    .addColumn('insurance_information', 'jsonb')
    .addColumn('notes', 'text')
    .addCheckConstraint('lab_orders_status_check', oneOf('status', ['ordered', 'processing', 'completed', 'cancelled']))
    .execute();
  await db.schema.createIndex('lab_orders_patient_id_idx').on('lab_orders').column('patient_id').execute();
  await db.schema.createIndex('lab_orders_provider_id_idx').on('lab_orders').column('provider_id').execute();
  await db.schema
    .createIndex('lab_orders_eligibility_result_id_idx')
    .on('lab_orders')
    .column('eligibility_result_id')
    .execute();
  await db.schema
    .createIndex('lab_orders_external_order_id_idx')
    .on('lab_orders')
    .column('external_order_id')
    .execute();
  await db.schema
    .createIndex('lab_orders_patient_ordered_idx')
    .on('lab_orders')
    .columns(['patient_id', 'ordered_at'])
    .execute();
  await db.schema.createIndex('lab_orders_status_idx').on('lab_orders').column('status').execute();

  await db.schema
    .createTable('lab_results')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('order_id', 'uuid', (col) => col.notNull().references('lab_orders.id').onDelete('restrict'))
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('pending'))
    .addColumn('result_data', 'jsonb')
    .addColumn('raw_result', 'text')
    .addColumn('received_at', 'timestamptz')
    .addColumn('reviewed_at', 'timestamptz')
    .addColumn('reviewer_id', 'uuid', (col) => col.references('users.id').onDelete('restrict'))
    .addColumn('clinical_significance', 'varchar(100)')
    .addCheckConstraint('lab_results_status_check', oneOf('status', ['pending', 'available', 'reviewed']))
    .execute();
  await db.schema.createIndex('lab_results_order_id_idx').on('lab_results').column('order_id').execute();
  await db.schema.createIndex('lab_results_reviewer_id_idx').on('lab_results').column('reviewer_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('lab_results').execute();
  await db.schema.dropTable('lab_orders').execute();
}
