import { ALL_STAFF, defineRoute } from '../core/http/route.ts';
import { BcratBodySchema, BcratResultSchema } from './risk-models.schemas.ts';

export const riskModelRoutes = [
  defineRoute({
    operationId: 'calculateBcrat',
    method: 'POST',
    path: '/v1/risk-models/bcrat',
    area: 'risk-models',
    tags: ['Risk models'],
    summary:
      'Stateless NCI BCRAT (modified Gail) 5-year and lifetime invasive breast cancer risk; 422 with the reason when BCRAT does not apply',
    auth: 'staff',
    roles: ALL_STAFF,
    body: BcratBodySchema,
    response: BcratResultSchema,
  }),
];
