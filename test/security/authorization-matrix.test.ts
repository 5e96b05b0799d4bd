/**
 * Authorization matrix (issue #7): every route of the route table × every kind of caller × an object of either
 * clinic. The expected answer is derived from the RouteDef (auth, roles) and the fixture's scope, never listed per
 * route:
 *
 * - no, expired or tampered token → 401 on every non-public route;
 * - a staff role not in `roles` → 403; a patient session token on a `staff` route → 401;
 * - staff of another clinic → 404 on an object of this one; super_admin → allowed wherever its role is;
 * - a patient session on a `staff_or_patient` route → allowed only for its own session / patient / clinic as the
 *   fixture says, else 404;
 * - lists and creations: no object of another clinic (nor, for patients, of another patient) in the body;
 * - public routes answer everyone, and only with the data their token names; the lab webhook wants a signature.
 *
 * Denied calls of a route run first, between two snapshots of every table (nothing may change); allowed calls of
 * routes that change their object get fresh objects, so the order of the matrix does not matter.
 */
import { sql } from 'kysely';
import { describe, expect, test } from 'vitest';
import { routes } from '../../functions/routes.ts';
import type { RouteDef } from '../../functions/core/http/route.ts';
import { signedDelivery } from '../../functions/labs/sandbox-lab.ts';
import { capturedLogs } from '../setup-env.ts';
import { useTestApi, type ApiResponse } from '../support/api.ts';
import {
  ACCOUNT_KEYS,
  CALLERS,
  OwnerIndex,
  createEnv,
  describeCaller,
  fixtureProblems,
  fixtures,
  pool,
  send,
  stateChanges,
  tableState,
  tokenFor,
  type AccountKey,
  type Caller,
  type CallerId,
  type Env,
  type RouteFixture,
  type World,
} from './route-fixtures.ts';

type Expectation = { allow: true; why: string } | { allow: false; status: number; why: string };
const allow = (why: string): Expectation => ({ allow: true, why });
const deny = (status: number, why: string): Expectation => ({ allow: false, status, why });

/** The answer a caller must get, from the route's declared auth and roles and the fixture's scope. */
function expectation(route: RouteDef, fixture: RouteFixture, caller: Caller, objectKey: AccountKey): Expectation {
  if (route.auth === 'public') return allow('public route');
  if (route.auth === 'webhook') return deny(401, 'only a lab signature authenticates');
  if (caller.kind === 'anonymous') return deny(401, 'no valid token');
  if (caller.kind === 'patient') {
    if (route.auth !== 'staff_or_patient') return deny(401, 'a patient session token on a staff route');
    switch (fixture.patient) {
      case 'collection':
        return allow("the patient's own list");
      case 'account':
        return caller.accountKey === objectKey ? allow("the patient's clinic") : deny(404, 'another clinic');
      case 'patient':
      case 'session':
        return caller.id === 'patient:own'
          ? allow(`the patient's own ${fixture.patient}`)
          : deny(404, `another ${fixture.patient}`);
      default:
        throw new Error(`${route.operationId}: a staff_or_patient route needs \`patient\` in its fixture`);
    }
  }
  if (!caller.role || !route.roles?.includes(caller.role))
    return deny(403, `role ${caller.role} not in [${route.roles?.join(', ')}]`);
  if (caller.role === 'super_admin') return allow('super_admin');
  if (fixture.scope === 'object' && caller.accountKey !== objectKey) return deny(404, 'object of another clinic');
  return allow(`${caller.role} of the clinic`);
}

interface Finding {
  route: string;
  caller: CallerId | 'all refused callers';
  object: AccountKey;
  problem: string;
}

/** Refused calls in flight at once (they are independent and write nothing); allowed calls run one by one. */
const CONCURRENCY = 4;

const isProblemJson = (response: ApiResponse) =>
  (response.headers.get('content-type') ?? '').startsWith('application/problem+json');

