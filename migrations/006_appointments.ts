import { sql, type Kysely } from 'kysely';

/**
 * Appointments and clinicians' recurring availability (SCHEMA.md "Appointments", "RecurringAvailability").
 * `date_time` is the instant; `date` and `time` are the same moment in the clinician's `time_zone`.
 * A clinician's slot is booked at most once: an exclusion constraint over scheduled appointments.
 */

const now = sql`now()`;
const oneOf = (column: string, values: readonly string[]) =>
  sql`${sql.ref(column)} in (${sql.join(values.map((value) => sql.lit(value)))})`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists btree_gist`.execute(db);

  await db.schema
    .createTable('appointments')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('patient_id', 'uuid', (col) => col.notNull().references('patients.id').onDelete('restrict'))
    .addColumn('clinician_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('restrict'))
    .addColumn('date', 'date', (col) => col.notNull())
    .addColumn('time', 'time', (col) => col.notNull())
    .addColumn('date_time', 'timestamptz', (col) => col.notNull())
    .addColumn('duration_minutes', 'integer', (col) => col.notNull())
    .addColumn('time_zone', 'text', (col) => col.notNull())
    .addColumn('appointment_type', 'varchar(20)', (col) => col.notNull())
    .addColumn('status', 'varchar(20)', (col) => col.notNull().defaultTo('scheduled'))
    .addColumn('notes', 'text')
    .addColumn('confirmation_code', 'varchar(10)', (col) => col.notNull().unique())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addCheckConstraint('appointments_type_check', oneOf('appointment_type', ['virtual', 'in-person']))
    .addCheckConstraint(
      'appointments_status_check',
      oneOf('status', ['scheduled', 'completed', 'cancelled', 'no_show', 'rescheduled']),
    )
    .addCheckConstraint('appointments_duration_check', sql`duration_minutes > 0`)
    .execute();
  // `timestamptz + interval` is only STABLE (day/month steps depend on the session time zone), which an index
  // expression rejects; adding minutes in UTC is the same instant arithmetic and IMMUTABLE.
  await sql`
    alter table appointments add constraint appointments_no_overlap exclude using gist (
      clinician_id with =,
      tstzrange(
        date_time,
        ((date_time at time zone 'UTC') + make_interval(mins => duration_minutes)) at time zone 'UTC'
      ) with &&
    ) where (status = 'scheduled')
  `.execute(db);
  await db.schema.createIndex('appointments_patient_id_idx').on('appointments').column('patient_id').execute();
  await db.schema.createIndex('appointments_clinician_id_idx').on('appointments').column('clinician_id').execute();
  await db.schema.createIndex('appointments_date_idx').on('appointments').column('date').execute();
  await db.schema
    .createIndex('appointments_clinician_date_time_idx')
    .on('appointments')
    .columns(['clinician_id', 'date_time'])
    .execute();

  await db.schema
    .createTable('recurring_availability')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('clinician_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('restrict'))
    .addColumn('day_of_week', 'integer')
    .addColumn('time', 'time')
    .addColumn('start_date', 'date')
    .addColumn('end_date', 'date')
    .addColumn('valid_until', 'date')
    // 0 = Monday … 6 = Sunday; "HH:MM" slot starts or "HH:MM-HH:MM" ranges, in `time_zone`.
    .addColumn('days_of_week', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('time_slots', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('time_zone', 'text', (col) => col.notNull().defaultTo('America/New_York'))
    .addColumn('slot_minutes', 'integer', (col) => col.notNull().defaultTo(30))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addCheckConstraint('recurring_availability_day_of_week_check', sql`day_of_week between 0 and 6`)
    .addCheckConstraint('recurring_availability_slot_minutes_check', sql`slot_minutes > 0`)
    .execute();
  await db.schema
    .createIndex('recurring_availability_clinician_id_idx')
    .on('recurring_availability')
    .column('clinician_id')
    .execute();
}

/** Leaves btree_gist installed: other objects may use it, and dropping an extension needs more privilege. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('recurring_availability').execute();
  await db.schema.dropTable('appointments').execute();
}
