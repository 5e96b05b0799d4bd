/**
 * HTTP-facing schemas of the eligibility area: the request body of `POST /v1/eligibility/evaluate` is a RiskProfile;
 * the response is an EligibilityResult (used for the OpenAPI document and to check stored results).
 */
import * as v from 'valibot';
import { RiskProfileSchema } from './risk-profile.schema.ts';

export const EvaluateEligibilityBodySchema = RiskProfileSchema;

export const CriterionResultSchema = v.object({
  id: v.string(),
  section: v.string(),
  category: v.picklist(['clinically_indicated', 'may_consider']),
  status: v.picklist(['met', 'undetermined']),
  explanation: v.string(),
  evidence: v.array(v.string()),
  unknowns: v.array(v.string()),
});

export const EligibilityResultSchema = v.object({
  ruleset: v.string(),
  outcome: v.picklist(['meets', 'needs_review', 'may_consider', 'not_met']),
  nccnEligible: v.boolean(),
  criteria: v.array(CriterionResultSchema),
  unknowns: v.array(v.string()),
});
