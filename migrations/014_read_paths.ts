import { sql, type Kysely } from 'kysely';

/**
 * Read paths found by the benchmark (README "Performance"):
 *
 * - `eligibility_results` and `appointments` get the tenant as a column (backfilled from the patient, like
 *   `lab_orders` in 013), so the clinic lists filter and order on one table instead of joining patients.
 * - Indexes that match each list's filter and keyset order, including the unscoped super_admin lists, which
 *   otherwise read and sort whole tables.
 */
const INDEXES: { name: string; table: string; columns: string[] }[] = [
  {
    name: 'eligibility_results_account_created_idx',
    table: 'eligibility_results',
    columns: ['account_id', 'created_at desc', 'id desc'],
  },
  { name: 'eligibility_results_created_idx', table: 'eligibility_results', columns: ['created_at desc', 'id desc'] },
  { name: 'appointments_account_date_time_idx', table: 'appointments', columns: ['account_id', 'date_time', 'id'] },
  { name: 'patients_last_name_id_idx', table: 'patients', columns: ['last_name', 'id'] },
  { name: 'patients_created_idx', table: 'patients', columns: ['created_at desc', 'id desc'] },
  { name: 'audit_events_occurred_idx', table: 'audit_events', columns: ['occurred_at desc', 'id desc'] },
  { name: 'invites_created_idx', table: 'invites', columns: ['created_at desc', 'id desc'] },
  // The pending-invites dashboard of one clinic: its pending invites newest first (26 rows, then the users by key).
  {
    name: 'invites_account_status_created_id_idx',
    table: 'invites',
    columns: ['account_id', 'status', 'created_at desc', 'id desc'],
  },
  { name: 'users_account_email_idx', table: 'users', columns: ['account_id', 'email', 'id'] },
];

const TENANT_TABLES = ['eligibility_results', 'appointments'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of TENANT_TABLES) {
    await db.schema
      .alterTable(table)
      .addColumn('account_id', 'uuid', (col) => col.references('accounts.id').onDelete('restrict'))
      .execute();
    await sql`update ${sql.table(table)} t set account_id = p.account_id from patients p where p.id = t.patient_id`.execute(
      db,
    );
    await db.schema
      .alterTable(table)
      .alterColumn('account_id', (col) => col.setNotNull())
      .execute();
  }
  for (const index of INDEXES) {
    await db.schema.createIndex(index.name).on(index.table).columns(index.columns).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of [...INDEXES].reverse()) {
    await db.schema.dropIndex(index.name).execute();
  }
  for (const table of [...TENANT_TABLES].reverse()) {
    await db.schema.alterTable(table).dropColumn('account_id').execute();
  }
}
