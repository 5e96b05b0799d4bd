/**
 * Hostile input (issue #7). For every route with path parameters, a query or a body, requests are generated from
 * the route's valid fixture request (test/security/route-fixtures.ts) by an allowed caller on an object of its own
 * clinic, and then broken: wrong types, missing and extra fields, huge strings and arrays, deep nesting,
 * prototype-pollution keys, malformed JSON, wrong content types, oversized bodies, crafted cursors, edge dates and
 * numbers, and every naughty string (test/security/naughty-strings.ts) in every string of the path, the query and
 * the body. Random mutations come from fast-check with a fixed seed.
 *
 * Each generated request is classified with the route's own valibot schemas:
 * - invalid (the schemas, or the JSON reader, refuse it): must be a 4xx application/problem+json; the row count
 *   and contents of every table are the same after the invalid requests of a route as before;
 * - possibly valid (naughty strings in free-text fields, unknown but well-formed ids, crafted cursors): must never
 *   be a 5xx, and a refusal must be a problem.
 * At the end, no patient data of the run (nor any distinctive naughty string) may appear in the captured logs.
 */
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import { routes } from '../../functions/routes.ts';
import type { RouteDef } from '../../functions/core/http/route.ts';
import { capturedLogs } from '../setup-env.ts';
import { useTestApi, type ApiResponse, type TestApi } from '../support/api.ts';
import { NAUGHTY_STRINGS } from './naughty-strings.ts';
import {
  ACCOUNT_KEYS,
  createEnv,
  describeCaller,
  fixtureProblems,
  fixtures,
  pool,
  stateChanges,
  tableState,
  tokenFor,
  type CallerId,
  type Env,
  type RequestSpec,
  type RouteFixture,
} from './route-fixtures.ts';

/** fast-check seed (fixed: the same requests every run) and random mutations per route. */
const SEED = 7_2026;
const RANDOM_CASES_PER_ROUTE = 40;
/** Requests in flight at once (the server runs in this process; 2 shared cores). */
const CONCURRENCY = 4;

const MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonPath = (string | number)[];

interface HostileCase {
  kind: string;
  label: string;
  params: Record<string, string>;
  query: Record<string, string>;
  /** A JSON body (undefined: none). */
  body?: Json;
  /** Sent as-is instead of `body`. */
  rawBody?: string;
  contentType?: string;
  /** Refused by the gateway or the body reader whatever the schemas say (malformed JSON, 1 MB, media type…). */
  structural?: boolean;
  /** Read by the operation itself (CSV): the schemas cannot say. */
  opaque?: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// JSON helpers
// ---------------------------------------------------------------------------------------------------------------

const clone = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

function nodes(value: Json | undefined, path: JsonPath = []): { path: JsonPath; value: Json }[] {
  if (value === undefined) return [];
  const out = [{ path, value }];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...nodes(item, [...path, i])));
  else if (value && typeof value === 'object')
    for (const [k, item] of Object.entries(value)) out.push(...nodes(item, [...path, k]));
  return out;
}

function setAt(root: Json | undefined, path: JsonPath, replacement: Json): Json {
  if (path.length === 0) return replacement;
  const copy = clone(root) as Json;
  let node = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  node[path.at(-1) as string | number] = replacement;
  return copy;
}

function deleteAt(root: Json, path: JsonPath): Json {
  const copy = clone(root);
  let node = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path.at(-1) as string | number;
  if (Array.isArray(node)) node.splice(last as number, 1);
  else delete node[last];
  return copy;
}

/** Adds an own property (also `__proto__`, which an assignment or a literal would turn into a prototype). */
function withKey(root: Json | undefined, path: JsonPath, key: string, value: Json): Json {
  const target =
    path.length === 0 ? root : nodes(root).find((n) => n.path.join('\u0000') === path.join('\u0000'))?.value;
  const extended: Record<string, Json> = {};
  for (const [k, item] of Object.entries((target ?? {}) as Record<string, Json>))
    Object.defineProperty(extended, k, { value: item, enumerable: true, configurable: true, writable: true });
  Object.defineProperty(extended, key, { value, enumerable: true, configurable: true, writable: true });
  return setAt(root, path, extended as Json);
}

const replaceStrings = (value: Json | undefined, replacement: string, only?: Set<string>): Json | undefined => {
  if (value === undefined) return undefined;
  let out = clone(value);
  for (const n of nodes(value))
    if (typeof n.value === 'string' && (!only || only.has(n.path.join('\u0000'))))
      out = setAt(out, n.path, replacement);
  return out;
};

