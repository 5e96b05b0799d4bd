import * as v from 'valibot';
import { ALL_STAFF, defineRoute } from '../core/http/route.ts';

export const platformRoutes = [
  defineRoute({
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    area: 'platform',
    summary: 'Liveness check',
    auth: 'public',
    response: v.object({ status: v.literal('ok') }),
  }),
  defineRoute({
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    area: 'platform',
    summary: 'This OpenAPI 3.1 document',
    auth: 'public',
  }),
  defineRoute({
    operationId: 'getMe',
    method: 'GET',
    path: '/v1/me',
    area: 'platform',
    summary: "The caller's user, role and account",
    auth: 'staff',
    roles: ALL_STAFF,
  }),
];
