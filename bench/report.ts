import type { BundleResult } from './bundles.ts';
import type { ColdImportResult } from './cold-import.ts';
import type { ExplainResult } from './explain.ts';
import type { ScenarioResult } from './latency.ts';
import type { VolumeCounts } from './seed-volume.ts';

/** The issue's targets. */
export const TARGETS = {
  /** KB = 1024 bytes. */
  bundleKb: 500,
  coldImportRatio: 1.3,
  statementsPerRequest: 4,
  readP99Ms: 15,
} as const;

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  platform: string;
  postgres?: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
}

export interface BundleRow {
  name: string;
  kind: BundleResult['kind'];
  kb: number;
  bytes: number;
  topPackages: { name: string; kb: number }[];
  coldImportMs?: number;
  coldImportCpuMs?: number;
  coldImportNoSourceMapsMs?: number;
  coldImportSamplesMs?: number[];
  /** Cold import (wall, median) over the reference handler's. */
  ratioToReference?: number;
  /** The same ratio on CPU time (steadier on a loaded machine). */
  cpuRatioToReference?: number;
}

export interface RouteSummary {
  route: string;
  kind: ScenarioResult['kind'];
  variants: number;
  /** Highest median statement count over the route's variants (what a typical warm request costs). */
  statements: number;
  /** Highest count seen on any request (includes the staff-directory cache refresh every 30 s). */
  statementsMax: number;
  p50Ms: number;
  p99Ms: number;
}

export interface Miss {
  what: string;
  value: number;
  limit: number;
  /** value − limit, in the unit of the target. */
  over: number;
  note?: string;
}

export interface BenchReport {
  date: string;
  machine: MachineInfo;
  options: Record<string, unknown>;
  durationsMs: Record<string, number>;
  volume: VolumeCounts[];
  bundles: BundleRow[];
  scenarios: (Omit<ScenarioResult, 'sampleStatements'> & { sql: string[] })[];
  routes: RouteSummary[];
  notExercised: string[];
  explain: ExplainResult[];
  targets: typeof TARGETS;
  misses: {
    bundleSize: Miss[];
    coldImport: Miss[];
    coldImportCpu: Miss[];
    statements: Miss[];
    readP99: Miss[];
    failures: string[];
  };
}

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
const r2 = (n: number) => Math.round(n * 100) / 100;

export function bundleRows(
  bundles: readonly BundleResult[],
  cold: readonly ColdImportResult[] | undefined,
): BundleRow[] {
  const coldOf = new Map(cold?.map((c) => [c.name, c]) ?? []);
  const reference = coldOf.get('reference');
  return bundles.map((b) => {
    const c = coldOf.get(b.name);
    return {
      name: b.name,
      kind: b.kind,
      kb: kb(b.bytes),
      bytes: b.bytes,
      topPackages: b.topPackages.map((p) => ({ name: p.name, kb: kb(p.bytes) })),
      ...(c
        ? {
            coldImportMs: c.medianMs,
            coldImportCpuMs: c.medianCpuMs,
            coldImportNoSourceMapsMs: c.medianNoSourceMapsMs,
            coldImportSamplesMs: c.samplesMs,
            ratioToReference: c.pairedRatio ?? (reference ? r2(c.medianMs / reference.medianMs) : undefined),
            cpuRatioToReference:
              c.pairedCpuRatio ?? (reference ? r2(c.medianCpuMs / reference.medianCpuMs) : undefined),
          }
        : {}),
    };
  });
}

export function routeSummaries(results: readonly ScenarioResult[]): RouteSummary[] {
  const byRoute = new Map<string, ScenarioResult[]>();
  for (const r of results) byRoute.set(r.route, [...(byRoute.get(r.route) ?? []), r]);
  return [...byRoute.entries()].map(([route, list]) => ({
    route,
    kind: list[0]!.kind,
    variants: list.length,
    statements: Math.max(...list.map((r) => r.statements.median)),
    statementsMax: Math.max(...list.map((r) => r.statements.max)),
    p50Ms: Math.max(...list.map((r) => r.p50Ms)),
    p99Ms: Math.max(...list.map((r) => r.p99Ms)),
  }));
}

