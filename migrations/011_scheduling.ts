import type { Kysely } from 'kysely';

/**
 * What booking needs beyond the document's appointment columns: cancellation facts, the reschedule chain
 * (the old row becomes `rescheduled` and the new row points at it; a row is rescheduled at most once), and
 * the calendar identity that the e-mails' iCalendar attachments keep across reschedules (one UID, a rising
 * SEQUENCE). The tenant stays the patient's account (no copy of it here).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('appointments')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('cancellation_reason', 'text')
    .addColumn('rescheduled_from_id', 'uuid', (col) => col.references('appointments.id').onDelete('restrict'))
    .addColumn('calendar_uid', 'varchar(255)')
    .addColumn('calendar_sequence', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('appointments_rescheduled_from_id_key')
    .on('appointments')
    .column('rescheduled_from_id')
    .unique()
    .where('rescheduled_from_id', 'is not', null)
    .execute();
  // GET /v1/appointments walks appointments in time order (tenant by the patient's account).
  await db.schema
    .createIndex('appointments_date_time_id_idx')
    .on('appointments')
    .columns(['date_time', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('appointments_date_time_id_idx').execute();
  await db.schema.dropIndex('appointments_rescheduled_from_id_key').execute();
  await db.schema
    .alterTable('appointments')
    .dropColumn('calendar_sequence')
    .dropColumn('calendar_uid')
    .dropColumn('rescheduled_from_id')
    .dropColumn('cancellation_reason')
    .dropColumn('cancelled_at')
    .execute();
}
