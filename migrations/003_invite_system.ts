import { sql, type Kysely } from 'kysely';

/** Patient invitations (SCHEMA.md "Invite"). Only the SHA-256 of the token is stored, as `token_hash`. */

const now = sql`now()`;
const oneOf = (column: string, values: readonly string[]) =>
  sql`${sql.ref(column)} in (${sql.join(values.map((value) => sql.lit(value)))})`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('invites')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('patient_id', 'uuid', (col) => col.references('patients.id').onDelete('restrict'))
    .addColumn('email', 'varchar(255)')
    .addColumn('first_name', 'varchar(100)')
    .addColumn('last_name', 'varchar(100)')
    .addColumn('token_hash', 'varchar(255)', (col) => col.notNull().unique())
    .addColumn('provider_id', 'uuid', (col) => col.references('users.id').onDelete('restrict'))
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('pending'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('completed_at', 'timestamptz')
    .addCheckConstraint('invites_status_check', oneOf('status', ['pending', 'completed', 'expired', 'revoked']))
    .execute();
  await db.schema.createIndex('invites_patient_id_idx').on('invites').column('patient_id').execute();
  await db.schema.createIndex('invites_provider_id_idx').on('invites').column('provider_id').execute();
  await db.schema.createIndex('invites_email_idx').on('invites').column('email').execute();
  // Expiry sweep and pending lists.
  await db.schema.createIndex('invites_status_expires_idx').on('invites').columns(['status', 'expires_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('invites').execute();
}
