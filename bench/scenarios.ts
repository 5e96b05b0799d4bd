import { sql } from 'kysely';
import type { Db } from '../functions/core/db.ts';
import type { LocalIdentityProvider } from '../functions/local/identity-provider.ts';
import { issuePatientSessionToken } from '../functions/core/auth/patient-token.ts';
import { sandboxResultPayload, signedDelivery } from '../functions/labs/sandbox-lab.ts';
import { SUPER_ADMIN_EMAIL } from '../functions/local/seed.ts';
import { deployedRoutes } from '../functions/routes.ts';
import { send, type BenchRequest, type BenchResponse, type Scenario } from './latency.ts';
import type { VolumeTemplates } from './seed-volume.ts';

/** The clinic the benchmark acts in (it has its share of the bulk data like every other clinic). */
export const BENCH_CLINIC = 'Demo Clinic';
const DOMAIN = 'demo-clinic.test';

const INSURANCE = {
  payer: 'Acme Health',
  memberId: 'XJH123456789',
  groupNumber: 'GRP-1001',
  policyHolder: { relationship: 'self' },
};

interface Question {
  id: number;
  key: string;
  questionType: string;
  options: { value: string }[] | null;
  allowUnknown: boolean;
  min: number | null;
  max: number | null;
}

/** A short, complete path through the questionnaire: a woman whose mother had breast cancer at 45. */
const PREFERRED: Record<string, unknown> = {
  sex_at_birth: 'female',
  age: 45,
  ashkenazi: false,
  race: 'white',
  has_cancer: false,
  has_relatives_with_cancer: true,
  relative_relationship: 'mother',
  relative_cancer_type_female: 'breast',
  relative_cancer_age: 45,
  relative_second_cancer: false,
  relative_tested: 'untested',
  another_relative: false,
  familial_variant: false,
  prior_genetic_testing: 'none',
  breast_biopsies: 0,
  atypical_hyperplasia: false,
  breast_lcis: false,
  age_at_menarche: 12,
  had_live_birth: true,
  age_first_birth: 28,
};

/** An answer the question accepts: the preferred one when it fits, else the first option / false / a number in range. */
export function answerFor(q: Question): unknown {
  const values = q.options?.map((o) => o.value) ?? [];
  const preferred = PREFERRED[q.key];
  if (preferred !== undefined) {
    if (typeof preferred === 'string' && (values.length === 0 || values.includes(preferred))) return preferred;
    if (typeof preferred === 'boolean' && q.questionType === 'yes_no') return preferred;
    if (
      typeof preferred === 'number' &&
      q.questionType === 'number' &&
      (q.min === null || preferred >= q.min) &&
      (q.max === null || preferred <= q.max)
    )
      return preferred;
  }
  switch (q.questionType) {
    case 'yes_no':
      return false;
    case 'multiple_choice':
      return values[0] ?? null;
    case 'multi_select':
      return values.length ? [values[0]] : [];
    case 'number':
      return Math.min(Math.max(40, q.min ?? 0), q.max ?? 120);
    default:
      return 'n/a';
  }
}

function expectStatus(response: BenchResponse, status: number, what: string): void {
  if (response.status !== status) throw new Error(`${what}: ${response.status} ${response.text.slice(0, 400)}`);
}

/** Answers every question of a session (as its holder of `token`); returns the last session document. */
async function answerAll(url: string, sessionId: string, token: string): Promise<any> {
  let session = (await send(url, { method: 'GET', path: `/v1/chat-sessions/${sessionId}`, token })).body;
  for (let step = 0; session.currentQuestion && step < 150; step++) {
    const response = await send(url, {
      method: 'POST',
      path: `/v1/chat-sessions/${sessionId}/answers`,
      token,
      body: { questionId: session.currentQuestion.id, answer: answerFor(session.currentQuestion) },
    });
    expectStatus(response, 200, `answering ${session.currentQuestion.key}`);
    session = response.body;
  }
  if (!session.readyToComplete) throw new Error(`session ${sessionId} is not ready to complete`);
  return session;
}

const tokenOfLink = (link: string) => link.split('/').pop() as string;

/**
 * One real journey through the API (invite → accept → questionnaire → complete → lab order → signed lab result
 * webhook); its rows are the templates of the bulk data.
 */
export async function templateJourney(
  url: string,
  db: Db,
  staffToken: string,
): Promise<VolumeTemplates & { riskProfile: unknown }> {
  const invite = await send(url, {
    method: 'POST',
    path: '/v1/invites',
    token: staffToken,
    body: { firstName: 'Tess', lastName: 'Template', email: 'tess.template@example.com' },
  });
  expectStatus(invite, 201, 'template invite');
  const accepted = await send(url, {
    method: 'POST',
    path: `/v1/public/invites/${tokenOfLink(invite.body.link)}/accept`,
  });
  expectStatus(accepted, 200, 'template accept');
  const { sessionId, sessionToken } = accepted.body as { sessionId: string; sessionToken: string };
  await answerAll(url, sessionId, sessionToken);
  const completed = await send(url, {
    method: 'POST',
    path: `/v1/chat-sessions/${sessionId}/complete`,
    token: sessionToken,
  });
  expectStatus(completed, 200, 'template complete');
  const result = await db
    .selectFrom('eligibility_results')
    .select(['id', 'patient_id'])
    .where('session_id', '=', sessionId)
    .executeTakeFirstOrThrow();
  const order = await send(url, {
    method: 'POST',
    path: '/v1/lab-orders',
    token: staffToken,
    body: {
      patientId: result.patient_id,
      labId: 'sandbox',
      testType: 'breast-ovarian-panel',
      eligibilityResultId: result.id,
      insuranceInformation: INSURANCE,
    },
  });
  expectStatus(order, 201, 'template lab order');
  // What the lab-order workflow's submit step would have done (workflows are not run by the bench).
  await sql`update lab_orders set status = 'processing', external_order_id = 'EXT-TEMPLATE', submitted_at = now() where id = cast(${order.body.id} as uuid)`.execute(
    db,
  );
  const webhook = await deliverLabResult(url, { id: order.body.id, external_order_id: 'EXT-TEMPLATE' });
  expectStatus(webhook, 200, 'template lab result webhook');
  const labResult = await db
    .selectFrom('lab_results')
    .select('id')
    .where('order_id', '=', order.body.id)
    .executeTakeFirstOrThrow();
  return {
    sessionId,
    eligibilityResultId: result.id,
    labOrderId: order.body.id,
    labResultId: labResult.id,
    riskProfile: completed.body.riskProfile,
  };
}

