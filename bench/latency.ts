import { AsyncLocalStorage } from 'node:async_hooks';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Context } from 'aws-lambda';
import type { LogEvent } from 'kysely';
import { createGateway } from '../functions/local/gateway.ts';
import type { HttpEvent, HttpResponse } from '../functions/core/http/types.ts';
import type { RouteDef } from '../functions/core/http/route.ts';

/**
 * Per-request SQL statement accounting. Every Kysely statement (including BEGIN / COMMIT / ROLLBACK, which the
 * Data API serves as separate BeginTransaction / CommitTransaction / RollbackTransaction calls) is logged by the
 * `log` option of the benchmark's Kysely instance; an AsyncLocalStorage context opened around each handler
 * invocation attributes it to the HTTP request that caused it. Statements outside any request (the bench's own
 * arranging and reading) are not counted.
 */
export interface StatementRecord {
  sql: string;
  parameters: readonly unknown[];
  ms: number;
  error: boolean;
}

interface RequestStatements {
  statements: StatementRecord[];
}

const context = new AsyncLocalStorage<RequestStatements>();
const byRequestId = new Map<string, RequestStatements>();

/** The `log` option of the benchmark's Kysely instance. */
export function statementLogger(event: LogEvent): void {
  const store = context.getStore();
  if (!store) return;
  store.statements.push({
    sql: event.query.sql,
    parameters: event.query.parameters,
    ms: event.queryDurationMillis,
    error: event.level === 'error',
  });
}

type AreaHandler = (event: HttpEvent, context: Context) => Promise<HttpResponse>;

/**
 * The local gateway (functions/local/gateway.ts, the same route table and the same area handlers as `npm start`),
 * with each handler invocation wrapped in a statement-accounting context. The response carries
 * `x-bench-request` so the client can look up the statements of its request.
 */
export async function startCountingGateway(
  routes: readonly RouteDef[],
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const loaded = new Map<string, Promise<AreaHandler>>();
  const load = (area: string): Promise<AreaHandler> => {
    let handler = loaded.get(area);
    if (!handler) {
      handler = import(`../functions/${area}/handler.ts`).then((m: { handler: AreaHandler }) => {
        const inner = m.handler;
        return async (event: HttpEvent, ctx: Context) => {
          const store: RequestStatements = { statements: [] };
          const requestId = ctx.awsRequestId;
          byRequestId.set(requestId, store);
          const response = await context.run(store, () => inner(event, ctx));
          return { ...response, headers: { ...response.headers, 'x-bench-request': requestId } };
        };
      });
      loaded.set(area, handler);
    }
    return handler;
  };
  const server = createGateway(routes, load);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Statements of a finished request (and forgets them). */
export function takeStatements(requestId: string | null): StatementRecord[] | undefined {
  if (!requestId) return undefined;
  const store = byRequestId.get(requestId);
  byRequestId.delete(requestId);
  return store?.statements;
}

export interface BenchRequest {
  method: string;
  path: string;
  token?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface BenchResponse {
  status: number;
  body: any;
  text: string;
  ms: number;
  statements: StatementRecord[];
}

export async function send(baseUrl: string, request: BenchRequest): Promise<BenchResponse> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  let body: string | undefined = request.rawBody;
  if (body === undefined && request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers['content-type'] ??= 'application/json';
  }
  const started = performance.now();
  const response = await fetch(`${baseUrl}${request.path}`, { method: request.method, headers, body });
  const text = await response.text();
  const ms = performance.now() - started;
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep the text
    }
  }
  return {
    status: response.status,
    body: parsed,
    text,
    ms,
    statements: takeStatements(response.headers.get('x-bench-request')) ?? [],
  };
}

/** One measured request shape: a route, a caller and how each request is built. */
export interface Scenario {
  /** Shown in the report, e.g. `GET /v1/patients?q=gar`. */
  label: string;
  /** The route-table key, `METHOD /path`, to group variants by route. */
  route: string;
  kind: 'read' | 'write' | 'webhook';
  /** Caller (role or token kind), for the report. */
  caller: string;
  samples: number;
  warmup: number;
  expect: number;
  /** Builds request `i` (warm-up requests come first, i = 0 … warmup-1); untimed. `null` ends the scenario early. */
  request: (i: number) => BenchRequest | null | Promise<BenchRequest | null>;
  /** Sees every response (e.g. to keep the state of a chain); untimed. */
  after?: (response: BenchResponse, i: number) => void | Promise<void>;
  /**
   * Time budget of the measured part: once spent (and at least 30 requests measured), the scenario stops early,
   * so that a slow route (hundreds of ms) does not dominate the run; the report shows the number measured.
   */
  budgetMs?: number;
  /** Dashboards and lists: their statements are EXPLAINed. */
  explain?: boolean;
}

export interface ScenarioResult {
  label: string;
  route: string;
  kind: Scenario['kind'];
  caller: string;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** SQL statements per measured request. */
  statements: { min: number; median: number; max: number };
  /** Statements of one warm request (the last), as SQL text, for EXPLAIN and for the reader. */
  sampleStatements: StatementRecord[];
  failures: number;
  firstFailure?: string;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Runs a scenario sequentially (one request at a time, keep-alive connection). */
export async function runScenario(baseUrl: string, scenario: Scenario): Promise<ScenarioResult> {
  const latencies: number[] = [];
  const counts: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  let sampleStatements: StatementRecord[] = [];
  const total = scenario.warmup + scenario.samples;
  let measuringSince = 0;
  for (let i = 0; i < total; i++) {
    if (i === scenario.warmup) measuringSince = performance.now();
    if (
      scenario.budgetMs !== undefined &&
      latencies.length >= 30 &&
      performance.now() - measuringSince > scenario.budgetMs
    )
      break;
    let request: BenchRequest | null;
    try {
      request = await scenario.request(i);
      if (request === null) break;
    } catch (error) {
      failures += 1;
      firstFailure ??= `could not build request ${i}: ${(error as Error).message}`;
      continue;
    }
    const response = await send(baseUrl, request);
    if (response.status !== scenario.expect) {
      failures += 1;
      firstFailure ??= `${request.method} ${request.path} → ${response.status}: ${response.text.slice(0, 300)}`;
    }
    await scenario.after?.(response, i);
    if (i < scenario.warmup) continue;
    latencies.push(response.ms);
    counts.push(response.statements.length);
    sampleStatements = response.statements;
  }
  const sortedCounts = [...counts].sort((a, b) => a - b);
  return {
    label: scenario.label,
    route: scenario.route,
    kind: scenario.kind,
    caller: scenario.caller,
    samples: latencies.length,
    p50Ms: round2(percentile(latencies, 50)),
    p99Ms: round2(percentile(latencies, 99)),
    maxMs: round2(Math.max(...latencies)),
    statements: {
      min: sortedCounts[0] ?? 0,
      median: percentile(sortedCounts, 50) ?? 0,
      max: sortedCounts[sortedCounts.length - 1] ?? 0,
    },
    sampleStatements,
    failures,
    firstFailure,
  };
}