const nested = (depth: number, leaf: Json = 'deep'): Json => {
  let out = leaf;
  for (let i = 0; i < depth; i += 1) out = i % 2 ? [out] : { a: out };
  return out;
};

function structureProblem(value: unknown, depth = 0): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > MAX_DEPTH) return 'too deep';
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = structureProblem(item, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return `forbidden key ${key}`;
    const problem = structureProblem((value as Record<string, unknown>)[key], depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

const accepts = (schema: v.GenericSchema | undefined, value: unknown) =>
  schema ? v.safeParse(schema, value).success : true;

function schemaKeys(schema: unknown): string[] {
  const s = schema as { entries?: Record<string, unknown>; pipe?: unknown[] } | undefined;
  if (!s) return [];
  if (s.entries) return Object.keys(s.entries);
  if (s.pipe) return schemaKeys(s.pipe[0]);
  return [];
}

/** Lone surrogates become U+FFFD, as URL encoding does (String.prototype.toWellFormed, ES2024). */
const wellFormed = (s: string): string => (s as string & { toWellFormed(): string }).toWellFormed();

// ---------------------------------------------------------------------------------------------------------------
// Classification
// ---------------------------------------------------------------------------------------------------------------

/** Would the route's schemas and the JSON reader accept this request? (Then it may be valid.) */
function mayBeValid(route: RouteDef, c: HostileCase): boolean {
  if (c.structural) return false;
  if (c.opaque) return true;
  const params = Object.fromEntries(Object.entries(c.params).map(([k, val]) => [k, wellFormed(val)]));
  if (Object.values(params).some((val) => val === '' || val === '.' || val === '..')) return false;
  if (!(route.params ? accepts(route.params, params) : Object.keys(params).length === 0)) return false;
  const query = Object.fromEntries(Object.entries(c.query).map(([k, val]) => [wellFormed(k), wellFormed(val)]));
  if (!(route.query ? accepts(route.query, query) : Object.keys(query).length === 0)) return false;
  if (!route.body) return true;
  const raw = c.rawBody ?? (c.body === undefined ? undefined : JSON.stringify(c.body));
  if (raw === undefined || raw === '') return accepts(route.body, {});
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return false;
  }
  if (route.auth !== 'webhook' && structureProblem(parsed)) return false;
  return accepts(route.body, parsed);
}

// ---------------------------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------------------------

const WRONG_TYPES: Json[] = [0, -1, 1.5, 1e308, -1e308, true, false, null, '', 'x', [], {}, [1, 'two', null], { a: 1 }];
const EDGE_NUMBERS: Json[] = [-0, 2 ** 53 + 2, -(2 ** 53) - 2, 5e-324, 0.1 + 0.2, 1e21, 2147483648, -2147483649];
const EDGE_STRINGS = [
  NIL_UUID,
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '0',
  '-1',
  '999999999',
  '99999999999999999999',
  '1e3',
  '0x1F',
  '1.5',
  'true',
  '[]',
  '{}',
  '0000-01-01',
  '9999-12-31',
  '2024-02-30',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999999+14:00',
  '2024-01-01T24:00:00Z',
  '1970-01-01T00:00:00-99:99',
];
const EXTRA_KEYS: [string, Json][] = [
  ['unexpected', 'x'],
  ['isAdmin', true],
  ['role', 'super_admin'],
  ['accountId', NIL_UUID],
  ['$where', '1 == 1'],
];
const PROTO_KEYS: [string, Json][] = [
  ['__proto__', { isAdmin: true, role: 'super_admin' }],
  ['constructor', { prototype: { isAdmin: true } }],
  ['prototype', { isAdmin: true }],
];
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const CRAFTED_CURSORS = [
  cursorOf(['\u0000', NIL_UUID]),
  cursorOf(["' OR 1=1 --", NIL_UUID]),
  cursorOf(['zzz', "'; DROP TABLE patients; --"]),
  cursorOf(['0000-01-01T00:00:00Z', NIL_UUID]),
  cursorOf(['2024-01-01T00:00:00Z', 'not-a-uuid']),
  cursorOf([1e308, NIL_UUID]),
  cursorOf([null, NIL_UUID]),
  cursorOf({ a: 1 }),
  cursorOf(['x'.repeat(300), NIL_UUID]),
  cursorOf(['\ud800', NIL_UUID]),
];

function baseCase(spec: RequestSpec): HostileCase {
  return {
    kind: 'base',
    label: 'base',
    params: { ...(spec.params ?? {}) },
    query: { ...(spec.query ?? {}) },
    body: clone(spec.body) as Json | undefined,
  };
}

function generate(route: RouteDef, spec: RequestSpec, routeIndex: number): HostileCase[] {
  const base = baseCase(spec);
  const out: HostileCase[] = [];
  const add = (kind: string, label: string, patch: Partial<HostileCase>) =>
    out.push({ ...base, params: { ...base.params }, query: { ...base.query }, ...patch, kind, label });
  const paramKeys = Object.keys(base.params);
  const queryKeys = [...new Set([...schemaKeys(route.query), ...Object.keys(base.query)])];
  const body = route.body ? base.body : undefined;
  const stringNodes = nodes(body).filter((n) => typeof n.value === 'string');
  const key = (path: JsonPath) => path.join('\u0000');

  // 1. Every naughty string in every string: of the path, of the query (every parameter the route knows), of the body;
  //    and once more only in the fields that accept it (free text), so that it reaches the operation.
  for (const n of NAUGHTY_STRINGS) {
    const tag = `naughty "${n.label}"`;
    if (paramKeys.length)
      add('naughty-path', `${tag} in every path parameter`, {
        params: Object.fromEntries(paramKeys.map((k) => [k, n.value])),
      });
    if (queryKeys.length)
      add('naughty-query', `${tag} in every query parameter`, {
        query: Object.fromEntries(queryKeys.map((k) => [k, n.value])),
      });
    if (stringNodes.length) add('naughty-body', `${tag} in every body string`, { body: replaceStrings(body, n.value) });
    const freeParams = paramKeys.filter((k) => accepts(route.params, { ...base.params, [k]: wellFormed(n.value) }));
    const freeQuery = queryKeys.filter((k) => accepts(route.query, { ...base.query, [k]: wellFormed(n.value) }));
    const freeBody = new Set(
      stringNodes.filter((node) => accepts(route.body, setAt(body, node.path, n.value))).map((node) => key(node.path)),
    );
    if (freeParams.length || freeQuery.length || freeBody.size) {
      add('naughty-free-text', `${tag} in every field that accepts it`, {
        params: { ...base.params, ...Object.fromEntries(freeParams.map((k) => [k, n.value])) },
        query: { ...base.query, ...Object.fromEntries(freeQuery.map((k) => [k, n.value])) },
        body: replaceStrings(body, n.value, freeBody),
      });
    }
  }

  // 2. Path parameters and query values: edge strings, huge strings, unknown and prototype keys, crafted cursors.
  for (const k of paramKeys) {
    for (const value of [...EDGE_STRINGS, 'x'.repeat(5_000)])
      add('path-edge', `path.${k} = ${value.slice(0, 40)}`, { params: { ...base.params, [k]: value } });
  }
  if (route.query) {
    for (const k of queryKeys) {
      for (const value of [...EDGE_STRINGS, 'x'.repeat(5_000), ''])
        add('query-edge', `query.${k} = ${value.slice(0, 40)}`, { query: { ...base.query, [k]: value } });
    }
    if (queryKeys.includes('cursor'))
      for (const cursor of CRAFTED_CURSORS)
        add('crafted-cursor', `crafted cursor ${cursor.slice(0, 24)}…`, { query: { ...base.query, cursor } });
  }
  // The webhook reads no query string (a lab's URL is fixed); every other route refuses unknown parameters.
  if (route.auth !== 'webhook') {
    for (const [extra] of [...EXTRA_KEYS, ['constructor'], ['__proto__'], ['__proto__[isAdmin]'], ['toString']] as [
      string,
    ][]) {
      add('query-extra', `unknown query parameter ${extra}`, { query: { ...base.query, [extra]: '1' } });
    }
  }

  if (route.body) {
    // 3. Structural: the JSON reader and the media type.
    const raw = JSON.stringify(body ?? {});
    const structural = (label: string, rawBody: string, contentType = 'application/json') =>
      add('structural', label, { rawBody, contentType, structural: true });
    for (const malformed of [
      '{',
      '{"a":',
      "{'a': 1}",
      'NaN',
      '{"a":1}garbage',
      '\u0000',
      '[1,]',
      '{"a":01}',
      `${raw.slice(0, -1)}`,
    ])
      structural(`malformed JSON ${JSON.stringify(malformed).slice(0, 30)}`, malformed);
    for (const type of [
      'text/plain',
      'application/xml',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'text/html',
    ]) {
      if (!route.extraContentTypes?.includes(type)) structural(`content type ${type}`, raw, type);
    }
    if (route.auth !== 'webhook') {
      structural('body over 1 MB', JSON.stringify({ padding: 'x'.repeat(1_100_000) }));
      structural('nesting deeper than 32 levels', JSON.stringify(nested(40)));
      structural('nesting 5,000 levels deep', `${'['.repeat(5_000)}${']'.repeat(5_000)}`);
      for (const [protoKey, value] of PROTO_KEYS)
        structural(`prototype key ${protoKey} at the top`, JSON.stringify(withKey(body, [], protoKey, value)));
      const objects = nodes(body).filter(
        (n) => n.path.length > 0 && n.value !== null && typeof n.value === 'object' && !Array.isArray(n.value),
      );
      for (const o of objects.slice(0, 3))
        structural(
          `prototype key __proto__ in ${o.path.join('.')}`,
          JSON.stringify(withKey(body, o.path, '__proto__', { isAdmin: true })),
        );
    }
    add('duplicate-keys', 'duplicate keys (the last wins)', {
      rawBody: raw.replace(/^\{/, '{"unexpected":1,"unexpected":2,'),
      contentType: 'application/json',
    });
    // 4. Whole-body replacements.
    for (const whole of [null, 0, '', 'string', true, [], {}, [body ?? {}], nested(20)] as Json[])
      add('whole-body', `body = ${JSON.stringify(whole).slice(0, 30)}`, { body: whole });
    add('no-body', 'no body', { body: undefined });
    if (route.extraContentTypes?.includes('text/csv')) {
      const csv = (text: string, label: string) =>
        add('csv', label, { rawBody: text, contentType: 'text/csv', opaque: true });
      csv('first_name,last_name\n"unterminated,quote\n', 'CSV with an unterminated quote');
      csv('first_name,last_name,ssn\nA,B,123\n', 'CSV with an unknown column');
      csv(`first_name,last_name,email\n${'=cmd|calc!A0,"<script>",a@b.c\n'.repeat(3)}`, 'CSV formulas and scripts');
      csv('first_name,last_name,email\n\u0000,\u0000,\u0000\n', 'CSV with NUL bytes');
      csv(`first_name,last_name,email\n${'A,B,\n'.repeat(5_001)}`, 'CSV over 5,000 rows');
      csv('\ufeff', 'CSV with only a BOM');
    }
  }

  // 5. Random mutations (fast-check, fixed seed): a node of the body, a path or a query parameter, and how to break it.
  const bodyNodes = nodes(body);
  const objectNodes = bodyNodes.filter(
    (n) => n.value !== null && typeof n.value === 'object' && !Array.isArray(n.value),
  );
  const targets: fc.Arbitrary<Partial<HostileCase> & { kind: string; label: string }>[] = [];
  if (bodyNodes.length) {
    const node = fc.constantFrom(...bodyNodes);
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom(...NAUGHTY_STRINGS.map((n) => n.value)),
    );
    targets.push(
      fc
        .tuple(node, fc.constantFrom(...WRONG_TYPES))
        .map(([n, value]) => ({
          kind: 'wrong-type',
          label: `body.${n.path.join('.')} = ${JSON.stringify(value)}`,
          body: setAt(body, n.path, value),
        })),
      fc
        .tuple(node, fc.constantFrom(...EDGE_STRINGS))
        .map(([n, value]) => ({
          kind: 'edge-string',
          label: `body.${n.path.join('.')} = ${value}`,
          body: setAt(body, n.path, value),
        })),
      fc
        .tuple(node, fc.constantFrom(...EDGE_NUMBERS))
        .map(([n, value]) => ({
          kind: 'edge-number',
          label: `body.${n.path.join('.')} = ${String(value)}`,
          body: setAt(body, n.path, value),
        })),
      fc
        .tuple(node, text)
        .map(([n, value]) => ({
          kind: 'random-text',
          label: `body.${n.path.join('.')} = random text`,
          body: setAt(body, n.path, value),
        })),
      fc
        .tuple(node, fc.jsonValue({ maxDepth: 4 }))
        .map(([n, value]) => ({
          kind: 'random-json',
          label: `body.${n.path.join('.')} = random JSON`,
          body: setAt(body, n.path, value as Json),
        })),
      fc
        .tuple(node, fc.integer({ min: 100_000, max: 300_000 }))
        .map(([n, size]) => ({
          kind: 'huge-string',
          label: `body.${n.path.join('.')} = ${size} characters`,
          body: setAt(body, n.path, '\u00e9'.repeat(size)),
        })),
      fc.tuple(node, fc.integer({ min: 5_000, max: 20_000 })).map(([n, size]) => ({
        kind: 'huge-array',
        label: `body.${n.path.join('.')} = array of ${size}`,
        body: setAt(
          body,
          n.path,
          Array.from({ length: size }, (_, i) => (i % 2 ? 'x' : { a: i })),
        ),
      })),
      fc
        .tuple(node, fc.integer({ min: 2, max: 30 }))
        .map(([n, depth]) => ({
          kind: 'deep',
          label: `body.${n.path.join('.')} nested ${depth} deep`,
          body: setAt(body, n.path, nested(depth)),
        })),
    );
    const removable = bodyNodes.filter((n) => n.path.length > 0);
    if (removable.length)
      targets.push(
        fc
          .constantFrom(...removable)
          .map((n) => ({
            kind: 'missing',
            label: `without body.${n.path.join('.')}`,
            body: deleteAt(body as Json, n.path),
          })),
      );
    if (objectNodes.length) {
      targets.push(
        fc
          .tuple(fc.constantFrom(...objectNodes), fc.constantFrom(...EXTRA_KEYS))
          .map(([n, [k, value]]) => ({
            kind: 'extra',
            label: `extra ${k} in body${n.path.length ? `.${n.path.join('.')}` : ''}`,
            body: withKey(body, n.path, k, value),
          })),
      );
    }
  }
  if (paramKeys.length) {
    targets.push(
      fc
        .tuple(fc.constantFrom(...paramKeys), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }))
        .map(([k, value]) => ({
          kind: 'random-path',
          label: `path.${k} = random`,
          body,
          params: { ...base.params, [k]: value },
        })),
    );
  }
  if (queryKeys.length) {
    targets.push(
      fc
        .tuple(fc.constantFrom(...queryKeys), fc.string({ unit: 'binary', maxLength: 60 }))
        .map(([k, value]) => ({
          kind: 'random-query',
          label: `query.${k} = random`,
          body,
          query: { ...base.query, [k]: value },
        })),
    );
  }
  if (targets.length) {
    for (const sample of fc.sample(fc.oneof(...targets), {
      seed: SEED + routeIndex,
      numRuns: RANDOM_CASES_PER_ROUTE,
    })) {
      out.push({ ...base, params: { ...base.params }, query: { ...base.query }, ...sample } as HostileCase);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------------------------------------------------

/** Path parameters percent-encoded byte by byte (lone surrogates too, which encodeURIComponent refuses). */
function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(wellFormed(value));
  }
}

