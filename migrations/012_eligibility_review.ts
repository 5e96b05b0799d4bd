import { type Kysely } from 'kysely';

/**
 * What the product needs around the document's eligibility_results: the outcome and ruleset version as
 * columns (dashboards filter on them; `factors` keeps the full explanation), and the review's verdict and time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('eligibility_results')
    .addColumn('outcome', 'varchar(20)')
    .addColumn('ruleset', 'varchar(100)')
    .addColumn('review_agrees', 'boolean')
    .addColumn('reviewed_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('eligibility_results')
    .dropColumn('reviewed_at')
    .dropColumn('review_agrees')
    .dropColumn('ruleset')
    .dropColumn('outcome')
    .execute();
}
