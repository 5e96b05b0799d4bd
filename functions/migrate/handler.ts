import { getDb } from '../core/db.ts';
import { migrateToLatest } from '../core/migrate.ts';
import { syncReferenceData } from '../reference-data.ts';

/**
 * Deploy-time migration trigger (CDK `triggers.Trigger`): runs every pending migration through the
 * Data API, then syncs reference data (the question bank). Throwing fails the deployment, which is what we want when a migration fails.
 */
export async function handler(): Promise<{ applied: string[] }> {
  const db = await getDb();
  const result = await migrateToLatest(db);
  await syncReferenceData(db);
  const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  console.log(JSON.stringify({ level: 'info', message: 'migrations applied', applied }));
  return { applied };
}
