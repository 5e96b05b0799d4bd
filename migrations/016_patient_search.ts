import { sql, type Kysely } from 'kysely';

/**
 * `GET /v1/patients?q=` is a case-insensitive prefix search on last name, first name or e-mail within a clinic.
 * 001 indexed the last name and the e-mail for it but not the first name, so the three-way OR could never be
 * answered from index ranges (a BitmapOr needs all three): every search read all of the clinic's patients. With
 * the third index the planner can combine them once a clinic is large enough for that to pay (at 2,000 patients
 * a clinic it still prefers reading them, 2.5 ms).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index patients_account_first_name_prefix_idx on patients (account_id, lower(first_name) text_pattern_ops)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index patients_account_first_name_prefix_idx`.execute(db);
}