export function findMisses(
  bundles: readonly BundleRow[],
  results: readonly ScenarioResult[],
  routes: readonly RouteSummary[],
): BenchReport['misses'] {
  const deployed = bundles.filter((b) => b.kind !== 'reference');
  return {
    bundleSize: deployed
      .filter((b) => b.kb > TARGETS.bundleKb)
      .map((b) => ({ what: b.name, value: b.kb, limit: TARGETS.bundleKb, over: r2(b.kb - TARGETS.bundleKb) })),
    coldImport: deployed
      .filter((b) => b.ratioToReference !== undefined && b.ratioToReference > TARGETS.coldImportRatio)
      .map((b) => ({
        what: b.name,
        value: b.ratioToReference!,
        limit: TARGETS.coldImportRatio,
        over: r2(b.ratioToReference! - TARGETS.coldImportRatio),
        note: `${b.coldImportMs} ms; CPU ratio ${b.cpuRatioToReference}`,
      })),
    coldImportCpu: deployed
      .filter((b) => b.cpuRatioToReference !== undefined && b.cpuRatioToReference > TARGETS.coldImportRatio)
      .map((b) => ({
        what: b.name,
        value: b.cpuRatioToReference!,
        limit: TARGETS.coldImportRatio,
        over: r2(b.cpuRatioToReference! - TARGETS.coldImportRatio),
        note: `${b.coldImportCpuMs} ms CPU; wall ratio ${b.ratioToReference}`,
      })),
    statements: routes
      .filter((r) => r.statements > TARGETS.statementsPerRequest)
      .map((r) => ({
        what: r.route,
        value: r.statements,
        limit: TARGETS.statementsPerRequest,
        over: r.statements - TARGETS.statementsPerRequest,
        note: r.kind === 'webhook' ? 'webhook (Function URL), reported separately' : r.kind,
      })),
    readP99: results
      .filter((r) => r.kind === 'read' && r.p99Ms > TARGETS.readP99Ms)
      .map((r) => ({
        what: r.label,
        value: r.p99Ms,
        limit: TARGETS.readP99Ms,
        over: r2(r.p99Ms - TARGETS.readP99Ms),
        note: `p50 ${r.p50Ms} ms`,
      })),
    failures: results
      .filter((r) => r.failures > 0)
      .map((r) => `${r.label}: ${r.failures} unexpected responses (${r.firstFailure})`),
  };
}

// ---- text tables -------------------------------------------------------------------------------------------------

