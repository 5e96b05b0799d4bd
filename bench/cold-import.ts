import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/**
 * Cold import of a bundle: a fresh Node process (the Node that runs the bench, i.e. the pinned Node 24 under
 * `npm run bench`) times `await import(bundle)` from just before the import to just after it, so the process's own
 * start-up is excluded and module loading, compilation and top-level evaluation are included. The environment
 * is what the CDK stack gives an API function (no LOCAL_MODE, Data API and Cognito settings present, placeholder
 * ARNs) with Lambda's NODE_OPTIONS=--enable-source-maps, so the source map is read at load as it is in Lambda.
 */
const PROBE = [
  'const cpu0 = process.cpuUsage();',
  'const started = performance.now();',
  'const mod = await import(process.env.BENCH_MODULE_URL);',
  'const ms = performance.now() - started;',
  'const cpu = process.cpuUsage(cpu0);',
  "if (typeof mod.handler !== 'function') throw new Error('no handler export');",
  'process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000 }));',
].join('\n');

const ARN = 'arn:aws:lambda:us-east-1:000000000000';

export function lambdaEnvironment(sourceMaps: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Only what a Lambda would have: PATH/HOME for the process, then the function's configuration.
  for (const name of ['PATH', 'HOME', 'TMPDIR']) if (process.env[name]) env[name] = process.env[name];
  Object.assign(env, {
    TZ: 'UTC',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: 'genascope-bench',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    NODE_OPTIONS: sourceMaps ? '--enable-source-maps' : '',
    DB_CLUSTER_ARN: 'arn:aws:rds:us-east-1:000000000000:cluster:genascope-bench',
    DB_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:genascope-bench',
    DB_NAME: 'genascope',
    COGNITO_USER_POOL_ID: 'us-east-1_Bench00000',
    COGNITO_CLIENT_ID: 'benchclient',
    CORS_ALLOWED_ORIGINS: 'https://app.example.com',
    PATIENT_APP_URL: 'https://app.example.com/invite',
    SESSION_KEY_ID: 'arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000',
    EMAIL_FROM: 'no-reply@example.com',
    INVITE_LIFECYCLE_STATE_MACHINE_ARN: `${ARN.replace(':lambda:', ':states:')}:stateMachine:invite-lifecycle`,
    LAB_ORDER_STATE_MACHINE_ARN: `${ARN.replace(':lambda:', ':states:')}:stateMachine:lab-order`,
    LAB_WEBHOOK_SECRETS_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:genascope-bench-lab-webhooks',
    LAB_ADAPTER: 'sandbox',
  });
  return env;
}

/** One cold import in a fresh process: wall-clock and CPU (user + system, all threads) milliseconds. */
export function coldImportOnce(bundle: string, sourceMaps = true): { ms: number; cpuMs: number } {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE], {
    env: { ...lambdaEnvironment(sourceMaps), BENCH_MODULE_URL: pathToFileURL(bundle).href },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0)
    throw new Error(`cold import of ${bundle} failed: ${result.stderr || result.error?.message}`);
  return JSON.parse(result.stdout) as { ms: number; cpuMs: number };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface ColdImportResult {
  name: string;
  /** Median wall-clock time of `runs` fresh processes, as deployed (source maps enabled). */
  medianMs: number;
  samplesMs: number[];
  /** Median CPU time of the same imports: less sensitive to other load on a shared machine. */
  medianCpuMs: number;
  /** Median wall-clock time without --enable-source-maps, for comparison. */
  medianNoSourceMapsMs: number;
  /** Median of this bundle's time over the reference's, each pair imported back to back (absent for the reference). */
  pairedRatio?: number;
  pairedCpuRatio?: number;
}

const round1 = (ms: number) => Math.round(ms * 10) / 10;

/**
 * Measures every bundle `runs` times, round-robin (each round imports every bundle once, with and without source
 * maps), after one discarded import per bundle that warms the file cache, so load changes on a shared machine
 * spread over all bundles alike. Each import of a bundle is paired with an import of the reference right before
 * or after it (alternating): the ratio to the reference is the median of those pairs' ratios, which a burst of
 * load on the machine shifts far less than a ratio of two medians taken seconds apart.
 */
export function measureColdImports(
  bundles: { name: string; outfile: string }[],
  runs = 7,
  referenceName = 'reference',
): ColdImportResult[] {
  for (const b of bundles) coldImportOnce(b.outfile);
  const reference = bundles.find((b) => b.name === referenceName);
  const samples = new Map(
    bundles.map((b) => [
      b.name,
      {
        wall: [] as number[],
        cpu: [] as number[],
        noMaps: [] as number[],
        ratio: [] as number[],
        cpuRatio: [] as number[],
      },
    ]),
  );
  for (let round = 0; round < runs; round++) {
    for (const b of bundles) {
      const s = samples.get(b.name)!;
      const pairWith = reference && b !== reference ? reference : undefined;
      const referenceFirst = round % 2 === 0;
      const before = pairWith && referenceFirst ? coldImportOnce(pairWith.outfile, true) : undefined;
      const withMaps = coldImportOnce(b.outfile, true);
      const after = pairWith && !referenceFirst ? coldImportOnce(pairWith.outfile, true) : undefined;
      const paired = before ?? after;
      s.wall.push(withMaps.ms);
      s.cpu.push(withMaps.cpuMs);
      if (paired) {
        s.ratio.push(withMaps.ms / paired.ms);
        s.cpuRatio.push(withMaps.cpuMs / paired.cpuMs);
      }
      s.noMaps.push(coldImportOnce(b.outfile, false).ms);
    }
  }
  return bundles.map((b) => {
    const s = samples.get(b.name)!;
    return {
      name: b.name,
      medianMs: round1(median(s.wall)),
      samplesMs: s.wall.map(round1),
      medianCpuMs: round1(median(s.cpu)),
      medianNoSourceMapsMs: round1(median(s.noMaps)),
      ...(s.ratio.length
        ? {
            pairedRatio: Math.round(median(s.ratio) * 100) / 100,
            pairedCpuRatio: Math.round(median(s.cpuRatio) * 100) / 100,
          }
        : {}),
    };
  });
}
