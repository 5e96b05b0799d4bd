import { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Database } from '../../functions/core/database.ts';
import type { Measurement } from '../../bench/measure-requests.ts';

// Issue #7's "≤ 4 SQL statements per request on every route" as a test: the benchmark's scenarios (every deployed
// route, chained writes included) on a small volume, each statement attributed to its request (BEGIN and COMMIT
// count: each is a Data API call). `npm run bench` measures the same on 100,000 patients.
//
// As in production, a staff user's active/suspended state is cached for 30 s (the test setup turns the cache off
// for the API suites): the lookup it saves is one statement per user, container and 30 s, not per request. The
// cache is read once when the config module loads, so it is set before anything imports it.
process.env.AUTH_USER_CACHE_TTL_MS = '30000';
const { postgresDialect } = await import('../../functions/core/db.ts');
const { seedDemoData } = await import('../../functions/local/seed.ts');
const { measureRequests } = await import('../../bench/measure-requests.ts');
const { statementLogger } = await import('../../bench/latency.ts');
const { createTestDatabase } = await import('../support/database.ts');
type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;

const MAX_STATEMENTS = 4;

let testDb: TestDatabase;
let db: Kysely<Database>;
let measurement: Measurement;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = new Kysely<Database>({ dialect: await postgresDialect(testDb.url), log: statementLogger });
  await seedDemoData(db);
  measurement = await measureRequests(db, {
    sizes: { readSamples: 2, readWarmup: 1, readBudgetMs: 1_000, writeSamples: 2, writeWarmup: 1 },
    volume: { accounts: 2, patients: 1_000 },
    log: () => {},
  });
}, 120_000);

afterAll(async () => {
  await db?.destroy();
  await testDb?.destroy();
});

test('every deployed route is exercised and answers as expected', () => {
  expect(measurement.notExercised).toEqual([]);
  const failed = measurement.results.filter((r) => r.failures > 0);
  expect(failed.map((r) => `${r.label}: ${r.firstFailure}`)).toEqual([]);
});

test(`no request runs more than ${MAX_STATEMENTS} SQL statements`, () => {
  const over = measurement.results
    .filter((r) => r.statements.max > MAX_STATEMENTS)
    .map(
      (r) =>
        `${r.label}: ${r.statements.max} (${r.sampleStatements.map((s) => s.sql.split(/\s+/).slice(0, 3).join(' ')).join(' | ')})`,
    );
  expect(over).toEqual([]);
  expect(measurement.results.length).toBeGreaterThan(60);
});
