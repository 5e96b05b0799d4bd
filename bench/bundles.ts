import { mkdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { areaEntry, FUNCTIONS_DIR, houseEsbuildOptions, REPO_ROOT } from '../lib/constructs/genascope-function.ts';
import { areasOf, webhookEntry } from '../lib/api-stack.ts';
import { deployedRoutes } from '../functions/routes.ts';
import { workflows } from '../functions/workflows.ts';

/** One Lambda entry as the CDK app deploys it. */
export interface LambdaEntry {
  /** e.g. `api:patients`, `webhook:lab-webhooks`, `task:lab-order`, `reference`. */
  name: string;
  kind: 'api' | 'webhook' | 'task' | 'scheduled' | 'migration' | 'reference';
  entry: string;
}

export interface BundleResult extends LambdaEntry {
  outfile: string;
  /** Size of the minified ESM file (what Lambda loads), without its source map. */
  bytes: number;
  mapBytes: number;
  /** Largest contributors to the output, by package (first-party code is `(genascope)`). */
  topPackages: { name: string; bytes: number }[];
}

/**
 * Every Lambda entry of the CDK app, derived from the same sources the stacks read: one API function per area of
 * the deployed route table (`areaEntry`), one webhook function per webhook area (`webhookEntry`), one task function
 * per workflow (`functions/workflows.ts`). The scheduled sweep and the migration trigger are named in
 * lib/api-stack.ts and lib/data-stack.ts; they are listed here by hand.
 */
export function lambdaEntries(): LambdaEntry[] {
  const routes = deployedRoutes();
  const entries: LambdaEntry[] = [];
  for (const area of areasOf(routes.filter((r) => r.auth !== 'webhook')))
    entries.push({ name: `api:${area}`, kind: 'api', entry: areaEntry(area) });
  for (const area of areasOf(routes.filter((r) => r.auth === 'webhook')))
    entries.push({ name: `webhook:${area}`, kind: 'webhook', entry: webhookEntry(area) });
  for (const workflow of workflows)
    entries.push({ name: `task:${workflow.name}`, kind: 'task', entry: join(REPO_ROOT, workflow.taskEntry) });
  entries.push({
    name: 'scheduled:abandon-idle-sessions',
    kind: 'scheduled',
    entry: join(FUNCTIONS_DIR, 'chat', 'abandon-stale-task.ts'),
  });
  entries.push({ name: 'migration', kind: 'migration', entry: areaEntry('migrate') });
  entries.push({ name: 'reference', kind: 'reference', entry: join(REPO_ROOT, 'bench', 'reference-handler.ts') });
  return entries;
}

function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match?.[1] ?? '(genascope)';
}

function topPackages(metafile: Metafile, outfile: string, limit = 4): { name: string; bytes: number }[] {
  const output = metafile.outputs[relative(REPO_ROOT, outfile)];
  if (!output) return [];
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(input);
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return [...byPackage.entries()]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, limit);
}

/** Bundles each entry with `houseEsbuildOptions` (the deployed bundling) into `outDir/<name>/index.mjs`. */
export async function bundleAll(entries: LambdaEntry[], outDir: string): Promise<BundleResult[]> {
  const results: BundleResult[] = [];
  for (const entry of entries) {
    const dir = join(outDir, entry.name.replaceAll(':', '_'));
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, 'index.mjs');
    const result = await build({ ...houseEsbuildOptions(entry.entry, outfile), metafile: true });
    if (result.errors.length > 0)
      throw new Error(`esbuild failed for ${entry.name}: ${result.errors.map((e) => e.text).join('; ')}`);
    const output = result.metafile.outputs[relative(REPO_ROOT, outfile)];
    results.push({
      ...entry,
      outfile,
      bytes: output?.bytes ?? statSync(outfile).size,
      mapBytes: statSync(`${outfile}.map`).size,
      topPackages: topPackages(result.metafile, outfile),
    });
  }
  return results;
}
