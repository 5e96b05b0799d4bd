/**
 * `npm run bench` (issue #7): bundle sizes and cold imports of every Lambda entry next to a reference handler,
 * warm latency and SQL statements per request of every route through the local gateway against 100,000 patients
 * in 50 clinics, and EXPLAIN of the dashboard and list queries. Prints a readable report and one JSON document.
 *
 *   npm run bench                       full run (a few minutes)
 *   npm run bench -- --quick            small samples, for development
 *   npm run bench -- --skip-bundles     only the database part (or --skip-db: only bundles and cold imports)
 *   npm run bench -- --json out.json    also write the JSON report to a file
 *   npm run bench -- --statements [--only text]
 *                                       SQL statements per request only: small volume, a few samples, no bundles,
 *                                       the statements of each request printed (for working on a route's SQL)
 *
 * PostgreSQL: a throwaway embedded PostgreSQL 17 in a temp folder (default settings, fsync on), or, when
 * DATABASE_URL is set, a fresh database created on that server and dropped afterwards.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

// Local mode (the gateway, the local identity provider, e-mail to the outbox) and UTC, as `npm start` and the tests
// run; set before any module of functions/ reads its configuration, hence the dynamic imports below.
process.env.LOCAL_MODE = '1';
process.env.TZ = 'UTC';
process.env.PATIENT_APP_URL ??= 'http://localhost:5173/invite';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const statementsOnly = flag('--statements');
const only = option('--only');
const quick = flag('--quick') || statementsOnly;
const skipBundles = flag('--skip-bundles') || statementsOnly;
const skipDb = flag('--skip-db');
const jsonPath = option('--json');

const SIZES = statementsOnly
  ? { readSamples: 2, readWarmup: 1, readBudgetMs: 1_000, writeSamples: 2, writeWarmup: 1 }
  : quick
    ? { readSamples: 30, readWarmup: 5, readBudgetMs: 3_000, writeSamples: 6, writeWarmup: 2 }
    : { readSamples: 200, readWarmup: 10, readBudgetMs: 8_000, writeSamples: 30, writeWarmup: 3 };
const COLD_RUNS = quick ? 3 : 7;
const VOLUME = statementsOnly ? { accounts: 3, patients: 600 } : { accounts: 50, patients: 100_000 };

const log = (message: string) => process.stderr.write(`${message}\n`);
const round1 = (n: number) => Math.round(n * 10) / 10;

async function main(): Promise<void> {
  const { bundleAll, lambdaEntries } = await import('./bundles.ts');
  const { measureColdImports } = await import('./cold-import.ts');
  const { bundleRows, findMisses, renderText, routeSummaries, TARGETS } = await import('./report.ts');
  type Report = import('./report.ts').BenchReport;

  const started = performance.now();
  const durationsMs: Record<string, number> = {};
  const timed = async <T>(name: string, work: () => Promise<T> | T): Promise<T> => {
    const t = performance.now();
    try {
      return await work();
    } finally {
      durationsMs[name] = Math.round(performance.now() - t);
    }
  };
  const machine: Report['machine'] = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: round1(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg().map(round1),
  };

  // ---- bundles and cold imports (before PostgreSQL starts, so that it does not compete for the CPU)
  let bundles: Awaited<ReturnType<typeof bundleAll>> = [];
  let cold: ReturnType<typeof measureColdImports> | undefined;
  const bundleDir = mkdtempSync(join(tmpdir(), 'genascope-bench-bundles-'));
  try {
    if (!skipBundles) {
      log('bundling every Lambda entry with the house esbuild options …');
      bundles = await timed('bundles', () => bundleAll(lambdaEntries(), bundleDir));
      log(`cold imports: ${bundles.length} bundles × ${COLD_RUNS} fresh processes (with and without source maps) …`);
      cold = await timed('coldImports', () => measureColdImports(bundles, COLD_RUNS));
    }
  } finally {
    rmSync(bundleDir, { recursive: true, force: true });
  }

  let database: Awaited<ReturnType<typeof runDatabasePart>> | undefined;
  if (!skipDb) database = await runDatabasePart(timed);

  durationsMs.total = Math.round(performance.now() - started);
  machine.loadAverageAtEnd = loadavg().map(round1);
  if (database) machine.postgres = database.postgres;
  const rows = bundleRows(bundles, cold);
  const results = database?.results ?? [];
  const routes = routeSummaries(results);
  const report: Report = {
    date: new Date().toISOString(),
    machine,
    options: {
      quick,
      sizes: SIZES,
      coldImportRuns: COLD_RUNS,
      volume: VOLUME,
      databaseUrl: process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL (temp folder)',
    },
    durationsMs,
    volume: database?.volume ?? [],
    bundles: rows,
    scenarios: results.map(({ sampleStatements, ...rest }) => ({
      ...rest,
      sql: sampleStatements.map((s) => s.sql.replace(/\s+/g, ' ').trim()),
    })),
    routes,
    notExercised: database?.notExercised ?? [],
    explain: database?.explain ?? [],
    targets: TARGETS,
    misses: findMisses(rows, results, routes),
  };
  process.stdout.write(`${renderText(report)}\n\n`);
  const json = JSON.stringify(report, null, 2);
  process.stdout.write(`${json}\n`);
  if (jsonPath) writeFileSync(jsonPath, `${json}\n`);
}

async function runDatabasePart(timed: <T>(name: string, work: () => Promise<T> | T) => Promise<T>) {
  const { Kysely, sql } = await import('kysely');
  const pg = (await import('pg')).default;
  const { postgresDialect } = await import('../functions/core/db.ts');
  const { migrateToLatest } = await import('../functions/core/migrate.ts');
  const { seedDemoData } = await import('../functions/local/seed.ts');
  const { startEmbeddedPostgres } = await import('../functions/local/embedded-postgres.ts');
  const { statementLogger } = await import('./latency.ts');
  const { measureRequests } = await import('./measure-requests.ts');
  const { setLogSink } = await import('../functions/core/logger.ts');
  type Database = import('../functions/core/database.ts').Database;

  // ---- a fresh database
  const name = `genascope_bench_${process.pid}`;
  let adminUrl: string;
  let urlFor: (db: string) => string;
  let stopPostgres = async () => {};
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
    urlFor = (db) => Object.assign(new URL(adminUrl), { pathname: `/${db}` }).toString();
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'genascope-bench-pg-'));
    log(`starting an embedded PostgreSQL in ${dir} …`);
    // `persistent` keeps PostgreSQL's default durability (fsync on), unlike the test clusters; the folder is removed below.
    const postgres = await startEmbeddedPostgres({ dataDir: dir, persistent: true });
    adminUrl = postgres.adminUrl;
    urlFor = postgres.urlFor;
    stopPostgres = async () => {
      await postgres.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  // The handlers' JSON log lines are still built (as in Lambda) but not printed; errors are kept for the report.
  const errorLines: string[] = [];
  setLogSink((line) => {
    if (line.includes('"level":"error"') && errorLines.length < 20) errorLines.push(line);
  });
  // Every statement of the handlers goes through this instance; `statementLogger` attributes it to its request.
  const db = new Kysely<Database>({ dialect: await postgresDialect(urlFor(name)), log: statementLogger });
  try {
    const postgresVersion = (await sql<{ v: string }>`select current_setting('server_version') as v`.execute(db))
      .rows[0]?.v;
    await timed('migrate', async () => {
      await migrateToLatest(db);
      await seedDemoData(db);
    });

    const { results, explain, volume, notExercised } = await measureRequests(db, {
      sizes: SIZES,
      volume: VOLUME,
      only,
      printStatements: statementsOnly,
      log,
      timed,
    });
    for (const line of errorLines) log(`handler error: ${line}`);
    return { results, explain, volume, notExercised, postgres: `PostgreSQL ${postgresVersion}` };
  } finally {
    await db.destroy();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await stopPostgres();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
