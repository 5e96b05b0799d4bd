import { createAreaHandler } from '../core/http/area-handler.ts';
import { unprocessable } from '../core/errors.ts';
import { ok, defineOperations } from '../core/http/types.ts';
import { calculateBcrat } from './bcrat.ts';
import { riskModelRoutes } from './risk-models.routes.ts';

const operations = defineOperations(riskModelRoutes, {
  calculateBcrat: async (r) => {
    const outcome = calculateBcrat(r.body);
    if (!outcome.applicable) {
      throw unprocessable(
        `BCRAT does not apply: ${outcome.reasons.map((reason) => reason.message).join('; ')}`,
        outcome.reasons.map((reason) => ({ field: 'body', message: reason.message })),
      );
    }
    return ok(outcome.result);
  },
});

export const handler = createAreaHandler(operations);
