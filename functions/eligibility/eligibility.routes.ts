import * as v from 'valibot';
import { ALL_STAFF, defineRoute } from '../core/http/route.ts';
import { pageOf, pagination, text, uuid } from '../core/http/schemas.ts';
import { EligibilityResultSchema, EvaluateEligibilityBodySchema } from './eligibility.schemas.ts';

const area = 'eligibility';
const tags = ['Eligibility'];

/** What a list shows of a stored result; the details (criteria, unknowns, next steps, risk models, profile) are per result. */
const resultSummary = v.object({
  id: v.string(),
  patientId: v.string(),
  sessionId: v.nullable(v.string()),
  isEligible: v.boolean(),
  nccnEligible: v.boolean(),
  outcome: v.nullable(v.string()),
  ruleset: v.nullable(v.string()),
  tcScore: v.nullable(v.number()),
  createdAt: v.string(),
  providerReviewed: v.boolean(),
  providerId: v.nullable(v.string()),
  reviewNotes: v.nullable(v.string()),
  reviewAgrees: v.nullable(v.boolean()),
  reviewedAt: v.nullable(v.string()),
});

const storedResult = v.object({
  ...resultSummary.entries,
  criteria: v.array(v.unknown()),
  unknowns: v.array(v.string()),
  nextSteps: v.array(v.unknown()),
  riskModels: v.unknown(),
  riskProfile: v.unknown(),
});

const resultParams = v.strictObject({ resultId: uuid('resultId') });

export const eligibilityRoutes = [
  defineRoute({
    operationId: 'evaluateEligibility',
    method: 'POST',
    path: '/v1/eligibility/evaluate',
    area,
    tags,
    summary: 'Stateless: a RiskProfile in, the NCCN eligibility result and next steps out; nothing is stored',
    auth: 'staff',
    roles: ALL_STAFF,
    body: EvaluateEligibilityBodySchema,
    response: v.object({ ...EligibilityResultSchema.entries, nextSteps: v.array(v.unknown()) }),
  }),
  defineRoute({
    operationId: 'listEligibilityResults',
    method: 'GET',
    path: '/v1/eligibility-results',
    area,
    tags,
    summary:
      'Stored results, newest first (filter patientId), as summaries: the details are at GET /v1/eligibility-results/{resultId}',
    auth: 'staff',
    roles: ALL_STAFF,
    query: v.strictObject({ ...pagination, patientId: v.optional(uuid('patientId')) }),
    response: pageOf(resultSummary),
  }),
  defineRoute({
    operationId: 'getEligibilityResult',
    method: 'GET',
    path: '/v1/eligibility-results/{resultId}',
    area,
    tags,
    summary: 'A stored result with criteria, explanations, unknowns, risk models and next steps',
    auth: 'staff',
    roles: ALL_STAFF,
    params: resultParams,
    response: storedResult,
  }),
  defineRoute({
    operationId: 'reviewEligibilityResult',
    method: 'POST',
    path: '/v1/eligibility-results/{resultId}/review',
    area,
    tags,
    summary: "The clinician's review: agree or not, with notes",
    auth: 'staff',
    roles: ['clinician'],
    params: resultParams,
    body: v.strictObject({ notes: v.pipe(text(5000), v.minLength(1, 'must not be empty')), agree: v.boolean() }),
    response: storedResult,
  }),
  defineRoute({
    operationId: 'riskAssessmentDashboard',
    method: 'GET',
    path: '/v1/dashboard/risk-assessments',
    area,
    tags: ['Dashboards'],
    summary: 'Patients with their latest completed session and eligibility result',
    auth: 'staff',
    roles: ALL_STAFF,
    query: v.strictObject({ ...pagination, providerId: v.optional(uuid('providerId')) }),
  }),
];
