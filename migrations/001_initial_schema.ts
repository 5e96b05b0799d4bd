import { sql, type Kysely } from 'kysely';

/** Accounts, users and patients (SCHEMA.md "Account", "User", "Patient"). */

const now = sql`now()`;
const oneOf = (column: string, values: readonly string[]) =>
  sql`${sql.ref(column)} in (${sql.join(values.map((value) => sql.lit(value)))})`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'varchar(255)', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('active'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('subscription_tier', 'varchar(50)')
    .addColumn('max_users', 'integer')
    .addColumn('settings', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addCheckConstraint('accounts_status_check', oneOf('status', ['active', 'inactive', 'suspended']))
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('email', 'varchar(255)', (col) => col.notNull().unique())
    // Replaces the document's password_hash: credentials live in Cognito / the local identity provider.
    .addColumn('cognito_sub', 'varchar(255)', (col) => col.notNull().unique())
    .addColumn('first_name', 'varchar(100)')
    .addColumn('last_name', 'varchar(100)')
    .addColumn('role', 'text', (col) => col.notNull())
    .addColumn('account_id', 'uuid', (col) => col.references('accounts.id').onDelete('restrict'))
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('active'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('last_login', 'timestamptz')
    .addCheckConstraint(
      'users_role_check',
      oneOf('role', ['super_admin', 'account_admin', 'clinician', 'office_staff']),
    )
    .addCheckConstraint('users_status_check', oneOf('status', ['active', 'inactive', 'invited', 'suspended']))
    // Platform operators belong to no clinic; everybody else belongs to exactly one.
    .addCheckConstraint('users_account_check', sql`role = 'super_admin' or account_id is not null`)
    .execute();
  await db.schema.createIndex('users_account_id_idx').on('users').column('account_id').execute();

  await db.schema
    .createTable('patients')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'uuid', (col) => col.notNull().references('accounts.id').onDelete('restrict'))
    .addColumn('first_name', 'varchar(100)', (col) => col.notNull())
    .addColumn('last_name', 'varchar(100)', (col) => col.notNull())
    .addColumn('email', 'varchar(255)')
    .addColumn('phone', 'varchar(20)')
    .addColumn('date_of_birth', 'date')
    .addColumn('provider_id', 'uuid', (col) => col.references('users.id').onDelete('restrict'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('active'))
    .addColumn('import_key', 'text')
    .addCheckConstraint('patients_status_check', oneOf('status', ['active', 'inactive', 'archived']))
    .execute();
  // The document's indexes.
  await db.schema.createIndex('patients_account_id_idx').on('patients').column('account_id').execute();
  await db.schema.createIndex('patients_provider_id_idx').on('patients').column('provider_id').execute();
  await db.schema.createIndex('patients_email_idx').on('patients').column('email').execute();
  // The API's: list orders (name, newest) with keyset pagination, status filter, prefix search within the account.
  await db.schema
    .createIndex('patients_account_name_idx')
    .on('patients')
    .columns(['account_id', 'last_name', 'first_name', 'id'])
    .execute();
  await db.schema
    .createIndex('patients_account_created_idx')
    .on('patients')
    .columns(['account_id', 'created_at', 'id'])
    .execute();
  await db.schema.createIndex('patients_account_status_idx').on('patients').columns(['account_id', 'status']).execute();
  await sql`create index patients_account_email_prefix_idx on patients (account_id, lower(email) text_pattern_ops)`.execute(
    db,
  );
  await sql`create index patients_account_last_name_prefix_idx on patients (account_id, lower(last_name) text_pattern_ops)`.execute(
    db,
  );
  // Imports are idempotent per row: one patient per (account, import key).
  await db.schema
    .createIndex('patients_account_import_key_idx')
    .on('patients')
    .columns(['account_id', 'import_key'])
    .unique()
    .where(sql.ref('import_key'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('patients').execute();
  await db.schema.dropTable('users').execute();
  await db.schema.dropTable('accounts').execute();
}