/** A lab's signed result delivery (what the sandbox lab sends), through the gateway's webhook route. */
async function deliverLabResult(
  url: string,
  order: { id: string; external_order_id: string | null },
): Promise<BenchResponse> {
  return send(url, await labResultRequest(order));
}

async function labResultRequest(order: { id: string; external_order_id: string | null }): Promise<BenchRequest> {
  const body = JSON.stringify(
    sandboxResultPayload(order, { reportStatus: 'final', interpretation: 'negative', variants: [], includePdf: false }),
  );
  const { headers } = await signedDelivery('sandbox', body);
  return { method: 'POST', path: '/webhooks/labs/sandbox', rawBody: body, headers };
}

export interface ScenarioSizes {
  readSamples: number;
  readWarmup: number;
  /** Time budget of one read scenario's measured requests (see Scenario.budgetMs). */
  readBudgetMs: number;
  writeSamples: number;
  writeWarmup: number;
}

const cycle =
  <T>(list: readonly T[]) =>
  (i: number): T => {
    if (list.length === 0) throw new Error('no fixture rows');
    return list[i % list.length] as T;
  };

/** Ids of the bench clinic, drawn from the bulk data (disjoint sets for the writes that consume their target). */
async function fixtures(db: Db, accountId: string) {
  const ids = async (query: ReturnType<typeof sql<{ id: string }>>) => (await query.execute(db)).rows.map((r) => r.id);
  const acc = sql`cast(${accountId} as uuid)`;
  const freePatients = await ids(sql<{ id: string }>`
    select p.id from patients p where p.account_id = ${acc} and p.status = 'active'
      and not exists (select 1 from chat_sessions s where s.patient_id = p.id)
      and not exists (select 1 from lab_orders o where o.patient_id = p.id)
      and not exists (select 1 from appointments a where a.patient_id = p.id)
    order by md5(p.id::text) limit 400`);
  const part = (k: number) => freePatients.filter((_, i) => i % 4 === k);
  return {
    patients: await ids(
      sql<{
        id: string;
      }>`select id from patients where account_id = ${acc} and status <> 'archived' order by md5(id::text) limit 200`,
    ),
    /** Four disjoint sets of active patients without sessions, orders or appointments. */
    forChat: part(0),
    forOrders: part(1),
    forAppointments: part(2),
    forArchive: part(3),
    invites: await ids(
      sql<{ id: string }>`select id from invites where account_id = ${acc} order by md5(id::text) limit 200`,
    ),
    pendingTokens: (
      await sql<{
        id: string;
      }>`select 'bench-' || patient_id::text as id from invites where account_id = ${acc} and status = 'pending' and expires_at > now() and token_hash = encode(sha256(convert_to('bench-' || patient_id::text, 'UTF8')), 'hex') order by md5(id::text) limit 200`.execute(
        db,
      )
    ).rows.map((r) => r.id),
    completedSessions: await ids(
      sql<{
        id: string;
      }>`select s.id from chat_sessions s join patients p on p.id = s.patient_id where p.account_id = ${acc} and s.status = 'completed' order by md5(s.id::text) limit 200`,
    ),
    inProgressSessions: (
      await sql<{
        id: string;
        patient_id: string;
      }>`select s.id, s.patient_id from chat_sessions s join patients p on p.id = s.patient_id where p.account_id = ${acc} and s.status = 'in_progress' and s.last_activity_at > now() - interval '25 days' order by md5(s.id::text) limit 200`.execute(
        db,
      )
    ).rows,
    results: await ids(
      sql<{
        id: string;
      }>`select r.id from eligibility_results r join patients p on p.id = r.patient_id where p.account_id = ${acc} order by md5(r.id::text) limit 200`,
    ),
    unreviewedResults: await ids(
      sql<{
        id: string;
      }>`select r.id from eligibility_results r join patients p on p.id = r.patient_id where p.account_id = ${acc} and not r.provider_reviewed order by md5(r.id::text) limit 200`,
    ),
    orders: await ids(
      sql<{ id: string }>`select id from lab_orders where account_id = ${acc} order by md5(id::text) limit 200`,
    ),
    processingOrders: (
      await sql<{
        id: string;
        external_order_id: string;
      }>`select id, external_order_id from lab_orders where account_id = ${acc} and status = 'processing' and lab_id = 'sandbox' and external_order_id is not null order by md5(id::text) limit 200`.execute(
        db,
      )
    ).rows,
    availableLabResults: await ids(
      sql<{
        id: string;
      }>`select r.id from lab_results r join lab_orders o on o.id = r.order_id where o.account_id = ${acc} and r.status = 'available' order by md5(r.id::text) limit 200`,
    ),
    appointments: await ids(
      sql<{
        id: string;
      }>`select a.id from appointments a join patients p on p.id = a.patient_id where p.account_id = ${acc} order by md5(a.id::text) limit 200`,
    ),
    futureAppointments: await ids(
      sql<{
        id: string;
      }>`select a.id from appointments a join patients p on p.id = a.patient_id where p.account_id = ${acc} and a.status = 'scheduled' and a.date_time > now() order by md5(a.id::text) limit 50`,
    ),
    patientWithAppointment: (
      await sql<{
        patient_id: string;
        session_id: string;
      }>`select a.patient_id, s.id as session_id from appointments a join patients p on p.id = a.patient_id join chat_sessions s on s.patient_id = a.patient_id where p.account_id = ${acc} limit 1`.execute(
        db,
      )
    ).rows[0],
    clinicians: await ids(
      sql<{
        id: string;
      }>`select id from users where account_id = ${acc} and role = 'clinician' and status = 'active' order by email`,
    ),
  };
}