describe('authorization matrix', () => {
  const api = useTestApi('pg');
  let shared: Promise<Env> | undefined;
  /** The worlds of this file, created once (the first test that needs them). */
  const environment = () => (shared ??= createEnv(api()));

  test('every route of the route table (deployed and local-only) has a fixture', () => {
    expect(fixtureProblems(routes)).toEqual([]);
  });

  test(
    'every route × caller × object answers as its declaration says, and nothing leaks',
    { timeout: 240_000 },
    async () => {
      const problems = fixtureProblems(routes);
      if (problems.length) throw new Error(`Routes without fixtures:\n${problems.join('\n')}`);
      const env = await environment();
      const owners = new OwnerIndex(api());
      const leaks: Finding[] = [];
      const mismatches: Finding[] = [];
      let combinations = 0;
      const tally = new Map<string, number>();
      const count = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);
      const startedAt = Date.now();

      /** Ids in the body that the caller must not see. */
      async function foreignIds(response: ApiResponse, caller: Caller): Promise<string[]> {
        if (caller.role === 'super_admin') return [];
        const requestId = response.headers.get('x-request-id');
        const text = requestId ? response.text.replaceAll(requestId, '') : response.text;
        const found: string[] = [];
        const callerAccount = caller.accountKey ? env.worlds[caller.accountKey].accountId : null;
        for (const [id, owner] of await owners.ownersIn(text)) {
          if (owner.accountId === null) continue;
          if (owner.accountId !== callerAccount) found.push(`${id} (another clinic)`);
          else if (caller.kind === 'patient' && owner.patientId !== null && owner.patientId !== caller.patientId)
            found.push(`${id} (another patient)`);
        }
        return found;
      }

      async function call(
        route: RouteDef,
        fixture: RouteFixture,
        objectKey: AccountKey,
        world: World,
        callerId: CallerId,
      ) {
        const caller = describeCaller(callerId, objectKey, world, env);
        const spec = await fixture.request({ env, world, caller });
        // Bearer tokens are all a caller of the matrix has: the lab's signature is left out.
        if (route.auth === 'webhook') delete spec.headers;
        const response = await send(api(), route, spec, await tokenFor(env, callerId, objectKey, world));
        combinations += 1;
        return { caller, response };
      }

      async function judge(
        route: RouteDef,
        fixture: RouteFixture,
        objectKey: AccountKey,
        world: World,
        callerId: CallerId,
        expected: Expectation,
      ) {
        const { caller, response } = await call(route, fixture, objectKey, world, callerId);
        const where = { route: `${route.method} ${route.path}`, caller: callerId, object: objectKey };
        count(expected.allow ? 'allowed' : `refused ${expected.status}`);
        const got = `${response.status} ${response.text.slice(0, 160)}`;
        if (!expected.allow) {
          if (fixture.crossAccountRefusal && expected.status === 404 && caller.kind === 'staff') {
            if (!fixture.crossAccountRefusal(response))
              leaks.push({ ...where, problem: `another clinic's object was not refused (${expected.why}): ${got}` });
          } else if (response.status >= 200 && response.status < 300) {
            leaks.push({ ...where, problem: `${expected.status} due (${expected.why}), got ${got}` });
          } else if (response.status !== expected.status) {
            mismatches.push({ ...where, problem: `${expected.status} due (${expected.why}), got ${got}` });
          } else if (!isProblemJson(response)) {
            mismatches.push({
              ...where,
              problem: `a refusal must be application/problem+json, got ${response.headers.get('content-type')}`,
            });
          }
        } else if (route.auth === 'public') {
          const problem = fixture.publicCheck
            ? fixture.publicCheck(response, world, env)
            : response.status >= 200 && response.status < 300
              ? undefined
              : `expected 2xx, got ${got}`;
          if (problem)
            (response.status >= 200 && response.status < 300 ? leaks : mismatches).push({ ...where, problem });
        } else {
          const ok = fixture.allowedStatus
            ? fixture.allowedStatus.includes(response.status)
            : response.status >= 200 && response.status < 300;
          if (!ok) mismatches.push({ ...where, problem: `allowed (${expected.why}) but got ${got}` });
        }
        // Public routes answer whoever holds their token (checked by `publicCheck`); local-only routes serve the
        // developer (outbox, tokens) and are not tenant-scoped by design.
        if (route.auth !== 'public' && !route.localOnly) {
          const foreign = await foreignIds(response, caller);
          if (foreign.length)
            leaks.push({ ...where, problem: `body carries ${foreign.join(', ')} (status ${response.status})` });
        }
      }

      for (const route of routes) {
        const fixture = fixtures[route.operationId] as RouteFixture;
        const combos = ACCOUNT_KEYS.flatMap((objectKey) =>
          CALLERS.map((callerId) => {
            const world = env.worlds[objectKey];
            return {
              objectKey,
              callerId,
              expected: expectation(route, fixture, describeCaller(callerId, objectKey, world, env), objectKey),
            };
          }),
        );
        // 1. Refusals, between two snapshots of every table: a refused call writes nothing.
        await env.settle();
        const before = await tableState(api());
        await pool(
          combos.filter((x) => !x.expected.allow),
          CONCURRENCY,
          (c) => judge(route, fixture, c.objectKey, env.worlds[c.objectKey], c.callerId, c.expected),
        );
        const changes = stateChanges(before, await tableState(api()));
        if (changes.length)
          leaks.push({
            route: `${route.method} ${route.path}`,
            caller: 'all refused callers',
            object: 'A',
            problem: `refused calls wrote: ${changes.join('; ')}`,
          });
        // 2. Allowed calls, each on a fresh object when the call changes it.
        for (const c of combos.filter((x) => x.expected.allow)) {
          const base = env.worlds[c.objectKey];
          let world = base;
          try {
            if (fixture.fresh) world = await fixture.fresh(env, base);
          } catch (error) {
            // An earlier leak may have changed the world (e.g. another clinic archived its patient): report, go on.
            mismatches.push({
              route: `${route.method} ${route.path}`,
              caller: c.callerId,
              object: c.objectKey,
              problem: `no fresh object: ${(error as Error).message.slice(0, 200)}`,
            });
            continue;
          }
          await judge(route, fixture, c.objectKey, world, c.callerId, c.expected);
        }
      }
      await env.settle();

      const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
      console.log(
        `authorization matrix: ${combinations} combinations (${routes.length} routes × ${CALLERS.length} callers × ${ACCOUNT_KEYS.length} objects: ${[
          ...tally,
        ]
          .sort()
          .map(([k, n]) => `${n} ${k}`)
          .join(', ')}) in ${seconds} s, ${leaks.length} leaks, ${mismatches.length} mismatches`,
      );
      const report = (list: Finding[]) =>
        list.map(
          (f) =>
            `${f.route} as ${f.caller} on ${f.caller === 'all refused callers' ? 'both clinics' : `${f.object}'s`} object: ${f.problem}`,
        );
      expect(report(leaks), 'leaks').toEqual([]);
      expect(report(mismatches), 'answers that differ from the route declaration').toEqual([]);

      // No patient data of either clinic in the logs of the whole run.
      const logs = capturedLogs.join('\n');
      for (const key of ACCOUNT_KEYS)
        for (const value of env.worlds[key].phi)
          expect(logs, `logs contain patient data of clinic ${key}`).not.toContain(value);
    },
  );

  test('public invite links answer only for their own token; every other token gets the same 404', async () => {
    const env = await environment();
    const a = env.worlds.A;
    const b = env.worlds.B;
    const staff = await api().token('staff@demo-clinic.test');
    // A superseded (resent) and a revoked link.
    const resent = await api().request('POST', `/v1/invites/${a.otherPatient.inviteId}/resend`, {
      token: staff,
      body: { sendEmail: false },
    });
    expect(resent.status).toBe(200);
    const revokedInvite = await api().request('POST', '/v1/invites', {
      token: staff,
      body: { firstName: 'Rev', lastName: 'Oked', email: 'rev.oked@patients.example', sendEmail: false },
    });
    const revokedToken = (revokedInvite.body.link as string).split('/').pop() as string;
    expect((await api().request('POST', `/v1/invites/${revokedInvite.body.id}/revoke`, { token: staff })).status).toBe(
      200,
    );
    const refusals = [
      a.otherPatient.inviteToken,
      revokedToken,
      `${a.patient.inviteToken.slice(0, -1)}x`,
      'x'.repeat(43),
      a.patient.sessionToken.slice(0, 128),
      a.patient.inviteId,
    ];
    const before = await tableState(api());
    const details = new Set<string>();
    for (const token of refusals) {
      for (const [method, path] of [
        ['GET', `/v1/public/invites/${encodeURIComponent(token)}`],
        ['POST', `/v1/public/invites/${encodeURIComponent(token)}/accept`],
      ] as const) {
        const response = await api().request(method, path, { token: await api().token('superadmin@genascope.test') });
        expect(response.status, `${method} ${path}`).toBe(404);
        expect(response.text).not.toContain(a.accountName);
        details.add(response.body.detail as string);
      }
    }
    expect(details.size).toBe(1);
    expect(stateChanges(before, await tableState(api()))).toEqual([]);
    // The right token names its own clinic and patient, never the other clinic's.
    const verified = await api().request('GET', `/v1/public/invites/${b.patient.inviteToken}`);
    expect(verified.body).toMatchObject({ clinicName: b.accountName, patientFirstName: b.patient.firstName });
  });

  test("refused calls do not touch another clinic's idle session (reading abandons idle sessions)", async () => {
    const env = await environment();
    const a = env.worlds.A;
    const started = await api().request('POST', '/v1/chat-sessions', {
      token: await api().token('staff@demo-clinic.test'),
      body: { patientId: a.patient.patientId, source: 'provider' },
    });
    expect(started.status).toBe(201);
    // Idle for 31 days: the daily sweep, or its own clinic reading it, abandons it; a probe from another clinic must not.
    await api()
      .db.updateTable('chat_sessions')
      .set({ last_activity_at: sql`now() - interval '31 days'` })
      .where('id', '=', started.body.id)
      .execute();
    const world: World = { ...a, patient: { ...a.patient, sessionId: started.body.id as string } };
    const before = await tableState(api());
    for (const route of routes.filter((r) => fixtures[r.operationId]?.patient === 'session')) {
      const fixture = fixtures[route.operationId] as RouteFixture;
      for (const callerId of [
        'staff:account_admin@other',
        'staff:clinician@other',
        'staff:office_staff@other',
        'patient:other_account',
      ] as const) {
        const caller = describeCaller(callerId, 'A', world, env);
        const response = await send(
          api(),
          route,
          await fixture.request({ env, world, caller }),
          await tokenFor(env, callerId, 'A', world),
        );
        expect(response.status, `${route.method} ${route.path} as ${callerId}`).toBe(404);
      }
    }
    expect(stateChanges(before, await tableState(api()))).toEqual([]);
    const own = await api().request('GET', `/v1/chat-sessions/${started.body.id}`, {
      token: await api().token('staff@demo-clinic.test'),
    });
    expect(own.body.status).toBe('abandoned');
  });

  test('the lab webhook authenticates by signature only; refused deliveries write nothing', async () => {
    const env = await environment();
    const route = routes.find((r) => r.operationId === 'receiveLabResultWebhook') as RouteDef;
    const fixture = fixtures.receiveLabResultWebhook as RouteFixture;
    const world = env.worlds.A;
    const caller = describeCaller('staff:super_admin', 'A', world, env);
    const spec = await fixture.request({ env, world, caller });
    const raw = JSON.stringify(spec.body);
    // Signed by the sandbox lab, with the delivery id of the stored result: acknowledged as a duplicate.
    const duplicate = await api().request('POST', '/webhooks/labs/sandbox', { rawBody: raw, headers: spec.headers });
    expect(duplicate.status).toBe(200);
    expect(duplicate.body).toEqual({ status: 'duplicate' });

    const before = await tableState(api());
    const fresh = async (lab: string, body: string) => (await signedDelivery(lab, body)).headers;
    const refused: [string, Record<string, string> | undefined, string, number][] = [
      [
        'no signature, a staff bearer token',
        {
          'content-type': 'application/json',
          authorization: `Bearer ${await api().token('clinician@demo-clinic.test')}`,
        },
        raw,
        401,
      ],
      ["another lab's signature", await fresh('cedar-genomics', raw), raw, 401],
      ['body changed after signing', await fresh('sandbox', raw), raw.replace('negative', 'positive'), 401],
      [
        'stale timestamp',
        (await signedDelivery('sandbox', raw, undefined, Math.floor(Date.now() / 1000) - 3600)).headers,
        raw,
        401,
      ],
    ];
    for (const [what, headers, body, status] of refused) {
      const response = await api().request('POST', '/webhooks/labs/sandbox', { rawBody: body, headers });
      expect(response.status, what).toBe(status);
      expect(response.headers.get('content-type'), what).toBe('application/problem+json');
    }
    // A genuine signature on an order the lab does not have: 404, nothing stored (the delivery id is not kept either).
    const unknown = JSON.stringify({
      ...JSON.parse(raw),
      data: { ...JSON.parse(raw).data, orderId: '00000000-0000-4000-8000-000000000000' },
    });
    const unknownOrder = await api().request('POST', '/webhooks/labs/sandbox', {
      rawBody: unknown,
      headers: await fresh('sandbox', unknown),
    });
    expect(unknownOrder.status).toBe(404);
    // Another lab cannot report on the sandbox lab's order, even with its own valid signature.
    const wrongLab = await api().request('POST', '/webhooks/labs/cedar-genomics', {
      rawBody: raw,
      headers: await fresh('cedar-genomics', raw),
    });
    expect(wrongLab.status).toBe(404);
    expect(stateChanges(before, await tableState(api()))).toEqual([]);
    expect(route.auth).toBe('webhook');
  });
});