async function sendCase(
  api: TestApi,
  env: Env,
  route: RouteDef,
  fixture: RouteFixture,
  c: HostileCase,
  token: string | undefined,
): Promise<ApiResponse> {
  const path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeSegment(c.params[name] ?? ''));
  const search = new URLSearchParams(
    Object.entries(c.query).map(([k, val]): [string, string] => [wellFormed(k), wellFormed(val)]),
  ).toString();
  const url = `${path}${search ? `?${search}` : ''}`;
  const raw = c.rawBody ?? (c.body === undefined ? undefined : JSON.stringify(c.body));
  let headers: Record<string, string> = {};
  if (raw !== undefined) headers['content-type'] = c.contentType ?? 'application/json';
  if (route.auth === 'webhook' && fixture.sign)
    headers = { ...(await fixture.sign(raw ?? '', env)), ...(c.contentType ? { 'content-type': c.contentType } : {}) };
  return api.request(route.method, url, { token, rawBody: raw, headers });
}

/** An allowed caller of the route, of the clinic whose objects the request names. */
function hostileCaller(route: RouteDef): CallerId {
  if (route.auth === 'public' || route.auth === 'webhook') return 'anonymous:none';
  const order: [string, CallerId][] = [
    ['clinician', 'staff:clinician@own'],
    ['account_admin', 'staff:account_admin@own'],
    ['office_staff', 'staff:office_staff@own'],
    ['super_admin', 'staff:super_admin'],
  ];
  const found = order.find(([role]) => route.roles?.includes(role as never));
  if (!found) throw new Error(`${route.operationId}: no staff role may call it`);
  return found[1];
}