function table(headers: string[], rows: (string | number | undefined)[][], align: ('l' | 'r')[]): string {
  const cells = rows.map((row) => row.map((c) => (c === undefined ? '–' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row.map((c, i) => (align[i] === 'r' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

const mark = (bad: boolean) => (bad ? ' ✗' : '');

export function renderText(report: BenchReport): string {
  const out: string[] = [];
  const m = report.machine;
  out.push(`Genascope benchmark — ${report.date}`);
  out.push(
    `machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB RAM, Node ${m.node}, ${m.postgres ?? 'no database run'}; load average at start ${m.loadAverageAtStart.join(' ')}${m.loadAverageAtEnd ? `, at end ${m.loadAverageAtEnd.join(' ')}` : ''}`,
  );
  out.push(
    `durations: ${Object.entries(report.durationsMs)
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
      .join(', ')}`,
  );
  if (report.volume.length)
    out.push(`data: ${report.volume.map((v) => `${v.table} ${v.rows.toLocaleString('en-US')}`).join(', ')}`);

  if (report.bundles.length) {
    out.push(
      '',
      `Lambda bundles (minified ESM, house esbuild options; target ≤ ${TARGETS.bundleKb} KB and cold import ≤ ${TARGETS.coldImportRatio} × reference)`,
    );
    out.push(
      table(
        [
          'entry',
          'KB',
          'cold import ms (median)',
          '× ref',
          'CPU ms',
          'CPU × ref',
          'no source maps ms',
          'largest packages (KB)',
        ],
        report.bundles.map((b) => [
          b.name,
          `${b.kb}${mark(b.kind !== 'reference' && b.kb > TARGETS.bundleKb)}`,
          b.coldImportMs,
          b.ratioToReference === undefined
            ? undefined
            : `${b.ratioToReference}${mark(b.kind !== 'reference' && b.ratioToReference > TARGETS.coldImportRatio)}`,
          b.coldImportCpuMs,
          b.cpuRatioToReference === undefined
            ? undefined
            : `${b.cpuRatioToReference}${mark(b.kind !== 'reference' && b.cpuRatioToReference > TARGETS.coldImportRatio)}`,
          b.coldImportNoSourceMapsMs,
          b.topPackages.map((p) => `${p.name} ${p.kb}`).join(', '),
        ]),
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
      ),
    );
  }

  if (report.scenarios.length) {
    out.push(
      '',
      `Requests through the local gateway (sequential, warm; reads: p99 ≤ ${TARGETS.readP99Ms} ms; every route: ≤ ${TARGETS.statementsPerRequest} SQL statements)`,
    );
    out.push(
      table(
        ['request', 'caller', 'kind', 'n', 'p50 ms', 'p99 ms', 'SQL median', 'SQL min–max', 'errors'],
        report.scenarios.map((s) => [
          s.label,
          s.caller,
          s.kind,
          s.samples,
          s.p50Ms,
          `${s.p99Ms}${mark(s.kind === 'read' && s.p99Ms > TARGETS.readP99Ms)}`,
          `${s.statements.median}${mark(s.statements.median > TARGETS.statementsPerRequest)}`,
          `${s.statements.min}–${s.statements.max}`,
          s.failures || '',
        ]),
        ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
    if (report.notExercised.length) out.push(`not exercised: ${report.notExercised.join(', ')}`);
  }

  if (report.explain.length) {
    out.push('', 'EXPLAIN ANALYZE of the dashboard and list queries (✗ = sequential scan of a tenant table)');
    out.push(
      table(
        ['request', 'exec ms', 'rows scanned → returned', 'seq scans (rows read)', 'plan (top nodes)'],
        report.explain.map((e) => [
          e.scenario,
          e.executionMs,
          `${e.rowsScanned} → ${e.rowsReturned}`,
          e.seqScans.length ? e.seqScans.map((s) => `${s.table} ${s.rowsRead}${mark(s.tenant)}`).join(', ') : '',
          e.plan
            .slice(0, 3)
            .map((l) => l.trim())
            .join(' › ')
            .slice(0, 110),
        ]),
        ['l', 'r', 'r', 'l', 'l'],
      ),
    );
  }

  const misses = report.misses;
  out.push('', 'Target misses');
  const list = (title: string, items: Miss[], unit: string) => {
    out.push(
      `- ${title}: ${items.length === 0 ? 'none' : items.map((i) => `${i.what} ${i.value}${unit} (+${i.over}${unit}${i.note ? `; ${i.note}` : ''})`).join('; ')}`,
    );
  };
  list(`bundle ≤ ${TARGETS.bundleKb} KB`, misses.bundleSize, ' KB');
  list(`cold import ≤ ${TARGETS.coldImportRatio} × reference (wall-clock median)`, misses.coldImport, '×');
  list(`cold import ≤ ${TARGETS.coldImportRatio} × reference (CPU-time median)`, misses.coldImportCpu, '×');
  list(`≤ ${TARGETS.statementsPerRequest} SQL statements per request`, misses.statements, '');
  list(`read p99 ≤ ${TARGETS.readP99Ms} ms`, misses.readP99, ' ms');
  const flagged = report.explain.filter((e) => e.flagged);
  out.push(
    `- sequential scans of tenant tables: ${
      flagged.length === 0
        ? 'none'
        : flagged
            .map(
              (e) =>
                `${e.scenario} (${e.seqScans
                  .filter((s) => s.tenant)
                  .map((s) => s.table)
                  .join(', ')})`,
            )
            .join('; ')
    }`,
  );
  if (misses.failures.length) out.push(`- unexpected responses: ${misses.failures.join('; ')}`);
  return out.join('\n');
}
