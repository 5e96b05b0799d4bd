import { sql, type Kysely } from 'kysely';

/**
 * What the invite lifecycle needs beyond the document's columns: the tenant (so invites are scoped
 * without a join), a lifecycle version (a resent or revoked invite's old workflow execution compares
 * versions and changes nothing), and when reminders and sends happened.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('invites')
    .addColumn('account_id', 'uuid', (col) => col.references('accounts.id').onDelete('restrict'))
    .addColumn('lifecycle_version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('last_sent_at', 'timestamptz')
    .addColumn('reminder_sent_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    // The reminder carries its own link (the original token is not stored); both work until expiry.
    .addColumn('reminder_token_hash', 'varchar(255)', (col) => col.unique())
    .execute();
  await sql`update invites i set account_id = p.account_id from patients p where p.id = i.patient_id`.execute(db);
  await sql`delete from invites where account_id is null`.execute(db);
  await db.schema
    .alterTable('invites')
    .alterColumn('account_id', (col) => col.setNotNull())
    .execute();
  await db.schema
    .createIndex('invites_account_status_created_idx')
    .on('invites')
    .columns(['account_id', 'status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('invites_account_created_idx')
    .on('invites')
    .columns(['account_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('invites_account_created_idx').execute();
  await db.schema.dropIndex('invites_account_status_created_idx').execute();
  await db.schema
    .alterTable('invites')
    .dropColumn('reminder_token_hash')
    .dropColumn('revoked_at')
    .dropColumn('reminder_sent_at')
    .dropColumn('last_sent_at')
    .dropColumn('lifecycle_version')
    .dropColumn('account_id')
    .execute();
}
