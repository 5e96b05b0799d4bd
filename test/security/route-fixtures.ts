/**
 * How to call every route of the route table on an object of a given account: the authorization matrix and the
 * hostile-input suite both build their requests from here.
 *
 * - A *world* per clinic (Demo Clinic = A, Lakeside Clinic = B) is created once per test file through the API:
 *   an invited patient who accepted (session + session token), a second patient with their own session, a user,
 *   an appointment, an eligibility result, a lab order with a result, the clinic's clinician and its availability.
 * - A *fixture* per operationId says what the request refers to (`scope`), how a patient session may use it
 *   (`patient`), and builds a VALID request for an object of a world, so that an allowed caller reaches the
 *   operation and a caller of another clinic gets the operation's 404 rather than a validation error.
 * - Mutating routes whose success changes the object (archive, revoke, cancel, answer, review…) get `fresh`
 *   objects for their allowed calls, so the matrix does not depend on its order.
 *
 * Every route of `functions/routes.ts` (deployed or local-only) must have a fixture here: `missingFixtures()` names
 * the ones that do not, and both suites fail on them.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { RouteDef } from '../../functions/core/http/route.ts';
import type { UserRole } from '../../functions/core/database.ts';
import { issuePatientSessionToken } from '../../functions/core/auth/patient-token.ts';
import { signedDelivery } from '../../functions/labs/sandbox-lab.ts';
import type { ApiResponse, TestApi } from '../support/api.ts';

// ---------------------------------------------------------------------------------------------------------------
// Worlds
// ---------------------------------------------------------------------------------------------------------------

export type AccountKey = 'A' | 'B';
export const ACCOUNT_KEYS: readonly AccountKey[] = ['A', 'B'];
export const otherKey = (key: AccountKey): AccountKey => (key === 'A' ? 'B' : 'A');
export const CLINICS: Record<AccountKey, { name: string; domain: string }> = {
  A: { name: 'Demo Clinic', domain: 'demo-clinic.test' },
  B: { name: 'Lakeside Clinic', domain: 'lakeside-clinic.test' },
};
export const SUPER_ADMIN = 'superadmin@genascope.test';
export type ClinicRole = Exclude<UserRole, 'super_admin'>;
export const CLINIC_ROLES: readonly ClinicRole[] = ['account_admin', 'clinician', 'office_staff'];
const ROLE_LOCAL: Record<ClinicRole, string> = {
  account_admin: 'admin',
  clinician: 'clinician',
  office_staff: 'staff',
};
export const staffEmail = (key: AccountKey, role: ClinicRole) => `${ROLE_LOCAL[role]}@${CLINICS[key].domain}`;

/** A patient who was invited and accepted: the invite link token and the session token are theirs. */
export interface PatientSession {
  patientId: string;
  firstName: string;
  lastName: string;
  email: string;
  inviteId: string;
  inviteToken: string;
  sessionId: string;
  sessionToken: string;
}

export interface World {
  key: AccountKey;
  accountId: string;
  accountName: string;
  domain: string;
  staffIds: Record<ClinicRole, string>;
  /** An office_staff user created for the user routes to act on. */
  userId: string;
  userFirstName: string;
  /** Invited, accepted, first question unanswered; has the appointment, the eligibility result and the lab order. */
  patient: PatientSession;
  /** Another patient of the clinic with a session of their own ("another session"). */
  otherPatient: PatientSession;
  /** The clinic's seeded clinician. */
  clinicianId: string;
  /** The clinician's current weekly pattern, as PUT /availability takes it. */
  availability: Record<string, unknown>;
  appointmentId: string;
  eligibilityResultId: string;
  labOrderId: string;
  labResultId: string;
  /** The sandbox delivery id of the lab result: re-sending it is a duplicate that writes nothing. */
  labWebhookId: string;
  /** Patient data of this world that must never appear in logs. */
  phi: string[];
}

export interface Globals {
  labTestId: string;
  labTestName: string;
  questionId: number;
  questionText: string;
  /** The first question of the bank and a valid answer to it. */
  firstQuestion: { id: number; answer: unknown };
  superAdminSub: string;
}

