import { sql, type Kysely } from 'kysely';

/**
 * Every e-mail Genascope sends, as sent (SES in AWS; in local mode this table is the only delivery and
 * `GET /dev/outbox` reads it). Bodies carry no health information by design of the templates.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('email_outbox')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'uuid', (col) => col.references('accounts.id').onDelete('restrict'))
    .addColumn('kind', 'varchar(50)', (col) => col.notNull())
    .addColumn('related_id', 'text')
    .addColumn('to_address', 'varchar(255)', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('text_body', 'text', (col) => col.notNull())
    .addColumn('html_body', 'text', (col) => col.notNull())
    .addColumn('attachments', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('provider_message_id', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('email_outbox_created_idx').on('email_outbox').columns(['created_at']).execute();
  await db.schema.createIndex('email_outbox_related_idx').on('email_outbox').columns(['related_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('email_outbox').execute();
}
