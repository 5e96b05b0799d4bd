import type { Kysely } from 'kysely';

/**
 * Read paths the benchmark still found reading whole tables after 014 (README "Performance"): the lab-order list
 * and dashboard of super_admin (every clinic, newest first) and of one clinic filtered by status, and the risk
 * assessment dashboard of one provider (their patients by last name).
 */
const INDEXES: { name: string; table: string; columns: string[] }[] = [
  { name: 'lab_orders_ordered_idx', table: 'lab_orders', columns: ['ordered_at desc', 'id desc'] },
  {
    name: 'lab_orders_account_status_ordered_idx',
    table: 'lab_orders',
    columns: ['account_id', 'status', 'ordered_at desc', 'id desc'],
  },
  {
    name: 'patients_account_provider_name_idx',
    table: 'patients',
    columns: ['account_id', 'provider_id', 'last_name', 'id'],
  },
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const index of INDEXES) {
    await db.schema.createIndex(index.name).on(index.table).columns(index.columns).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of [...INDEXES].reverse()) {
    await db.schema.dropIndex(index.name).execute();
  }
}
