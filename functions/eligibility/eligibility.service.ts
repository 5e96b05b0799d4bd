import type { StaffActor } from '../core/auth/actor.ts';
import { tenantScope } from '../core/auth/actor.ts';
import { recordAudit, type AuditContext, type AuditEntry } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import { conflict, notFound } from '../core/errors.ts';
import { auditedPage, decodeCursor } from '../core/pagination.ts';
import { isoInstant } from '../core/sql.ts';
import { bcratModel } from '../risk-models/bcrat.ts';
import { TyrerCuzickModel } from '../risk-models/tyrer-cuzick.ts';
import { evaluateEligibility, nextSteps } from './engine.ts';
import * as repo from './eligibility.repository.ts';
import type { RiskProfile } from './risk-profile.schema.ts';

interface StaffContext extends AuditContext {
  actor: StaffActor;
}

const tyrerCuzick = new TyrerCuzickModel();

/** Stateless evaluation: the eligibility result and the next steps it leads to. Nothing is stored. */
export async function evaluate(profile: RiskProfile) {
  const result = evaluateEligibility(profile);
  const bcrat = await bcratModel.assess(profile);
  return {
    ...result,
    nextSteps: nextSteps(result, {
      bcrat: bcrat.available ? { model: 'BCRAT', fiveYearRiskPct: bcrat.result.fiveYearRiskPct } : null,
    }),
  };
}

/**
 * What a stored eligibility result holds for a RiskProfile: the ruleset's outcome with its criteria and unknowns,
 * the risk models' figures and the next steps. Every evaluation is stored as a new row (the caller writes it with
 * `resultInsertFrom`), so the history of results, and the ruleset version of each, stays.
 */
export async function assessmentOf(input: {
  patientId: string;
  accountId: string;
  sessionId: string | null;
  profile: RiskProfile;
}): Promise<repo.NewResult> {
  const result = evaluateEligibility(input.profile);
  const [bcrat, tc] = await Promise.all([bcratModel.assess(input.profile), tyrerCuzick.assess(input.profile)]);
  const figures = {
    bcrat: bcrat.available ? ({ model: 'BCRAT', fiveYearRiskPct: bcrat.result.fiveYearRiskPct } as const) : null,
    tyrerCuzick: tc.available ? ({ model: 'Tyrer-Cuzick', lifetimeRiskPct: tc.result.lifetimeRiskPct } as const) : null,
  };
  const factors = {
    ruleset: result.ruleset,
    outcome: result.outcome,
    criteria: result.criteria,
    unknowns: result.unknowns,
    nextSteps: nextSteps(result, figures),
    riskModels: {
      bcrat: bcrat.available ? { available: true, ...bcrat.result } : { available: false, reason: bcrat.reason },
      // Never another model's number in tc_score: without a licensed engine it stays null and says why.
      tyrerCuzick: tc.available ? { available: true, ...tc.result } : { available: false, reason: tc.reason },
    },
    profile: input.profile,
  };
  return {
    patientId: input.patientId,
    accountId: input.accountId,
    sessionId: input.sessionId,
    isEligible: result.outcome === 'meets',
    nccnEligible: result.nccnEligible,
    tcScore: tc.available ? tc.result.lifetimeRiskPct : null,
    outcome: result.outcome,
    ruleset: result.ruleset,
    factors,
  };
}

/** The audit of a new result (its id is the database's: audit with `resourceIdColumn: 'id'`). */
export const resultCreatedAudit = (result: { patientId: string; accountId: string }): AuditEntry => ({
  action: 'eligibility_result.create',
  resourceType: 'eligibility_result',
  patientId: result.patientId,
  accountId: result.accountId,
});

const resultAudit = (action: string, row: { id: string; patient_id: string; account_id: string }): AuditEntry => ({
  action,
  resourceType: 'eligibility_result',
  resourceId: row.id,
  patientId: row.patient_id,
  accountId: row.account_id,
});

type Factors = {
  ruleset?: string;
  outcome?: string;
  criteria?: unknown[];
  unknowns?: string[];
  nextSteps?: unknown[];
  riskModels?: unknown;
  profile?: unknown;
};

