import { sql, type Kysely } from 'kysely';

/**
 * What the lab workflow needs around the document's lab_orders and lab_results:
 *
 * - `labs` and `lab_tests`: the catalogue (reference data synced after migrations; super_admin manages it).
 * - `lab_orders`: the tenant as a column (every list and dashboard is scoped by it; backfilled from the patient),
 *   the Step Functions execution and its task token while the order waits for the lab, and the lifecycle instants.
 * - `lab_results`: one row per report version (amended and corrected reports add a version, earlier versions stay),
 *   the lab's report status, the reviewer's notes and when the ordering clinician was told.
 * - `webhook_deliveries`: one row per accepted lab delivery, unique per lab and `webhook-id`, so a repeated
 *   delivery is acknowledged without a second write.
 */
const oneOf = (column: string, values: readonly string[]) =>
  sql`${sql.ref(column)} in (${sql.join(values.map((value) => sql.lit(value)))})`;

const REPORT_STATUSES = ['preliminary', 'final', 'amended', 'corrected'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('labs')
    .addColumn('id', 'varchar(100)', (col) => col.primaryKey())
    .addColumn('name', 'varchar(255)', (col) => col.notNull())
    .addColumn('is_active', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('labs_id_check', sql`id ~ '^[a-z0-9][a-z0-9-]{0,99}$'`)
    .execute();

  await db.schema
    .createTable('lab_tests')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('lab_id', 'varchar(100)', (col) => col.notNull().references('labs.id').onDelete('restrict'))
    .addColumn('test_type', 'varchar(100)', (col) => col.notNull())
    .addColumn('name', 'varchar(255)', (col) => col.notNull())
    .addColumn('genes', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('is_active', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('lab_tests_lab_id_test_type_key', ['lab_id', 'test_type'])
    .addCheckConstraint('lab_tests_genes_check', sql`jsonb_typeof(genes) = 'array'`)
    .execute();

  await db.schema
    .alterTable('lab_orders')
    .addColumn('account_id', 'uuid', (col) => col.references('accounts.id').onDelete('restrict'))
    .addColumn('execution_name', 'varchar(80)')
    .addColumn('task_token', 'text')
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('overdue_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`update lab_orders o set account_id = p.account_id from patients p where p.id = o.patient_id`.execute(db);
  await db.schema
    .alterTable('lab_orders')
    .alterColumn('account_id', (col) => col.setNotNull())
    .execute();
  // GET /v1/lab-orders and the lab-orders dashboard walk the account's orders newest first.
  await db.schema
    .createIndex('lab_orders_account_ordered_idx')
    .on('lab_orders')
    .columns(['account_id', 'ordered_at', 'id'])
    .execute();

  await db.schema
    .alterTable('lab_results')
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('report_status', 'varchar(20)')
    .addColumn('notes', 'text')
    .addColumn('supersedes_id', 'uuid', (col) => col.references('lab_results.id'))
    .addColumn('notified_at', 'timestamptz')
    .execute();
  await db.schema
    .alterTable('lab_results')
    .addCheckConstraint('lab_results_report_status_check', oneOf('report_status', REPORT_STATUSES))
    .execute();
  await db.schema
    .alterTable('lab_results')
    .addCheckConstraint('lab_results_version_check', sql`version >= 1`)
    .execute();
  await db.schema
    .alterTable('lab_results')
    .addUniqueConstraint('lab_results_order_id_version_key', ['order_id', 'version'])
    .execute();
  await db.schema.createIndex('lab_results_supersedes_id_idx').on('lab_results').column('supersedes_id').execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('lab_id', 'varchar(100)', (col) => col.notNull())
    .addColumn('webhook_id', 'varchar(255)', (col) => col.notNull())
    .addColumn('received_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('order_id', 'uuid', (col) => col.references('lab_orders.id').onDelete('restrict'))
    .addColumn('result_id', 'uuid', (col) => col.references('lab_results.id').onDelete('restrict'))
    .addColumn('outcome', 'varchar(30)', (col) => col.notNull())
    .addUniqueConstraint('webhook_deliveries_lab_id_webhook_id_key', ['lab_id', 'webhook_id'])
    .addCheckConstraint('webhook_deliveries_outcome_check', oneOf('outcome', ['processed']))
    .execute();
  await db.schema.createIndex('webhook_deliveries_order_id_idx').on('webhook_deliveries').column('order_id').execute();
  await db.schema
    .createIndex('webhook_deliveries_result_id_idx')
    .on('webhook_deliveries')
    .column('result_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').execute();
  // Later versions go with the columns that describe them: the document's schema has one result per order.
  await sql`delete from lab_results where version > 1`.execute(db);
  await db.schema.dropIndex('lab_results_supersedes_id_idx').execute();
  for (const constraint of [
    'lab_results_order_id_version_key',
    'lab_results_version_check',
    'lab_results_report_status_check',
  ]) {
    await db.schema.alterTable('lab_results').dropConstraint(constraint).execute();
  }
  await db.schema
    .alterTable('lab_results')
    .dropColumn('notified_at')
    .dropColumn('supersedes_id')
    .dropColumn('notes')
    .dropColumn('report_status')
    .dropColumn('version')
    .execute();
  await db.schema.dropIndex('lab_orders_account_ordered_idx').execute();
  await db.schema
    .alterTable('lab_orders')
    .dropColumn('updated_at')
    .dropColumn('cancelled_at')
    .dropColumn('overdue_at')
    .dropColumn('submitted_at')
    .dropColumn('task_token')
    .dropColumn('execution_name')
    .dropColumn('account_id')
    .execute();
  await db.schema.dropTable('lab_tests').execute();
  await db.schema.dropTable('labs').execute();
}
