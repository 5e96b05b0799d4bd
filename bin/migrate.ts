// `npm run migrate`: migrates the database of DATABASE_URL, or the embedded local one.
export {};
process.env.LOCAL_MODE = '1';
const { openLocalDatabase } = await import('../functions/local/database.ts');
const { migrateToLatest } = await import('../functions/core/migrate.ts');

const { db, postgres } = await openLocalDatabase();
try {
  const result = await migrateToLatest(db);
  const applied = (result.results ?? []).map((r) => r.migrationName);
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Already up to date');
} finally {
  await db.destroy();
  await postgres?.stop();
}
