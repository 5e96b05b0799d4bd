import type { Db } from '../functions/core/db.ts';
import { startLocalApp } from '../functions/local/app.ts';
import { useWorkflowStarter } from '../functions/core/workflows.ts';
import { deployedRoutes, routes } from '../functions/routes.ts';
import { explainScenarios, type ExplainResult } from './explain.ts';
import { runScenario, startCountingGateway, type ScenarioResult } from './latency.ts';
import { buildScenarios, templateJourney, BENCH_CLINIC, type ScenarioSizes } from './scenarios.ts';
import { seedVolume, type VolumeCounts, type VolumeOptions } from './seed-volume.ts';

export interface MeasureOptions {
  sizes: ScenarioSizes;
  volume: VolumeOptions;
  /** Keep only the reads whose label contains this (writes always run: they are chained). */
  only?: string;
  /** Print each request's SQL statements (of the scenarios `only` names). */
  printStatements?: boolean;
  log: (message: string) => void;
  timed?: <T>(name: string, work: () => Promise<T> | T) => Promise<T>;
}

export interface Measurement {
  results: ScenarioResult[];
  explain: ExplainResult[];
  volume: VolumeCounts[];
  /** Deployed routes no scenario exercised (`METHOD /path`). */
  notExercised: string[];
}

/**
 * Every route of the deployed table through the local gateway against a migrated, demo-seeded database whose
 * Kysely instance logs through `statementLogger` (bench/latency.ts): generates the volume, runs the reads, EXPLAINs
 * the list queries, then runs the writes. Used by `npm run bench` and by the statement-budget test.
 */
export async function measureRequests(db: Db, options: MeasureOptions): Promise<Measurement> {
  const { log, only } = options;
  const timed = options.timed ?? (<T>(_name: string, work: () => Promise<T> | T) => Promise.resolve(work()));
  const closers: (() => Promise<void>)[] = [];
  try {
    const app = await startLocalApp({ db });
    closers.push(() => app.close());
    // Workflows are Step Functions executions in AWS (a StartExecution call, no SQL in the API Lambda); the bench
    // does not run them, so their task Lambdas' statements are not mixed into the requests that start them.
    useWorkflowStarter(async () => {});
    const gateway = await startCountingGateway(routes);
    closers.push(() => gateway.close());

    const clinician = await db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', 'clinician@demo-clinic.test')
      .executeTakeFirstOrThrow();
    const clinicianToken = await app.identityProvider.signIdToken({
      sub: clinician.cognito_sub,
      email: clinician.email,
      role: clinician.role,
      accountId: clinician.account_id,
    });
    log(
      'template journey through the API (invite → accept → questionnaire → complete → lab order → lab result webhook) …',
    );
    const templates = await templateJourney(gateway.url, db, clinicianToken);

    log(
      `generating ${options.volume.patients.toLocaleString('en-US')} patients in ${options.volume.accounts} clinics …`,
    );
    const volume = await timed('seed', () => seedVolume(db, templates, options.volume, log));

    const scenarios = (
      await buildScenarios({ url: gateway.url, db, idp: app.identityProvider, templates, sizes: options.sizes })
    ).filter((s) => only === undefined || s.kind !== 'read' || s.label.includes(only));
    log(`${scenarios.length} request scenarios in ${BENCH_CLINIC} …`);
    const run = async (list: typeof scenarios) => {
      const out: ScenarioResult[] = [];
      for (const scenario of list) {
        const result = await runScenario(gateway.url, scenario);
        log(
          `  ${result.label}: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${result.statements.median} statements${result.failures ? `, ${result.failures} FAILED: ${result.firstFailure}` : ''}`,
        );
        if (options.printStatements && (only === undefined || result.label.includes(only))) {
          for (const statement of result.sampleStatements)
            log(
              `      ${statement.ms.toFixed(2).padStart(6)} ms  ${statement.sql.replace(/\s+/g, ' ').trim().slice(0, 220)}`,
            );
        }
        out.push(result);
      }
      return out;
    };
    // Reads first, against the generated volume as it is; EXPLAIN next, on the same data; then the writes (which
    // add patients, invites and sessions to the bench clinic).
    const reads = await timed('reads', () => run(scenarios.filter((s) => s.kind === 'read')));
    const explainLabels = new Set(scenarios.filter((s) => s.explain).map((s) => s.label));
    const explain = await timed('explain', () => explainScenarios(db, reads, explainLabels));
    const writes = await timed('writes', () => run(scenarios.filter((s) => s.kind !== 'read')));
    const results = [...reads, ...writes];

    const exercised = new Set(results.map((r) => r.route));
    const notExercised = deployedRoutes()
      .map((r) => `${r.method} ${r.path}`)
      .filter((key) => !exercised.has(key));
    return { results, explain, volume, notExercised };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
  }
}