/**
 * Every route of the deployed table that bench data can exercise, reads first (against the untouched volume), then
 * writes in chains (an invite created by one scenario is accepted by the next, and so on). Writes consume their
 * own targets, so no request repeats a one-time action.
 */
export async function buildScenarios(options: {
  url: string;
  db: Db;
  idp: LocalIdentityProvider;
  templates: VolumeTemplates & { riskProfile: unknown };
  sizes: ScenarioSizes;
}): Promise<Scenario[]> {
  const { url, db, idp, templates, sizes } = options;
  const account = await db
    .selectFrom('accounts')
    .select('id')
    .where('name', '=', BENCH_CLINIC)
    .executeTakeFirstOrThrow();
  const accountId = account.id;
  const staffRow = async (email: string) =>
    db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
  const tokenFor = async (email: string) => {
    const u = await staffRow(email);
    return idp.signIdToken({
      sub: u.cognito_sub,
      email: u.email,
      role: u.role,
      accountId: u.account_id,
      expiresIn: 6 * 3600,
    });
  };
  const users = {
    clinician: await staffRow(`clinician@${DOMAIN}`),
    admin: await staffRow(`admin@${DOMAIN}`),
    staff: await staffRow(`staff@${DOMAIN}`),
  };
  const t = {
    clinician: await tokenFor(`clinician@${DOMAIN}`),
    staff: await tokenFor(`staff@${DOMAIN}`),
    admin: await tokenFor(`admin@${DOMAIN}`),
    superAdmin: await tokenFor(SUPER_ADMIN_EMAIL),
  };
  const f = await fixtures(db, accountId);
  const patientToken = async (session: { id: string; patient_id: string }) =>
    (await issuePatientSessionToken({ sessionId: session.id, patientId: session.patient_id, accountId }, Date.now()))
      .token;
  const inProgress = await Promise.all(
    f.inProgressSessions.slice(0, 50).map(async (s) => ({ ...s, token: await patientToken(s) })),
  );
  const appointmentPatientToken = f.patientWithAppointment
    ? await patientToken({ id: f.patientWithAppointment.session_id, patient_id: f.patientWithAppointment.patient_id })
    : undefined;
  const clinicianId = f.clinicians[0] as string;

  const { readSamples: R, readWarmup: RW, writeSamples: W, writeWarmup: WW } = sizes;
  const N = W + WW;
  const read = (
    label: string,
    route: string,
    caller: string,
    request: Scenario['request'],
    extra: Partial<Scenario> = {},
  ): Scenario => ({
    label,
    route,
    kind: 'read',
    caller,
    samples: R,
    warmup: RW,
    budgetMs: sizes.readBudgetMs,
    expect: 200,
    request,
    ...extra,
  });
  const write = (
    label: string,
    route: string,
    caller: string,
    expect: number,
    request: Scenario['request'],
    extra: Partial<Scenario> = {},
  ): Scenario => ({
    label,
    route,
    kind: 'write',
    caller,
    samples: W,
    warmup: WW,
    expect,
    request,
    ...extra,
  });
  const get = (path: string, token?: string) => (): BenchRequest => ({ method: 'GET', path, token });
  const getEach = <T>(list: readonly T[], path: (item: T) => string, token?: string) => {
    const pick = cycle(list);
    return (i: number): BenchRequest => ({ method: 'GET', path: path(pick(i)), token });
  };
  const firstPageCursor = async (path: string, token: string) => {
    const page = await send(url, { method: 'GET', path, token });
    expectStatus(page, 200, `first page of ${path}`);
    return page.body.nextCursor as string;
  };
  const patientsCursor = await firstPageCursor('/v1/patients?limit=25', t.clinician);
  const dashboardCursor = await firstPageCursor('/v1/dashboard/risk-assessments?limit=25', t.clinician);
  // Free slots far ahead of the bulk appointments, for booking and rescheduling.
  const slotsPage = await send(url, {
    method: 'GET',
    path: `/v1/availability?clinicianId=${clinicianId}&from=2030-03-04&to=2030-04-30&limit=100`,
    token: t.staff,
  });
  expectStatus(slotsPage, 200, 'free slots');
  const slots = (slotsPage.body.items as { startsAt: string }[]).map((s) => s.startsAt);
  if (slots.length < 2 * N) throw new Error(`only ${slots.length} free slots for ${2 * N} bookings`);

  const scenarios: Scenario[] = [
    // ---- platform
    read('GET /health', 'GET /health', 'public', get('/health')),
    read('GET /openapi.json', 'GET /openapi.json', 'public', get('/openapi.json')),
    read('GET /v1/me', 'GET /v1/me', 'clinician', get('/v1/me', t.clinician)),
    // ---- accounts, users
    read('GET /v1/accounts', 'GET /v1/accounts', 'account_admin', get('/v1/accounts', t.admin)),
    read(
      'GET /v1/accounts (super_admin, all 50)',
      'GET /v1/accounts',
      'super_admin',
      get('/v1/accounts?limit=100', t.superAdmin),
      { explain: true },
    ),
    read(
      'GET /v1/accounts/{id}',
      'GET /v1/accounts/{accountId}',
      'account_admin',
      get(`/v1/accounts/${accountId}`, t.admin),
    ),
    read('GET /v1/users', 'GET /v1/users', 'account_admin', get('/v1/users', t.admin), { explain: true }),
    read('GET /v1/users/{id}', 'GET /v1/users/{userId}', 'account_admin', get(`/v1/users/${users.staff.id}`, t.admin)),
    read('GET /v1/clinicians', 'GET /v1/clinicians', 'office_staff', get('/v1/clinicians', t.staff), { explain: true }),
    // ---- patients
    read('GET /v1/patients', 'GET /v1/patients', 'clinician', get('/v1/patients?limit=25', t.clinician), {
      explain: true,
    }),
    read(
      'GET /v1/patients page 2 (cursor)',
      'GET /v1/patients',
      'clinician',
      get(`/v1/patients?limit=25&cursor=${encodeURIComponent(patientsCursor)}`, t.clinician),
      { explain: true },
    ),
    read('GET /v1/patients?q=gar', 'GET /v1/patients', 'clinician', get('/v1/patients?q=gar&limit=25', t.clinician), {
      explain: true,
    }),
    read(
      'GET /v1/patients?sort=createdAt',
      'GET /v1/patients',
      'clinician',
      get('/v1/patients?sort=createdAt&limit=25', t.clinician),
      { explain: true },
    ),
    read(
      'GET /v1/patients?providerId&status',
      'GET /v1/patients',
      'clinician',
      get(`/v1/patients?providerId=${clinicianId}&status=active&limit=25`, t.clinician),
      { explain: true },
    ),
    read(
      'GET /v1/patients (super_admin)',
      'GET /v1/patients',
      'super_admin',
      get('/v1/patients?limit=25', t.superAdmin),
      { explain: true },
    ),
    read(
      'GET /v1/patients/{id}',
      'GET /v1/patients/{patientId}',
      'clinician',
      getEach(f.patients, (id) => `/v1/patients/${id}`, t.clinician),
    ),
    read(
      'GET /v1/patients/{id}/timeline',
      'GET /v1/patients/{patientId}/timeline',
      'clinician',
      getEach(f.patients, (id) => `/v1/patients/${id}/timeline`, t.clinician),
      { explain: true },
    ),
    // ---- invites
    read('GET /v1/invites', 'GET /v1/invites', 'office_staff', get('/v1/invites?limit=25', t.staff), { explain: true }),
    read(
      'GET /v1/invites?status=pending',
      'GET /v1/invites',
      'office_staff',
      get('/v1/invites?status=pending&limit=25', t.staff),
      { explain: true },
    ),
    read('GET /v1/invites (super_admin)', 'GET /v1/invites', 'super_admin', get('/v1/invites?limit=25', t.superAdmin), {
      explain: true,
    }),
    read(
      'GET /v1/invites/{id}',
      'GET /v1/invites/{inviteId}',
      'office_staff',
      getEach(f.invites, (id) => `/v1/invites/${id}`, t.staff),
    ),
    read(
      'GET /v1/public/invites/{token}',
      'GET /v1/public/invites/{token}',
      'public',
      getEach(f.pendingTokens, (token) => `/v1/public/invites/${token}`),
    ),
    read(
      'GET /v1/dashboard/pending-invites',
      'GET /v1/dashboard/pending-invites',
      'office_staff',
      get('/v1/dashboard/pending-invites?limit=25', t.staff),
      { explain: true },
    ),
    read(
      'GET /v1/dashboard/pending-invites (super_admin)',
      'GET /v1/dashboard/pending-invites',
      'super_admin',
      get('/v1/dashboard/pending-invites?limit=25', t.superAdmin),
      { explain: true },
    ),
    // ---- chat
    read(
      'GET /v1/chat-sessions/{id} (staff, completed)',
      'GET /v1/chat-sessions/{sessionId}',
      'clinician',
      getEach(f.completedSessions, (id) => `/v1/chat-sessions/${id}`, t.clinician),
    ),
    read('GET /v1/chat-sessions/{id} (patient token)', 'GET /v1/chat-sessions/{sessionId}', 'patient', (i) => {
      const s = cycle(inProgress)(i);
      return { method: 'GET', path: `/v1/chat-sessions/${s.id}`, token: s.token };
    }),
    read(
      'GET /v1/patients/{id}/chat-sessions',
      'GET /v1/patients/{patientId}/chat-sessions',
      'clinician',
      getEach(f.patients, (id) => `/v1/patients/${id}/chat-sessions`, t.clinician),
      { explain: true },
    ),
    read('GET /v1/chat-questions', 'GET /v1/chat-questions', 'clinician', get('/v1/chat-questions', t.clinician)),
    // ---- eligibility
    read(
      'GET /v1/eligibility-results',
      'GET /v1/eligibility-results',
      'clinician',
      get('/v1/eligibility-results?limit=25', t.clinician),
      { explain: true },
    ),
    read(
      'GET /v1/eligibility-results?patientId',
      'GET /v1/eligibility-results',
      'clinician',
      getEach(f.patients, (id) => `/v1/eligibility-results?patientId=${id}`, t.clinician),
      { explain: true },
    ),
    read(
      'GET /v1/eligibility-results (super_admin)',
      'GET /v1/eligibility-results',
      'super_admin',
      get('/v1/eligibility-results?limit=25', t.superAdmin),
      { explain: true },
    ),
    read(
      'GET /v1/eligibility-results/{id}',
      'GET /v1/eligibility-results/{resultId}',
      'clinician',
      getEach(f.results, (id) => `/v1/eligibility-results/${id}`, t.clinician),
    ),
    read(
      'GET /v1/dashboard/risk-assessments',
      'GET /v1/dashboard/risk-assessments',
      'clinician',
      get('/v1/dashboard/risk-assessments?limit=25', t.clinician),
      { explain: true },
    ),
    read(
      'GET /v1/dashboard/risk-assessments page 2',
      'GET /v1/dashboard/risk-assessments',
      'clinician',
      get(`/v1/dashboard/risk-assessments?limit=25&cursor=${encodeURIComponent(dashboardCursor)}`, t.clinician),
      { explain: true },
    ),
    read(
      'GET /v1/dashboard/risk-assessments?providerId',
      'GET /v1/dashboard/risk-assessments',
      'clinician',
      get(`/v1/dashboard/risk-assessments?providerId=${clinicianId}&limit=25`, t.clinician),
      { explain: true },
    ),
    read(
      'GET /v1/dashboard/risk-assessments (super_admin)',
      'GET /v1/dashboard/risk-assessments',
      'super_admin',
      get('/v1/dashboard/risk-assessments?limit=25', t.superAdmin),
      { explain: true },
    ),
    // ---- scheduling
    read(
      'GET /v1/clinicians/{id}/availability',
      'GET /v1/clinicians/{clinicianId}/availability',
      'office_staff',
      getEach(f.clinicians, (id) => `/v1/clinicians/${id}/availability`, t.staff),
    ),
    read(
      'GET /v1/availability?clinicianId (7 days)',
      'GET /v1/availability',
      'office_staff',
      getEach(f.clinicians, (id) => `/v1/availability?clinicianId=${id}`, t.staff),
    ),
    read(
      'GET /v1/availability (all clinicians)',
      'GET /v1/availability',
      'office_staff',
      get('/v1/availability', t.staff),
    ),
    read('GET /v1/appointments', 'GET /v1/appointments', 'office_staff', get('/v1/appointments?limit=25', t.staff), {
      explain: true,
    }),
    read(
      'GET /v1/appointments?clinicianId&from&to',
      'GET /v1/appointments',
      'office_staff',
      getEach(
        f.clinicians,
        (id) =>
          `/v1/appointments?clinicianId=${id}&from=${new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10)}&to=${new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10)}`,
        t.staff,
      ),
      { explain: true },
    ),
    read(
      'GET /v1/appointments (super_admin)',
      'GET /v1/appointments',
      'super_admin',
      get('/v1/appointments?limit=25', t.superAdmin),
      { explain: true },
    ),
    read(
      'GET /v1/appointments/{id}',
      'GET /v1/appointments/{appointmentId}',
      'office_staff',
      getEach(f.appointments, (id) => `/v1/appointments/${id}`, t.staff),
    ),
    ...(appointmentPatientToken
      ? [
          read(
            'GET /v1/appointments (patient token)',
            'GET /v1/appointments',
            'patient',
            get('/v1/appointments', appointmentPatientToken),
            { explain: true },
          ),
        ]
      : []),
    // ---- labs
    read('GET /v1/lab-tests', 'GET /v1/lab-tests', 'clinician', get('/v1/lab-tests', t.clinician)),
    read('GET /v1/lab-orders', 'GET /v1/lab-orders', 'clinician', get('/v1/lab-orders?limit=25', t.clinician), {
      explain: true,
    }),
    read(
      'GET /v1/lab-orders?status=processing',
      'GET /v1/lab-orders',
      'clinician',
      get('/v1/lab-orders?status=processing&limit=25', t.clinician),
      { explain: true },
    ),
    read(
      'GET /v1/lab-orders (super_admin)',
      'GET /v1/lab-orders',
      'super_admin',
      get('/v1/lab-orders?limit=25', t.superAdmin),
      { explain: true },
    ),
    read(
      'GET /v1/lab-orders/{id}',
      'GET /v1/lab-orders/{orderId}',
      'clinician',
      getEach(f.orders, (id) => `/v1/lab-orders/${id}`, t.clinician),
    ),
    read(
      'GET /v1/dashboard/lab-orders',
      'GET /v1/dashboard/lab-orders',
      'clinician',
      get('/v1/dashboard/lab-orders?limit=25', t.clinician),
      { explain: true },
    ),
    read(
      'GET /v1/dashboard/lab-orders (super_admin)',
      'GET /v1/dashboard/lab-orders',
      'super_admin',
      get('/v1/dashboard/lab-orders?limit=25', t.superAdmin),
      { explain: true },
    ),
  ];
  // The audit log API (added alongside this bench): measured when the route table has it.
  if (deployedRoutes().some((r) => r.method === 'GET' && r.path === '/v1/audit-events')) {
    scenarios.push(
      read('GET /v1/audit-events', 'GET /v1/audit-events', 'account_admin', get('/v1/audit-events?limit=25', t.admin), {
        explain: true,
      }),
      read(
        'GET /v1/audit-events?patientId',
        'GET /v1/audit-events',
        'account_admin',
        getEach(f.patients, (id) => `/v1/audit-events?patientId=${id}&limit=25`, t.admin),
        { explain: true },
      ),
      read(
        'GET /v1/audit-events (super_admin)',
        'GET /v1/audit-events',
        'super_admin',
        get('/v1/audit-events?limit=25', t.superAdmin),
        { explain: true },
      ),
    );
  }

  // ---- writes: accounts and users
  let n = 0;
  const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(n += 1)}`;
  const createdUsers: string[] = [];
  scenarios.push(
    write('POST /v1/accounts', 'POST /v1/accounts', 'super_admin', 201, () => ({
      method: 'POST',
      path: '/v1/accounts',
      token: t.superAdmin,
      body: { name: unique('Bench Extra Clinic') },
    })),
    write('PATCH /v1/accounts/{id}', 'PATCH /v1/accounts/{accountId}', 'account_admin', 200, (i) => ({
      method: 'PATCH',
      path: `/v1/accounts/${accountId}`,
      token: t.admin,
      body: { settings: { displayName: `Demo ${i}` } },
    })),
    write(
      'POST /v1/users',
      'POST /v1/users',
      'account_admin',
      201,
      () => ({
        method: 'POST',
        path: '/v1/users',
        token: t.admin,
        body: { email: `${unique('user')}@${DOMAIN}`, firstName: 'Bench', lastName: 'User', role: 'office_staff' },
      }),
      {
        after: (r) => void (r.status === 201 && createdUsers.push(r.body.id)),
      },
    ),
    write('PATCH /v1/users/{id}', 'PATCH /v1/users/{userId}', 'account_admin', 200, (i) => ({
      method: 'PATCH',
      path: `/v1/users/${users.staff.id}`,
      token: t.admin,
      body: { firstName: i % 2 ? 'Sam' : 'Samuel' },
    })),
    write('DELETE /v1/users/{id}', 'DELETE /v1/users/{userId}', 'account_admin', 200, (i) => ({
      method: 'DELETE',
      path: `/v1/users/${cycle(createdUsers)(i)}`,
      token: t.admin,
    })),
  );

  // ---- patients
  scenarios.push(
    write('POST /v1/patients', 'POST /v1/patients', 'clinician', 201, () => ({
      method: 'POST',
      path: '/v1/patients',
      token: t.clinician,
      body: { firstName: 'Nora', lastName: 'Bench', email: `${unique('nora')}@example.com`, dateOfBirth: '1975-05-05' },
    })),
    write('POST /v1/patients/import (20 JSON rows)', 'POST /v1/patients/import', 'office_staff', 200, () => ({
      method: 'POST',
      path: '/v1/patients/import',
      token: t.staff,
      body: Array.from({ length: 20 }, (_, k) => ({
        first_name: 'Ivy',
        last_name: `Import${k}`,
        email: `${unique('ivy')}@example.com`,
        date_of_birth: '1980-01-01',
        provider_email: `clinician@${DOMAIN}`,
      })),
    })),
    write('PATCH /v1/patients/{id}', 'PATCH /v1/patients/{patientId}', 'clinician', 200, (i) => ({
      method: 'PATCH',
      path: `/v1/patients/${cycle(f.patients)(i)}`,
      token: t.clinician,
      body: { phone: `+1555000${String(i).padStart(4, '0')}` },
    })),
    write('POST /v1/patients/{id}/archive', 'POST /v1/patients/{patientId}/archive', 'clinician', 200, (i) => ({
      method: 'POST',
      path: `/v1/patients/${f.forArchive[i]}/archive`,
      token: t.clinician,
    })),
  );

  // ---- invites → accept → questionnaire → complete
  const newInvites: { id: string; token: string }[] = [];
  const acceptedSessions: { id: string; token: string; current: Question | null; ready: boolean }[] = [];
  scenarios.push(
    write(
      'POST /v1/invites (new patient)',
      'POST /v1/invites',
      'office_staff',
      201,
      () => ({
        method: 'POST',
        path: '/v1/invites',
        token: t.staff,
        body: { firstName: 'Ann', lastName: 'Invitee', email: `${unique('ann')}@example.com` },
      }),
      {
        samples: 2 * N - WW,
        after: (r) => void (r.status === 201 && newInvites.push({ id: r.body.id, token: tokenOfLink(r.body.link) })),
      },
    ),
    write('POST /v1/invites/bulk (10 rows)', 'POST /v1/invites/bulk', 'office_staff', 200, () => ({
      method: 'POST',
      path: '/v1/invites/bulk',
      token: t.staff,
      body: {
        invites: Array.from({ length: 10 }, () => ({
          firstName: 'Bea',
          lastName: 'Bulk',
          email: `${unique('bea')}@example.com`,
        })),
      },
    })),
    write('POST /v1/invites/{id}/resend', 'POST /v1/invites/{inviteId}/resend', 'office_staff', 200, (i) => ({
      method: 'POST',
      path: `/v1/invites/${newInvites[N + i]!.id}/resend`,
      token: t.staff,
      body: { expiresInDays: 7 },
    })),
    write('POST /v1/invites/{id}/revoke', 'POST /v1/invites/{inviteId}/revoke', 'office_staff', 200, (i) => ({
      method: 'POST',
      path: `/v1/invites/${newInvites[N + i]!.id}/revoke`,
      token: t.staff,
    })),
    write(
      'POST /v1/public/invites/{token}/accept',
      'POST /v1/public/invites/{token}/accept',
      'public',
      200,
      (i) => ({ method: 'POST', path: `/v1/public/invites/${newInvites[i]!.token}/accept` }),
      {
        after: (r) =>
          void (
            r.status === 200 &&
            acceptedSessions.push({ id: r.body.sessionId, token: r.body.sessionToken, current: null, ready: false })
          ),
      },
    ),
  );
  // Every accepted session is answered to the end, one question per request (patient token).
  const nextToAnswer = async () => {
    for (const s of acceptedSessions) {
      if (s.ready) continue;
      if (!s.current) {
        const doc = (await send(url, { method: 'GET', path: `/v1/chat-sessions/${s.id}`, token: s.token })).body;
        s.current = doc.currentQuestion;
        s.ready = doc.readyToComplete;
        if (s.ready) continue;
      }
      return s;
    }
    return undefined;
  };
  let answering: (typeof acceptedSessions)[number] | undefined;
  scenarios.push(
    write(
      'POST /v1/chat-sessions/{id}/answers',
      'POST /v1/chat-sessions/{sessionId}/answers',
      'patient',
      200,
      async () => {
        answering = await nextToAnswer();
        if (!answering?.current) return null;
        return {
          method: 'POST',
          path: `/v1/chat-sessions/${answering.id}/answers`,
          token: answering.token,
          body: { questionId: answering.current.id, answer: answerFor(answering.current) },
        };
      },
      {
        // Until every accepted session is ready to complete.
        samples: Number.MAX_SAFE_INTEGER,
        after: (r) => {
          if (!answering || r.status !== 200) return;
          answering.current = r.body.currentQuestion;
          answering.ready = r.body.readyToComplete;
        },
      },
    ),
    write(
      'PUT /v1/chat-sessions/{id}/answers/{questionId}',
      'PUT /v1/chat-sessions/{sessionId}/answers/{questionId}',
      'patient',
      200,
      async (i) => {
        const s = cycle(acceptedSessions)(i);
        const doc = (await send(url, { method: 'GET', path: `/v1/chat-sessions/${s.id}`, token: s.token })).body;
        const age = (doc.answers as { questionId: number; questionKey: string; answer: unknown }[]).find(
          (a) => a.questionKey === 'age',
        );
        if (!age) throw new Error('no age answer to change');
        return {
          method: 'PUT',
          path: `/v1/chat-sessions/${s.id}/answers/${age.questionId}`,
          token: s.token,
          body: { answer: age.answer === 45 ? 46 : 45 },
        };
      },
    ),
    write(
      'POST /v1/chat-sessions/{id}/complete',
      'POST /v1/chat-sessions/{sessionId}/complete',
      'patient',
      200,
      (i) => {
        const s = acceptedSessions[i]!;
        return { method: 'POST', path: `/v1/chat-sessions/${s.id}/complete`, token: s.token };
      },
    ),
    write('POST /v1/chat-sessions/{id}/abandon', 'POST /v1/chat-sessions/{sessionId}/abandon', 'patient', 200, (i) => {
      const s = inProgress[i]!;
      return { method: 'POST', path: `/v1/chat-sessions/${s.id}/abandon`, token: s.token };
    }),
    write('POST /v1/chat-sessions (provider-led)', 'POST /v1/chat-sessions', 'clinician', 201, (i) => ({
      method: 'POST',
      path: '/v1/chat-sessions',
      token: t.clinician,
      body: { patientId: f.forChat[i], source: 'provider' },
    })),
  );

  // ---- eligibility, risk models
  scenarios.push(
    write('POST /v1/eligibility/evaluate', 'POST /v1/eligibility/evaluate', 'clinician', 200, () => ({
      method: 'POST',
      path: '/v1/eligibility/evaluate',
      token: t.clinician,
      body: templates.riskProfile,
    })),
    write(
      'POST /v1/eligibility-results/{id}/review',
      'POST /v1/eligibility-results/{resultId}/review',
      'clinician',
      200,
      (i) => ({
        method: 'POST',
        path: `/v1/eligibility-results/${f.unreviewedResults[i]}/review`,
        token: t.clinician,
        body: { notes: 'Agree: refer for testing', agree: true },
      }),
    ),
    write('POST /v1/risk-models/bcrat', 'POST /v1/risk-models/bcrat', 'clinician', 200, () => ({
      method: 'POST',
      path: '/v1/risk-models/bcrat',
      token: t.clinician,
      body: {
        race: 'white',
        age: 40,
        ageAtMenarche: 11,
        ageAtFirstLiveBirth: null,
        nulliparous: true,
        biopsies: 1,
        atypicalHyperplasia: false,
        affectedFirstDegreeRelatives: 1,
        breastCancerHistory: false,
        knownBrcaVariant: null,
        chestRadiationBefore30: null,
      },
    })),
  );

  // ---- scheduling: book → reschedule → cancel
  const booked: string[] = [];
  const rebooked: string[] = [];
  scenarios.push(
    write(
      'PUT /v1/clinicians/{id}/availability',
      'PUT /v1/clinicians/{clinicianId}/availability',
      'office_staff',
      200,
      () => ({
        method: 'PUT',
        path: `/v1/clinicians/${clinicianId}/availability`,
        token: t.staff,
        body: { timeZone: 'America/New_York', daysOfWeek: [0, 1, 2, 3, 4], timeSlots: ['09:00-16:00'] },
      }),
    ),
    write(
      'POST /v1/appointments',
      'POST /v1/appointments',
      'office_staff',
      201,
      (i) => ({
        method: 'POST',
        path: '/v1/appointments',
        token: t.staff,
        body: { patientId: f.forAppointments[i], clinicianId, startsAt: slots[i], appointmentType: 'virtual' },
      }),
      {
        after: (r) => void (r.status === 201 && booked.push(r.body.id)),
      },
    ),
    write(
      'POST /v1/appointments/{id}/reschedule',
      'POST /v1/appointments/{appointmentId}/reschedule',
      'office_staff',
      200,
      (i) => ({
        method: 'POST',
        path: `/v1/appointments/${booked[i]}/reschedule`,
        token: t.staff,
        body: { startsAt: slots[N + i] },
      }),
      {
        after: (r) => void (r.status === 200 && rebooked.push(r.body.id)),
      },
    ),
    // Notes on the rescheduled appointments while they are still scheduled, then they are cancelled.
    write('PATCH /v1/appointments/{id} (notes)', 'PATCH /v1/appointments/{appointmentId}', 'clinician', 200, (i) => ({
      method: 'PATCH',
      path: `/v1/appointments/${rebooked[i]}`,
      token: t.clinician,
      body: { notes: `Bring family history (${i})` },
    })),
    write(
      'POST /v1/appointments/{id}/cancel',
      'POST /v1/appointments/{appointmentId}/cancel',
      'office_staff',
      200,
      (i) => ({
        method: 'POST',
        path: `/v1/appointments/${rebooked[i]}/cancel`,
        token: t.staff,
        body: { reason: 'Patient request' },
      }),
    ),
  );

  // ---- labs
  const orders: string[] = [];
  const createdTests: string[] = [];
  scenarios.push(
    write(
      'POST /v1/lab-orders',
      'POST /v1/lab-orders',
      'clinician',
      201,
      (i) => ({
        method: 'POST',
        path: '/v1/lab-orders',
        token: t.clinician,
        body: {
          patientId: f.forOrders[i],
          labId: 'sandbox',
          testType: 'breast-ovarian-panel',
          insuranceInformation: INSURANCE,
        },
      }),
      {
        after: (r) => void (r.status === 201 && orders.push(r.body.id)),
      },
    ),
    write('POST /v1/lab-orders/{id}/cancel', 'POST /v1/lab-orders/{orderId}/cancel', 'clinician', 200, (i) => ({
      method: 'POST',
      path: `/v1/lab-orders/${orders[i]}/cancel`,
      token: t.clinician,
    })),
    write('POST /v1/lab-results/{id}/review', 'POST /v1/lab-results/{resultId}/review', 'clinician', 200, (i) => ({
      method: 'POST',
      path: `/v1/lab-results/${f.availableLabResults[i]}/review`,
      token: t.clinician,
      body: { clinicalSignificance: 'No pathogenic variant', notes: 'Discussed' },
    })),
    write(
      'POST /v1/lab-tests',
      'POST /v1/lab-tests',
      'super_admin',
      201,
      () => ({
        method: 'POST',
        path: '/v1/lab-tests',
        token: t.superAdmin,
        body: {
          labId: 'cedar-genomics',
          testType: unique('bench-panel'),
          name: 'Bench Panel',
          genes: ['BRCA1', 'BRCA2'],
        },
      }),
      {
        after: (r) => void (r.status === 201 && createdTests.push(r.body.id)),
      },
    ),
    write('PATCH /v1/lab-tests/{id}', 'PATCH /v1/lab-tests/{labTestId}', 'super_admin', 200, (i) => ({
      method: 'PATCH',
      path: `/v1/lab-tests/${cycle(createdTests)(i)}`,
      token: t.superAdmin,
      body: { name: `Bench Panel ${i}` },
    })),
    {
      ...write('POST /webhooks/labs/{labId} (signed result)', 'POST /webhooks/labs/{labId}', 'lab (HMAC)', 200, (i) =>
        labResultRequest(f.processingOrders[i]!),
      ),
      kind: 'webhook',
    },
  );

  // ---- question bank (last: drafts change nothing for sessions, but keep them out of the journeys above)
  const drafts: number[] = [];
  scenarios.push(
    write(
      'POST /v1/chat-questions (draft)',
      'POST /v1/chat-questions',
      'super_admin',
      201,
      () => ({
        method: 'POST',
        path: '/v1/chat-questions',
        token: t.superAdmin,
        body: {
          key: unique('bench_q').replaceAll('-', '_'),
          text: 'Do you smoke?',
          questionType: 'yes_no',
          allowUnknown: true,
          category: 'lifestyle',
          next: { rules: [], default: 'END' },
        },
      }),
      {
        after: (r) => void (r.status === 201 && drafts.push(r.body.id)),
      },
    ),
    write('PATCH /v1/chat-questions/{id}', 'PATCH /v1/chat-questions/{questionId}', 'super_admin', 200, (i) => ({
      method: 'PATCH',
      path: `/v1/chat-questions/${cycle(drafts)(i)}`,
      token: t.superAdmin,
      body: { text: `Do you smoke? (${i})` },
    })),
  );
  return scenarios;
}
