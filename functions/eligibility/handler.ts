import { createAreaHandler } from '../core/http/area-handler.ts';
import { ok, staffActor, type OperationRequest, defineOperations } from '../core/http/types.ts';
import { eligibilityRoutes } from './eligibility.routes.ts';
import * as service from './eligibility.service.ts';

const context = (r: OperationRequest) => ({ actor: staffActor(r.actor), requestId: r.requestId });

const operations = defineOperations(eligibilityRoutes, {
  evaluateEligibility: async (r) => ok(await service.evaluate(r.body)),
  listEligibilityResults: async (r) => ok(await service.listResults(r.db, context(r), r.query)),
  getEligibilityResult: async (r) => ok(await service.getResult(r.db, context(r), r.params.resultId)),
  reviewEligibilityResult: async (r) => ok(await service.reviewResult(r.db, context(r), r.params.resultId, r.body)),
  riskAssessmentDashboard: async (r) => ok(await service.riskAssessmentDashboard(r.db, context(r), r.query)),
});

export const handler = createAreaHandler(operations);