const isProblem = (response: ApiResponse) =>
  (response.headers.get('content-type') ?? '').startsWith('application/problem+json');

describe('hostile input', () => {
  const api = useTestApi('pg');

  test(
    'invalid input is a 4xx problem and never a 5xx; nothing is written; nothing is logged',
    { timeout: 240_000 },
    async () => {
      const problems = fixtureProblems(routes);
      if (problems.length) throw new Error(`Routes without fixtures:\n${problems.join('\n')}`);
      const env = await createEnv(api());
      const world = env.worlds.A;
      const startedAt = Date.now();
      const failures: string[] = [];
      let invalidCount = 0;
      let validCount = 0;
      let serverErrors = 0;

      const targets = routes.filter((r) => r.params || r.query || r.body);
      const plans = [];
      for (const [index, route] of targets.entries()) {
        const fixture = fixtures[route.operationId] as RouteFixture;
        const callerId = hostileCaller(route);
        const caller = describeCaller(callerId, 'A', world, env);
        const spec = await fixture.request({ env, world, caller });
        const token = await tokenFor(env, callerId, 'A', world);
        const cases = generate(route, spec, index);
        plans.push({
          route,
          fixture,
          token,
          invalid: cases.filter((c) => !mayBeValid(route, c)),
          maybeValid: cases.filter((c) => mayBeValid(route, c)),
        });
      }

      const record = (route: RouteDef, c: HostileCase, problem: string, response: ApiResponse) => {
        // For a server error, the logged error (name and message) says where it broke.
        const requestId = response.headers.get('x-request-id');
        const logged =
          response.status >= 500 && requestId
            ? capturedLogs
                .filter((line) => line.includes(requestId) && line.includes('"error"'))
                .map((line) => JSON.parse(line) as Record<string, unknown>)
            : [];
        const cause = logged
          .map((l) => ` [logged: ${String(l.errorName)}: ${String(l.errorMessage).slice(0, 160)}]`)
          .join('');
        failures.push(
          `${route.method} ${route.path} [${c.kind}] ${c.label}: ${problem} — ${response.status} ${response.text.slice(0, 160)}${cause}`,
        );
      };
      /** Node's HTTP parser refuses an oversized URL (431) before any handler runs: a refusal, without a problem body. */
      const transportRefusal = (response: ApiResponse) =>
        (response.status === 431 || response.status === 414) && response.text === '';

      // Phase 1: invalid requests, route by route, between snapshots of every table.
      for (const { route, fixture, token, invalid } of plans) {
        await env.settle();
        const before = await tableState(api());
        await pool(invalid, CONCURRENCY, async (c) => {
          const response = await sendCase(api(), env, route, fixture, c, token);
          invalidCount += 1;
          if (response.status >= 500) serverErrors += 1;
          if (response.status < 400 || response.status >= 500)
            record(route, c, 'invalid input must be a 4xx', response);
          else if (!isProblem(response) && !transportRefusal(response))
            record(route, c, 'a refusal must be application/problem+json', response);
        });
        const changes = stateChanges(before, await tableState(api()));
        if (changes.length)
          failures.push(`${route.method} ${route.path}: invalid requests changed tables: ${changes.join('; ')}`);
      }

      // Phase 2: requests the schemas accept (naughty free text, unknown ids, crafted cursors): never a 5xx.
      for (const { route, fixture, token, maybeValid } of plans) {
        await pool(maybeValid, route.method === 'GET' ? CONCURRENCY : 1, async (c) => {
          const response = await sendCase(api(), env, route, fixture, c, token);
          validCount += 1;
          if (response.status >= 500) {
            serverErrors += 1;
            record(route, c, 'server error', response);
          } else if (response.status >= 400 && !isProblem(response) && !transportRefusal(response))
            record(route, c, 'a refusal must be application/problem+json', response);
        });
      }
      await env.settle();

      const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
      console.log(
        `hostile input: ${invalidCount + validCount} requests on ${targets.length} routes (${invalidCount} invalid, ${validCount} accepted by the schemas) in ${seconds} s, ${serverErrors} server errors, ${failures.length} failures`,
      );
      expect(failures).toEqual([]);

      // No patient data and no distinctive request data in the logs of the run.
      const logs = capturedLogs.join('\n');
      const secrets = [
        ...ACCOUNT_KEYS.flatMap((k) => env.worlds[k].phi),
        ...NAUGHTY_STRINGS.filter((n) => n.distinctive).map((n) => n.value),
      ];
      const logged = secrets.filter((s) => logs.includes(s) || logs.includes(JSON.stringify(s).slice(1, -1)));
      expect(logged, 'request or patient data in the logs').toEqual([]);
    },
  );
});
