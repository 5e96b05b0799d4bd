// `npm start`: the Genascope API on http://localhost:3000 with a real PostgreSQL, migrated and seeded.
export {};
process.env.LOCAL_MODE = '1';
process.env.TZ = 'UTC';
process.env.PATIENT_APP_URL ??= 'http://localhost:5173/invite';

const { dataDir, openLocalDatabase } = await import('../functions/local/database.ts');
const { migrateToLatest } = await import('../functions/core/migrate.ts');
const { seedDemoData, seededEmails } = await import('../functions/local/seed.ts');
const { startLocalApp } = await import('../functions/local/app.ts');

const port = Number(process.env.PORT ?? 3000);
const { db, postgres } = await openLocalDatabase();
await migrateToLatest(db);
await seedDemoData(db);
const app = await startLocalApp({ db, port, host: process.env.HOST ?? '127.0.0.1', keyDir: dataDir() });

const users = seededEmails()
  .map((u) => `  ${u.email.padEnd(32)} ${u.role.padEnd(14)} ${u.clinic ?? '(all clinics)'}`)
  .join('\n');
console.log(`
Genascope API listening on ${app.url}
Database: ${process.env.DATABASE_URL ? 'DATABASE_URL' : `embedded PostgreSQL in ${dataDir()}`}

Seeded users (get a token with POST /dev/token):
${users}

Try it:
  TOKEN=$(curl -s -X POST ${app.url}/dev/token -H 'content-type: application/json' \\
    -d '{"email":"clinician@demo-clinic.test"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).idToken')
  curl -s ${app.url}/v1/patients -H "authorization: Bearer $TOKEN"
`);

const shutdown = async () => {
  await app.close();
  await db.destroy();
  await postgres?.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