export interface Env {
  api: TestApi;
  worlds: Record<AccountKey, World>;
  globals: Globals;
  /** A string unique in this run (names, e-mails, keys). */
  unique(prefix: string): string;
  /** The start of a free slot of the world's clinician, never handed out twice. */
  nextSlot(world: World): string;
  /** Waits until lab-order workflows are idle (submitted and waiting, or finished): no background writes. */
  settle(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// Callers
// ---------------------------------------------------------------------------------------------------------------

/**
 * A caller relative to the object's account ("own") and the other account. Patient callers: the session of the
 * object (`patient_own`), another session of the same clinic, a session of the other clinic.
 */
export type CallerId =
  | `staff:${ClinicRole}@own`
  | `staff:${ClinicRole}@other`
  | 'staff:super_admin'
  | 'patient:own'
  | 'patient:other_session'
  | 'patient:other_account'
  | 'anonymous:none'
  | 'anonymous:expired_staff'
  | 'anonymous:tampered_staff'
  | 'anonymous:expired_patient'
  | 'anonymous:tampered_patient';

export const CALLERS: readonly CallerId[] = [
  'staff:account_admin@own',
  'staff:clinician@own',
  'staff:office_staff@own',
  'staff:account_admin@other',
  'staff:clinician@other',
  'staff:office_staff@other',
  'staff:super_admin',
  'patient:own',
  'patient:other_session',
  'patient:other_account',
  'anonymous:none',
  'anonymous:expired_staff',
  'anonymous:tampered_staff',
  'anonymous:expired_patient',
  'anonymous:tampered_patient',
];

/** Who is calling, resolved for one object world. */
export interface Caller {
  id: CallerId;
  kind: 'staff' | 'patient' | 'anonymous';
  role?: UserRole;
  /** The caller's clinic (null for super_admin and anonymous callers). */
  accountKey: AccountKey | null;
  /** Patient callers: their patient and session. */
  patientId?: string;
  sessionId?: string;
}

export function describeCaller(id: CallerId, objectKey: AccountKey, object: World, env: Env): Caller {
  const other = otherKey(objectKey);
  if (id === 'staff:super_admin') return { id, kind: 'staff', role: 'super_admin', accountKey: null };
  const staff = /^staff:(\w+)@(own|other)$/.exec(id);
  if (staff)
    return { id, kind: 'staff', role: staff[1] as ClinicRole, accountKey: staff[2] === 'own' ? objectKey : other };
  if (id === 'patient:own')
    return {
      id,
      kind: 'patient',
      accountKey: objectKey,
      patientId: object.patient.patientId,
      sessionId: object.patient.sessionId,
    };
  if (id === 'patient:other_session') {
    const p = env.worlds[objectKey].otherPatient;
    return { id, kind: 'patient', accountKey: objectKey, patientId: p.patientId, sessionId: p.sessionId };
  }
  if (id === 'patient:other_account') {
    const p = env.worlds[other].patient;
    return { id, kind: 'patient', accountKey: other, patientId: p.patientId, sessionId: p.sessionId };
  }
  return { id, kind: 'anonymous', accountKey: null };
}

function b64json(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Keeps header and signature, swaps payload claims: the signature no longer matches. */
export function tamper(token: string, claims: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const forged = Buffer.from(
    JSON.stringify({ ...b64json(payload), ...claims, exp: Math.floor(Date.now() / 1000) + 86_400 }),
  ).toString('base64url');
  return `${header}.${forged}.${signature}`;
}

/** The bearer token of a caller for an object of `object` (undefined: no Authorization header). */
export async function tokenFor(
  env: Env,
  id: CallerId,
  objectKey: AccountKey,
  object: World,
): Promise<string | undefined> {
  const { api } = env;
  const other = otherKey(objectKey);
  const staff = /^staff:(\w+)@(own|other)$/.exec(id);
  if (staff) return api.token(staffEmail(staff[2] === 'own' ? objectKey : other, staff[1] as ClinicRole));
  switch (id) {
    case 'staff:super_admin':
      return api.token(SUPER_ADMIN);
    case 'patient:own':
      return object.patient.sessionToken;
    case 'patient:other_session':
      return env.worlds[objectKey].otherPatient.sessionToken;
    case 'patient:other_account':
      return env.worlds[other].patient.sessionToken;
    case 'anonymous:none':
      return undefined;
    case 'anonymous:expired_staff': {
      const row = await api.db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', staffEmail(objectKey, 'account_admin'))
        .executeTakeFirstOrThrow();
      return api.app.identityProvider.signIdToken({
        sub: row.cognito_sub,
        email: row.email,
        role: row.role,
        accountId: row.account_id,
        expiresIn: -60,
      });
    }
    case 'anonymous:tampered_staff':
      // A clinician's real token whose subject now claims to be the platform operator.
      return tamper(await api.token(staffEmail(objectKey, 'clinician')), {
        sub: env.globals.superAdminSub,
        'cognito:groups': ['super_admin'],
      });
    case 'anonymous:expired_patient': {
      const p = object.patient;
      const issued = await issuePatientSessionToken(
        { sessionId: p.sessionId, patientId: p.patientId, accountId: object.accountId },
        Date.now() - 3 * 3600_000,
      );
      return issued.token;
    }
    case 'anonymous:tampered_patient':
      // Another session's genuine token, re-pointed at the object's session.
      return tamper(env.worlds[objectKey].otherPatient.sessionToken, {
        sub: object.patient.sessionId,
        patient_id: object.patient.patientId,
      });
    default:
      throw new Error(`Unknown caller ${String(id)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------------------

/**
 * - `object`: the request names an object of the world's clinic (path id, or an id in the query or body): staff of
 *   another clinic get 404.
 * - `collection`: lists, creations in the caller's own clinic, the caller's identity: allowed for every allowed
 *   role, and no object of another clinic may appear in the body.
 * - `global`: platform-wide data (lab catalogue, question bank, stateless calculations, new accounts).
 * - `public`: no authentication (tokens are ignored).
 * - `webhook`: only a lab's signature authenticates.
 */
export type Scope = 'object' | 'collection' | 'global' | 'public' | 'webhook';

/**
 * What a patient session may do on a `staff_or_patient` route: its own `session`, objects of its own `patient`,
 * objects of its own clinic (`account`), or a `collection` filtered to itself.
 */
export type PatientAccess = 'session' | 'patient' | 'account' | 'collection';

export interface RequestSpec {
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** A JSON body. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface BuildContext {
  env: Env;
  world: World;
  caller: Caller;
}

export interface RouteFixture {
  scope: Scope;
  patient?: PatientAccess;
  request(ctx: BuildContext): RequestSpec | Promise<RequestSpec>;
  /** Fresh objects for an allowed call that changes its object: returns the world to build the request from. */
  fresh?(env: Env, world: World): Promise<World>;
  /** Statuses of an allowed call other than 2xx (the operation refuses for a reason that is not authorization). */
  allowedStatus?: readonly number[];
  /** Batch routes answer 200 with per-row results: how another clinic's object shows as refused. */
  crossAccountRefusal?(response: ApiResponse): boolean;
  /** Public routes: what the answer must (not) reveal, given the world the request was built for. */
  publicCheck?(response: ApiResponse, world: World, env: Env): string | undefined;
  /** For hostile input: re-sign a webhook body after changing it. */
  sign?(rawBody: string, env: Env): Promise<Record<string, string>>;
}

const PAGE = { limit: '100' };
const isSuper = (caller: Caller) => caller.role === 'super_admin';
const superOnly = (caller: Caller, value: Record<string, string>) => (isSuper(caller) ? value : {});

const ELIGIBILITY_PROFILE = {
  version: 1,
  sex: 'female',
  age: 38,
  ashkenaziJewish: false,
  race: null,
  personalCancers: [{ type: 'breast', ageAtDiagnosis: 36 }],
  relatives: [
    {
      relationship: 'maternal_first_cousin',
      cancers: [{ type: 'breast', ageAtDiagnosis: 44 }],
      sex: 'female',
      throughTwoMales: false,
    },
  ],
  knownFamilialVariant: { present: false },
  priorGeneticTesting: 'none',
};
const BCRAT_INPUT = {
  race: 'white',
  age: 40,
  ageAtMenarche: 12,
  ageAtFirstLiveBirth: 25,
  nulliparous: false,
  biopsies: 0,
  atypicalHyperplasia: null,
  affectedFirstDegreeRelatives: 0,
};
const INSURANCE = {
  payer: 'Acme Health',
  memberId: 'MTRX0042',
  groupNumber: 'GRP-7',
  policyHolder: { relationship: 'self' },
};

/** The result webhook a lab sends for the world's order (its delivery id makes it a duplicate: nothing is written). */
function webhookBody(world: World) {
  return {
    type: 'lab_result.reported',
    timestamp: new Date().toISOString(),
    data: {
      orderId: world.labOrderId,
      reportStatus: 'final',
      reportedAt: new Date().toISOString(),
      interpretation: 'negative',
      summary: 'No variants',
      variants: [],
    },
  };
}

export const fixtures: Record<string, RouteFixture> = {
  // Platform
  getHealth: { scope: 'public', request: () => ({}) },
  getOpenApi: { scope: 'public', request: () => ({}) },
  getMe: { scope: 'collection', request: () => ({}) },

  // Accounts
  listAccounts: { scope: 'collection', request: () => ({ query: PAGE }) },
  createAccount: {
    scope: 'global',
    request: ({ env }) => ({ body: { name: env.unique('Matrix Clinic '), maxUsers: 5, settings: { theme: 'blue' } } }),
  },
  getAccount: { scope: 'object', request: ({ world }) => ({ params: { accountId: world.accountId } }) },
  updateAccount: {
    scope: 'object',
    request: ({ world }) => ({ params: { accountId: world.accountId }, body: { name: world.accountName } }),
  },

  // Users
  listUsers: { scope: 'collection', request: ({ world }) => ({ query: { ...PAGE, accountId: world.accountId } }) },
  createUser: {
    scope: 'collection',
    request: ({ env, world, caller }) => ({
      body: {
        email: `${env.unique('matrix.user.')}@${world.domain}`,
        firstName: 'Matrix',
        lastName: 'User',
        role: 'office_staff',
        ...superOnly(caller, { accountId: world.accountId }),
      },
    }),
  },
  getUser: { scope: 'object', request: ({ world }) => ({ params: { userId: world.userId } }) },
  updateUser: {
    scope: 'object',
    request: ({ world }) => ({ params: { userId: world.userId }, body: { firstName: world.userFirstName } }),
  },
  deactivateUser: {
    scope: 'object',
    request: ({ world }) => ({ params: { userId: world.userId } }),
    fresh: async (env, world) => ({ ...world, userId: await createUser(env, world) }),
  },
  listClinicians: { scope: 'collection', request: ({ world }) => ({ query: { ...PAGE, accountId: world.accountId } }) },

  // Patients
  listPatients: {
    scope: 'collection',
    request: ({ world }) => ({ query: { ...PAGE, sort: 'createdAt', accountId: world.accountId } }),
  },
  createPatient: {
    scope: 'collection',
    request: ({ env, world, caller }) => {
      const last = env.unique('Matrixpat');
      return {
        body: {
          firstName: 'Matrix',
          lastName: last,
          email: `${last.toLowerCase()}@patients.example`,
          dateOfBirth: '1980-01-02',
          ...superOnly(caller, { accountId: world.accountId }),
        },
      };
    },
  },
  importPatients: {
    scope: 'collection',
    request: ({ env, world, caller }) => {
      const last = env.unique('Importpat');
      return {
        query: superOnly(caller, { accountId: world.accountId }),
        body: [
          {
            first_name: 'Imported',
            last_name: last,
            email: `${last.toLowerCase()}@patients.example`,
            date_of_birth: '1975-05-06',
          },
        ],
      };
    },
  },
  getPatient: { scope: 'object', request: ({ world }) => ({ params: { patientId: world.patient.patientId } }) },
  updatePatient: {
    scope: 'object',
    request: ({ world }) => ({
      params: { patientId: world.patient.patientId },
      body: { firstName: world.patient.firstName },
    }),
  },
  archivePatient: {
    scope: 'object',
    request: ({ world }) => ({ params: { patientId: world.patient.patientId } }),
    fresh: async (env, world) => ({
      ...world,
      patient: { ...world.patient, patientId: await createPatient(env, world) },
    }),
  },
  getPatientTimeline: {
    scope: 'object',
    request: ({ world }) => ({ params: { patientId: world.patient.patientId }, query: { limit: '50' } }),
  },

  // Invites
  createInvite: {
    scope: 'object',
    request: ({ world }) => ({ body: { patientId: world.patient.patientId, sendEmail: false } }),
    fresh: async (env, world) => ({
      ...world,
      patient: { ...world.patient, patientId: await createPatient(env, world) },
    }),
  },
  bulkCreateInvites: {
    scope: 'object',
    request: ({ world }) => ({ body: { invites: [{ patientId: world.patient.patientId, sendEmail: false }] } }),
    fresh: async (env, world) => ({
      ...world,
      patient: { ...world.patient, patientId: await createPatient(env, world) },
    }),
    crossAccountRefusal: (response) =>
      response.status === 200 &&
      Array.isArray(response.body?.rows) &&
      response.body.rows.length === 1 &&
      response.body.rows[0].status === 'failed' &&
      response.body.rows[0].httpStatus === 404,
  },
  listInvites: { scope: 'collection', request: ({ world }) => ({ query: { ...PAGE, accountId: world.accountId } }) },
  getInvite: { scope: 'object', request: ({ world }) => ({ params: { inviteId: world.patient.inviteId } }) },
  resendInvite: {
    scope: 'object',
    request: ({ world }) => ({
      params: { inviteId: world.patient.inviteId },
      body: { expiresInDays: 7, sendEmail: false },
    }),
    fresh: async (env, world) => ({ ...world, patient: await invitePatient(env, world, { accept: false }) }),
  },
  revokeInvite: {
    scope: 'object',
    request: ({ world }) => ({ params: { inviteId: world.patient.inviteId } }),
    fresh: async (env, world) => ({ ...world, patient: await invitePatient(env, world, { accept: false }) }),
  },
  verifyPublicInvite: {
    scope: 'public',
    request: ({ world }) => ({ params: { token: world.patient.inviteToken } }),
    publicCheck: (response, world, env) => {
      if (response.status !== 200) return `expected 200, got ${response.status}`;
      const other = env.worlds[otherKey(world.key)];
      if (response.body.clinicName !== world.accountName || response.body.patientFirstName !== world.patient.firstName)
        return 'answers another invite';
      if (response.text.includes(other.accountName) || response.text.includes(other.patient.firstName))
        return "names the other clinic's data";
      return undefined;
    },
  },
  acceptPublicInvite: {
    scope: 'public',
    request: ({ world }) => ({ params: { token: world.patient.inviteToken } }),
    publicCheck: (response, world) => {
      if (response.status !== 200) return `expected 200, got ${response.status}`;
      return response.body.sessionId === world.patient.sessionId ? undefined : 'resumed another session';
    },
  },
  dashboardPendingInvites: {
    scope: 'collection',
    request: ({ world }) => ({ query: { ...PAGE, accountId: world.accountId } }),
  },

  // Assessment chat
  startChatSession: {
    scope: 'object',
    request: ({ world }) => ({ body: { patientId: world.patient.patientId, source: 'provider' } }),
  },
  getChatSession: {
    scope: 'object',
    patient: 'session',
    request: ({ world }) => ({ params: { sessionId: world.patient.sessionId } }),
  },
  answerChatQuestion: {
    scope: 'object',
    patient: 'session',
    request: ({ env, world }) => ({
      params: { sessionId: world.patient.sessionId },
      body: { questionId: env.globals.firstQuestion.id, answer: env.globals.firstQuestion.answer },
    }),
    fresh: async (env, world) => ({ ...world, patient: await invitePatient(env, world, { accept: true }) }),
  },
  changeChatAnswer: {
    scope: 'object',
    patient: 'session',
    request: ({ env, world }) => ({
      params: { sessionId: world.patient.sessionId, questionId: String(env.globals.firstQuestion.id) },
      body: { answer: env.globals.firstQuestion.answer },
    }),
    fresh: async (env, world) => {
      const patient = await invitePatient(env, world, { accept: true });
      await answerFirstQuestion(env, patient);
      return { ...world, patient };
    },
  },
  // The world's session is not finished: an allowed caller reaches the operation, which answers 409.
  completeChatSession: {
    scope: 'object',
    patient: 'session',
    allowedStatus: [409],
    request: ({ world }) => ({ params: { sessionId: world.patient.sessionId } }),
  },
  abandonChatSession: {
    scope: 'object',
    patient: 'session',
    request: ({ world }) => ({ params: { sessionId: world.patient.sessionId } }),
    fresh: async (env, world) => ({ ...world, patient: await invitePatient(env, world, { accept: true }) }),
  },
  listPatientChatSessions: {
    scope: 'object',
    request: ({ world }) => ({ params: { patientId: world.patient.patientId }, query: { limit: '50' } }),
  },
  listChatQuestions: { scope: 'global', request: () => ({}) },
  createChatQuestion: {
    scope: 'global',
    request: ({ env }) => ({
      body: {
        key: env.unique('matrix_q_').toLowerCase(),
        text: 'Matrix draft question?',
        questionType: 'yes_no',
        allowUnknown: false,
        category: 'matrix',
      },
    }),
  },
  updateChatQuestion: {
    scope: 'global',
    request: ({ env }) => ({
      params: { questionId: String(env.globals.questionId) },
      body: { text: env.globals.questionText },
    }),
  },

  // Eligibility and risk
  evaluateEligibility: { scope: 'global', request: () => ({ body: ELIGIBILITY_PROFILE }) },
  listEligibilityResults: { scope: 'collection', request: () => ({ query: PAGE }) },
  getEligibilityResult: {
    scope: 'object',
    request: ({ world }) => ({ params: { resultId: world.eligibilityResultId } }),
  },
  reviewEligibilityResult: {
    scope: 'object',
    request: ({ world }) => ({
      params: { resultId: world.eligibilityResultId },
      body: { notes: 'Agree with the assessment', agree: true },
    }),
    fresh: async (env, world) => ({ ...world, eligibilityResultId: await insertEligibilityResult(env, world) }),
  },
  riskAssessmentDashboard: { scope: 'collection', request: () => ({ query: PAGE }) },
  calculateBcrat: { scope: 'global', request: () => ({ body: BCRAT_INPUT }) },

  // Scheduling
  getClinicianAvailability: {
    scope: 'object',
    patient: 'account',
    request: ({ world }) => ({ params: { clinicianId: world.clinicianId } }),
  },
  putClinicianAvailability: {
    scope: 'object',
    request: ({ world }) => ({ params: { clinicianId: world.clinicianId }, body: world.availability }),
  },
  listFreeSlots: {
    scope: 'object',
    patient: 'account',
    request: ({ world }) => ({ query: { clinicianId: world.clinicianId, limit: '5' } }),
  },
  createAppointment: {
    scope: 'object',
    patient: 'patient',
    request: ({ env, world }) => ({
      body: {
        patientId: world.patient.patientId,
        clinicianId: world.clinicianId,
        startsAt: env.nextSlot(world),
        appointmentType: 'virtual',
        notes: 'Matrix booking',
      },
    }),
  },
  listAppointments: {
    scope: 'collection',
    patient: 'collection',
    request: ({ world }) => ({ query: { ...PAGE, accountId: world.accountId } }),
  },
  getAppointment: {
    scope: 'object',
    patient: 'patient',
    request: ({ world }) => ({ params: { appointmentId: world.appointmentId } }),
  },
  rescheduleAppointment: {
    scope: 'object',
    patient: 'patient',
    request: ({ env, world }) => ({
      params: { appointmentId: world.appointmentId },
      body: { startsAt: env.nextSlot(world) },
    }),
    fresh: async (env, world) => ({ ...world, appointmentId: await bookAppointment(env, world) }),
  },
  cancelAppointment: {
    scope: 'object',
    patient: 'patient',
    request: ({ world }) => ({
      params: { appointmentId: world.appointmentId },
      body: { reason: 'Matrix cancellation' },
    }),
    fresh: async (env, world) => ({ ...world, appointmentId: await bookAppointment(env, world) }),
  },
  updateAppointment: {
    scope: 'object',
    request: ({ world }) => ({ params: { appointmentId: world.appointmentId }, body: { notes: 'Matrix note' } }),
  },

  // Labs
  listLabTests: { scope: 'global', request: () => ({ query: PAGE }) },
  createLabTest: {
    scope: 'global',
    request: ({ env }) => ({
      body: {
        labId: 'sandbox',
        testType: env.unique('matrix-').toLowerCase(),
        name: 'Matrix panel',
        genes: ['BRCA1', 'BRCA2'],
      },
    }),
  },
  updateLabTest: {
    scope: 'global',
    request: ({ env }) => ({ params: { labTestId: env.globals.labTestId }, body: { name: env.globals.labTestName } }),
  },
  createLabOrder: {
    scope: 'object',
    request: ({ world }) => ({
      body: {
        patientId: world.patient.patientId,
        labId: 'sandbox',
        testType: 'lynch-panel',
        insuranceInformation: INSURANCE,
        notes: 'Matrix order',
      },
    }),
  },
  listLabOrders: { scope: 'collection', request: ({ world }) => ({ query: { ...PAGE, accountId: world.accountId } }) },
  getLabOrder: { scope: 'object', request: ({ world }) => ({ params: { orderId: world.labOrderId } }) },
  cancelLabOrder: {
    scope: 'object',
    request: ({ world }) => ({ params: { orderId: world.labOrderId } }),
    fresh: async (env, world) => ({ ...world, labOrderId: await orderLabTest(env, world) }),
  },
  reviewLabResult: {
    scope: 'object',
    request: ({ world }) => ({
      params: { resultId: world.labResultId },
      body: { clinicalSignificance: 'Benign', notes: 'Matrix review' },
    }),
    fresh: async (env, world) => ({ ...world, labResultId: await amendLabResult(env, world) }),
  },
  dashboardLabOrders: {
    scope: 'collection',
    request: ({ world }) => ({ query: { ...PAGE, accountId: world.accountId } }),
  },

  // Lab webhook: signed with the sandbox lab's secret; the delivery id of the world's result makes it a duplicate.
  receiveLabResultWebhook: {
    scope: 'webhook',
    request: async ({ env, world }) => {
      const body = webhookBody(world);
      return {
        params: { labId: 'sandbox' },
        body,
        headers: (await signedDelivery('sandbox', JSON.stringify(body), world.labWebhookId)).headers,
      };
    },
    sign: async (rawBody) => (await signedDelivery('sandbox', rawBody)).headers,
  },

  // Audit trail
  listAuditEvents: {
    scope: 'collection',
    request: ({ world }) => ({ query: { ...PAGE, accountId: world.accountId } }),
  },

  // Local-only (never deployed): public by design.
  devToken: { scope: 'public', request: ({ world }) => ({ body: { email: staffEmail(world.key, 'clinician') } }) },
  devOutbox: { scope: 'public', request: () => ({ query: { limit: '5' } }) },
  devCompleteLabOrder: {
    scope: 'public',
    request: ({ world }) => ({
      params: { labId: 'sandbox', orderId: world.labOrderId },
      body: { webhookId: world.labWebhookId },
    }),
  },
};

/** Routes of the route table without a fixture, and fixtures of operations that no longer exist. */
export function fixtureProblems(routes: readonly RouteDef[]): string[] {
  const problems: string[] = [];
  for (const route of routes) {
    if (!fixtures[route.operationId]) {
      problems.push(
        `${route.method} ${route.path} (${route.operationId}${route.localOnly ? ', local-only' : ''}) has no fixture: add one to test/security/route-fixtures.ts so the authorization matrix and the hostile-input suite cover it`,
      );
    }
  }
  const known = new Set(routes.map((r) => r.operationId));
  for (const id of Object.keys(fixtures))
    if (!known.has(id)) problems.push(`fixture ${id} matches no route of functions/routes.ts: remove it`);
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------------------------

export function pathOf(route: RouteDef, params: Record<string, string> = {}): string {
  return route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${route.operationId}: no value for path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

export function urlOf(route: RouteDef, spec: RequestSpec): string {
  const query = spec.query && Object.keys(spec.query).length ? `?${new URLSearchParams(spec.query).toString()}` : '';
  return `${pathOf(route, spec.params)}${query}`;
}

export async function send(api: TestApi, route: RouteDef, spec: RequestSpec, token?: string): Promise<ApiResponse> {
  return api.request(route.method, urlOf(route, spec), { token, body: spec.body, headers: spec.headers });
}

async function expectStatus(what: string, response: ApiResponse, status: number | number[]): Promise<ApiResponse> {
  const wanted = Array.isArray(status) ? status : [status];
  if (!wanted.includes(response.status))
    throw new Error(`${what}: expected ${wanted.join('/')}, got ${response.status} ${response.text.slice(0, 300)}`);
  return response;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Object factories (through the API, as the clinic's own staff)
// ---------------------------------------------------------------------------------------------------------------

let counter = 0;
const runId = randomUUID().slice(0, 6);
function unique(prefix: string): string {
  counter += 1;
  return `${prefix}${runId}${counter}`;
}

const tokenOfLink = (link: string) => link.split('/').pop() as string;

async function createPatient(env: Env, world: World): Promise<string> {
  const last = env.unique('Freshpat');
  const response = await env.api.request('POST', '/v1/patients', {
    token: await env.api.token(staffEmail(world.key, 'account_admin')),
    body: { firstName: 'Fresh', lastName: last, email: `${last.toLowerCase()}@patients.example` },
  });
  return (await expectStatus('fresh patient', response, 201)).body.id as string;
}

async function createUser(env: Env, world: World): Promise<string> {
  const response = await env.api.request('POST', '/v1/users', {
    token: await env.api.token(staffEmail(world.key, 'account_admin')),
    body: {
      email: `${env.unique('fresh.user.')}@${world.domain}`,
      firstName: 'Fresh',
      lastName: 'User',
      role: 'office_staff',
    },
  });
  return (await expectStatus('fresh user', response, 201)).body.id as string;
}

/** A new patient invited by the clinic's office staff; with `accept`, the patient opened the link. */
async function invitePatient(
  env: Env,
  world: World,
  options: { accept: boolean; firstName?: string; lastName?: string },
): Promise<PatientSession> {
  const firstName = options.firstName ?? 'Fresh';
  const lastName = options.lastName ?? env.unique('Invitee');
  const email = `${lastName.toLowerCase()}@patients.example`;
  const created = await env.api.request('POST', '/v1/invites', {
    token: await env.api.token(staffEmail(world.key, 'office_staff')),
    body: { firstName, lastName, email, sendEmail: false },
  });
  await expectStatus('invite', created, 201);
  const inviteToken = tokenOfLink(created.body.link as string);
  const session = {
    patientId: created.body.patientId as string,
    firstName,
    lastName,
    email,
    inviteId: created.body.id as string,
    inviteToken,
    sessionId: '',
    sessionToken: '',
  };
  if (!options.accept) return session;
  const accepted = await expectStatus(
    'accept',
    await env.api.request('POST', `/v1/public/invites/${inviteToken}/accept`),
    200,
  );
  return {
    ...session,
    sessionId: accepted.body.sessionId as string,
    sessionToken: accepted.body.sessionToken as string,
  };
}

async function answerFirstQuestion(env: Env, patient: PatientSession): Promise<void> {
  const { id, answer } = env.globals.firstQuestion;
  await expectStatus(
    'first answer',
    await env.api.request('POST', `/v1/chat-sessions/${patient.sessionId}/answers`, {
      token: patient.sessionToken,
      body: { questionId: id, answer },
    }),
    200,
  );
}

async function bookAppointment(env: Env, world: World): Promise<string> {
  const response = await env.api.request('POST', '/v1/appointments', {
    token: await env.api.token(staffEmail(world.key, 'office_staff')),
    body: {
      patientId: world.patient.patientId,
      clinicianId: world.clinicianId,
      startsAt: env.nextSlot(world),
      appointmentType: 'in-person',
    },
  });
  return (await expectStatus('appointment', response, 201)).body.id as string;
}

async function insertEligibilityResult(env: Env, world: World): Promise<string> {
  const row = await env.api.db
    .insertInto('eligibility_results')
    .values({
      patient_id: world.patient.patientId,
      account_id: world.accountId,
      is_eligible: true,
      nccn_eligible: true,
      factors: sql`'{"outcome":"meets"}'::jsonb`,
      outcome: 'meets',
      ruleset: 'matrix',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function orderLabTest(env: Env, world: World): Promise<string> {
  const response = await env.api.request('POST', '/v1/lab-orders', {
    token: await env.api.token(staffEmail(world.key, 'clinician')),
    body: {
      patientId: world.patient.patientId,
      labId: 'sandbox',
      testType: 'breast-ovarian-panel',
      insuranceInformation: INSURANCE,
      notes: 'Matrix order',
    },
  });
  const id = (await expectStatus('lab order', response, 201)).body.id as string;
  await env.settle();
  return id;
}

/** A new result version of the world's order (an amended report): available, not reviewed. */
async function amendLabResult(env: Env, world: World): Promise<string> {
  const response = await env.api.request('POST', `/dev/labs/sandbox/orders/${world.labOrderId}/complete`, {
    body: { reportStatus: 'amended', interpretation: 'negative' },
  });
  await expectStatus('amended result', response, 200);
  if (response.body.webhookStatus !== 200)
    throw new Error(
      `amended result: webhook answered ${response.body.webhookStatus} ${JSON.stringify(response.body.webhookResponse)}`,
    );
  await env.settle();
  return response.body.webhookResponse.resultId as string;
}

function validAnswer(question: {
  questionType: string;
  options: { value: string }[] | null;
  min: number | null;
  max: number | null;
}): unknown {
  switch (question.questionType) {
    case 'yes_no':
      return false;
    case 'multiple_choice':
      return question.options?.[0]?.value;
    case 'multi_select':
      return [question.options?.[0]?.value];
    case 'number':
      return Math.max(question.min ?? 40, Math.min(question.max ?? 40, 40));
    default:
      return 'Matrix answer';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Setup
// ---------------------------------------------------------------------------------------------------------------

async function buildWorld(env: Env, key: AccountKey, slots: Map<AccountKey, string[]>): Promise<World> {
  const { api } = env;
  const { name, domain } = CLINICS[key];
  const accountId = api.seed.accounts[name] as string;
  const staffIds = Object.fromEntries(
    CLINIC_ROLES.map((role) => [role, api.seed.users[staffEmail(key, role)] as string]),
  ) as Record<ClinicRole, string>;
  const admin = await api.token(staffEmail(key, 'account_admin'));
  const clinician = await api.token(staffEmail(key, 'clinician'));

  const user = await api.request('POST', '/v1/users', {
    token: admin,
    body: { email: `matrix.target.${runId}@${domain}`, firstName: 'Target', lastName: 'User', role: 'office_staff' },
  });
  await expectStatus('world user', user, 201);

  const partial = { key, accountId, accountName: name, domain } as World;
  // Distinctive names: the suites check that no log line carries them.
  const patient = await invitePatient(env, partial, {
    accept: true,
    firstName: `Quenby${key}`,
    lastName: `Matrixsen${key}${runId}`,
  });
  const otherPatient = await invitePatient(env, partial, {
    accept: true,
    firstName: `Ottoline${key}`,
    lastName: `Sessionova${key}${runId}`,
  });
  const phone = key === 'A' ? '+1 555 014 2233' : '+1 555 017 4455';
  const dateOfBirth = key === 'A' ? '1971-03-09' : '1968-10-27';
  await expectStatus(
    'patient details',
    await api.request('PATCH', `/v1/patients/${patient.patientId}`, { token: admin, body: { phone, dateOfBirth } }),
    200,
  );

  const clinicianId = staffIds.clinician;
  const current = await expectStatus(
    'availability',
    await api.request('GET', `/v1/clinicians/${clinicianId}/availability`, { token: admin }),
    200,
  );
  const availability = {
    timeZone: current.body.timeZone,
    slotMinutes: current.body.slotMinutes,
    startDate: current.body.startDate,
    validUntil: current.body.validUntil,
    rules: current.body.rules,
  };

  // Free slots for every booking of the run, from tomorrow on.
  const free: string[] = [];
  const from = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
  let cursor: string | null = null;
  do {
    const page: ApiResponse = await api.request(
      'GET',
      `/v1/availability?clinicianId=${clinicianId}&from=${from}&to=${to}&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      { token: admin },
    );
    await expectStatus('free slots', page, 200);
    free.push(...(page.body.items as { startsAt: string }[]).map((s) => s.startsAt));
    cursor = page.body.nextCursor as string | null;
  } while (cursor && free.length < 400);
  slots.set(key, free);

  const world: World = {
    ...partial,
    staffIds,
    userId: user.body.id as string,
    userFirstName: 'Target',
    patient,
    otherPatient,
    clinicianId,
    availability,
    appointmentId: '',
    eligibilityResultId: '',
    labOrderId: '',
    labResultId: '',
    labWebhookId: `msg_matrix_${key}_${runId}`,
    phi: [
      patient.firstName,
      patient.lastName,
      patient.email,
      otherPatient.firstName,
      otherPatient.lastName,
      otherPatient.email,
      phone,
      dateOfBirth,
      INSURANCE.memberId,
    ],
  };
  world.appointmentId = await bookAppointment(env, world);
  world.eligibilityResultId = await insertEligibilityResult(env, world);

  const order = await api.request('POST', '/v1/lab-orders', {
    token: clinician,
    body: {
      patientId: patient.patientId,
      labId: 'sandbox',
      testType: 'breast-ovarian-panel',
      eligibilityResultId: world.eligibilityResultId,
      insuranceInformation: INSURANCE,
      notes: 'Matrix order',
    },
  });
  world.labOrderId = (await expectStatus('world lab order', order, 201)).body.id as string;
  await waitFor(
    'lab order submission',
    async () => api.app.workflows.waitingTokens(`lab-order-${world.labOrderId}`).length > 0,
  );
  await env.settle();
  const completed = await api.request('POST', `/dev/labs/sandbox/orders/${world.labOrderId}/complete`, {
    body: { webhookId: world.labWebhookId, interpretation: 'negative' },
  });
  await expectStatus('world lab result', completed, 200);
  if (completed.body.webhookStatus !== 200) throw new Error(`world lab result: ${JSON.stringify(completed.body)}`);
  world.labResultId = completed.body.webhookResponse.resultId as string;
  await env.settle();
  return world;
}

/** Creates both worlds and the global objects; returns the environment the fixtures build requests in. */
export async function createEnv(api: TestApi): Promise<Env> {
  const slots = new Map<AccountKey, string[]>();
  const settled = new WeakSet<object>();
  const env: Env = {
    api,
    worlds: {} as Record<AccountKey, World>,
    globals: {} as Globals,
    unique,
    nextSlot(world) {
      const slot = slots.get(world.key)?.shift();
      if (!slot) throw new Error(`No free slot left for clinic ${world.key}`);
      return slot;
    },
    async settle() {
      await waitFor('lab order workflows to settle', async () => {
        for (const execution of api.app.workflows.executions) {
          if (execution.workflow !== 'lab-order' || settled.has(execution)) continue;
          void execution.result.then(
            () => settled.add(execution),
            () => settled.add(execution),
          );
          if (api.app.workflows.waitingTokens(execution.name).length === 0) return false;
          const orderId = execution.name.replace(/^lab-order-/, '');
          const row = await api.db
            .selectFrom('lab_orders')
            .select(['status', 'task_token'])
            .where('id', '=', orderId)
            .executeTakeFirst();
          if (row && row.status === 'processing' && !row.task_token) return false;
        }
        // Let a just-resolved execution finish its last step.
        await new Promise((resolve) => setTimeout(resolve, 5));
        return true;
      });
    },
  };

  const superToken = await api.token(SUPER_ADMIN);
  const superRow = await api.db
    .selectFrom('users')
    .select('cognito_sub')
    .where('email', '=', SUPER_ADMIN)
    .executeTakeFirstOrThrow();
  const labTestName = 'Matrix catalogue test';
  const labTest = await api.request('POST', '/v1/lab-tests', {
    token: superToken,
    body: { labId: 'sandbox', testType: `matrix-catalogue-${runId}`, name: labTestName, genes: ['BRCA1'] },
  });
  await expectStatus('lab test', labTest, 201);
  const bank = await expectStatus(
    'question bank',
    await api.request('GET', '/v1/chat-questions', { token: superToken }),
    200,
  );
  const [question] = bank.body.items as { id: number; text: string }[];
  if (!question) throw new Error('The question bank is empty');
  env.globals = {
    labTestId: labTest.body.id as string,
    labTestName,
    questionId: question.id,
    questionText: question.text,
    firstQuestion: { id: 0, answer: null },
    superAdminSub: superRow.cognito_sub,
  };

  for (const key of ACCOUNT_KEYS) env.worlds[key] = await buildWorld(env, key, slots);
  const first = await expectStatus(
    'first question',
    await api.request('GET', `/v1/chat-sessions/${env.worlds.A.patient.sessionId}`, {
      token: env.worlds.A.patient.sessionToken,
    }),
    200,
  );
  const current = first.body.currentQuestion;
  env.globals.firstQuestion = { id: current.id as number, answer: validAnswer(current) };
  return env;
}

// ---------------------------------------------------------------------------------------------------------------
// Observations: who owns an id, what the tables hold
// ---------------------------------------------------------------------------------------------------------------

export interface Owner {
  accountId: string | null;
  patientId: string | null;
}

const UUID_PATTERN = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Maps every tenant object id (and global ids) to its clinic and patient, to spot other tenants' ids in bodies. */
export class OwnerIndex {
  private owners = new Map<string, Owner>();
  private unknown = new Set<string>();
  constructor(private readonly api: TestApi) {}

  private async reload(): Promise<void> {
    const { rows } = await sql<{ id: string; account_id: string | null; patient_id: string | null }>`
      select id::text, id::text as account_id, null::text as patient_id from accounts
      union all select id::text, account_id::text, null from users
      union all select id::text, account_id::text, id::text from patients
      union all select id::text, account_id::text, patient_id::text from invites
      union all select s.id::text, p.account_id::text, s.patient_id::text from chat_sessions s join patients p on p.id = s.patient_id
      union all select e.id::text, p.account_id::text, e.patient_id::text from eligibility_results e join patients p on p.id = e.patient_id
      union all select a.id::text, p.account_id::text, a.patient_id::text from appointments a join patients p on p.id = a.patient_id
      union all select id::text, account_id::text, patient_id::text from lab_orders
      union all select r.id::text, o.account_id::text, o.patient_id::text from lab_results r join lab_orders o on o.id = r.order_id
      union all select id::text, null, null from lab_tests
    `.execute(this.api.db);
    this.owners = new Map(rows.map((r) => [r.id.toLowerCase(), { accountId: r.account_id, patientId: r.patient_id }]));
  }

  /** Ids in the text and their owners (ids of nothing the index knows are left out). */
  async ownersIn(text: string): Promise<Map<string, Owner>> {
    const ids = [...new Set((text.match(UUID_PATTERN) ?? []).map((id) => id.toLowerCase()))];
    if (ids.some((id) => !this.owners.has(id) && !this.unknown.has(id))) {
      await this.reload();
      for (const id of ids) if (!this.owners.has(id)) this.unknown.add(id);
    }
    const out = new Map<string, Owner>();
    for (const id of ids) {
      const owner = this.owners.get(id);
      if (owner) out.set(id, owner);
    }
    return out;
  }
}

/** Row count and an order-independent content hash of every table: any insert, update or delete changes it. */
export async function tableState(api: TestApi): Promise<Map<string, { rows: number; hash: string }>> {
  const { rows: tables } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name
  `.execute(api.db);
  const parts = tables.map(
    (t) =>
      sql`select ${t.table_name}::text as name, count(*)::int as rows, coalesce(sum(hashtext(x::text)::bigint), 0)::text as hash from ${sql.table(t.table_name)} x`,
  );
  const { rows } = await sql<{
    name: string;
    rows: number;
    hash: string;
  }>`${sql.join(parts, sql` union all `)}`.execute(api.db);
  return new Map(rows.map((r) => [r.name, { rows: Number(r.rows), hash: r.hash }]));
}

/** Tables whose rows (or, with `contents`, whose contents) differ between two states. */
export function stateChanges(
  before: Map<string, { rows: number; hash: string }>,
  after: Map<string, { rows: number; hash: string }>,
  contents = true,
): string[] {
  const changes: string[] = [];
  for (const [name, a] of after) {
    const b = before.get(name);
    if (!b) changes.push(`${name}: new table`);
    else if (b.rows !== a.rows) changes.push(`${name}: ${b.rows} → ${a.rows} rows`);
    else if (contents && b.hash !== a.hash) changes.push(`${name}: rows changed`);
  }
  return changes;
}

/** Runs `work` on every item, at most `size` at a time. */
export async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next] as T;
        next += 1;
        await work(item);
      }
    }),
  );
}