/** A stored result as lists show it (the factors, with the profile, only per result: `toResultDto`). */
function toResultSummaryDto(row: repo.EligibilityResultSummaryRow) {
  return {
    id: row.id,
    patientId: row.patient_id,
    sessionId: row.session_id,
    isEligible: row.is_eligible,
    nccnEligible: row.nccn_eligible,
    outcome: row.outcome,
    ruleset: row.ruleset,
    tcScore: row.tc_score === null ? null : Number(row.tc_score),
    createdAt: isoInstant(row.created_at) as string,
    providerReviewed: row.provider_reviewed,
    providerId: row.provider_id,
    reviewNotes: row.review_notes,
    reviewAgrees: row.review_agrees,
    reviewedAt: isoInstant(row.reviewed_at),
  };
}

export function toResultDto(row: repo.EligibilityResultRow) {
  const factors = (row.factors ?? {}) as Factors;
  return {
    ...toResultSummaryDto(row),
    outcome: row.outcome ?? factors.outcome ?? null,
    ruleset: row.ruleset ?? factors.ruleset ?? null,
    criteria: factors.criteria ?? [],
    unknowns: factors.unknowns ?? [],
    nextSteps: factors.nextSteps ?? [],
    riskModels: factors.riskModels ?? null,
    riskProfile: factors.profile ?? null,
  };
}

export async function listResults(
  db: Db,
  context: StaffContext,
  query: { limit: number; cursor?: string; patientId?: string },
) {
  const rows = await repo.listResults(db, {
    accountId: tenantScope(context.actor),
    patientId: query.patientId,
    after: decodeCursor(query.cursor, 'instant') as [string, string] | undefined,
    limit: query.limit,
  });
  return auditedPage(
    db,
    context,
    rows,
    query.limit,
    (r) => resultAudit('eligibility_result.list', r),
    (r) => [r.cursor_created_at, r.id],
    toResultSummaryDto,
  );
}

export async function getResult(db: Db, context: StaffContext, id: string) {
  const row = await repo.findResult(db, id, tenantScope(context.actor));
  if (!row) throw notFound('Eligibility result');
  await recordAudit(db, context, [resultAudit('eligibility_result.read', row)]);
  return toResultDto(row);
}

export async function reviewResult(
  db: Db,
  context: StaffContext,
  id: string,
  input: { notes: string; agree: boolean },
) {
  const existing = await repo.findResult(db, id, tenantScope(context.actor));
  if (!existing) throw notFound('Eligibility result');
  if (existing.provider_reviewed) throw conflict('This result has already been reviewed');
  const row = await repo.reviewResult(
    db,
    id,
    { providerId: context.actor.userId, notes: input.notes, agrees: input.agree },
    { context, entry: resultAudit('eligibility_result.review', existing) },
  );
  if (!row) throw conflict('This result has already been reviewed');
  return toResultDto(row);
}

export async function riskAssessmentDashboard(
  db: Db,
  context: StaffContext,
  query: { limit: number; cursor?: string; providerId?: string },
) {
  const rows = await repo.riskAssessmentDashboard(db, {
    accountId: tenantScope(context.actor),
    providerId: query.providerId,
    after: decodeCursor(query.cursor, 'text') as [string, string] | undefined,
    limit: query.limit,
  });
  return auditedPage(
    db,
    context,
    rows,
    query.limit,
    (r) => ({
      action: 'risk_dashboard.read',
      resourceType: 'patient',
      resourceId: r.id,
      patientId: r.id,
      accountId: r.account_id,
    }),
    (r) => [r.last_name, r.id],
    (r) => ({
      patientId: r.id,
      firstName: r.first_name,
      lastName: r.last_name,
      providerId: r.provider_id,
      latestSession: r.session_id
        ? { id: r.session_id, status: r.chat_status, completedAt: isoInstant(r.completed_at) }
        : null,
      latestResult: r.result_id
        ? {
            id: r.result_id,
            isEligible: r.is_eligible,
            outcome: r.outcome,
            providerReviewed: r.provider_reviewed,
            evaluatedAt: isoInstant(r.evaluated_at),
          }
        : null,
    }),
  );
}
