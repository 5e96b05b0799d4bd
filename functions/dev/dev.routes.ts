import * as v from 'valibot';
import { defineRoute } from '../core/http/route.ts';
import { email, limit, uuid } from '../core/http/schemas.ts';
import { sandboxCompleteBody } from '../labs/sandbox-lab.schemas.ts';

const area = 'dev';
const tags = ['Local development'];

/** Local-only routes: the CDK stack never deploys `localOnly` routes. */
export const devRoutes = [
  defineRoute({
    operationId: 'devToken',
    method: 'POST',
    path: '/dev/token',
    area,
    tags,
    summary: 'Local identity provider: an ID token for a seeded or created user',
    auth: 'public',
    localOnly: true,
    body: v.strictObject({ email }),
    response: v.object({ idToken: v.string(), expiresIn: v.number() }),
  }),
  defineRoute({
    operationId: 'devOutbox',
    method: 'GET',
    path: '/dev/outbox',
    area,
    tags,
    summary: 'E-mails "sent" locally, newest first (invite links are in them)',
    auth: 'public',
    localOnly: true,
    query: v.strictObject({ to: v.optional(email), limit }),
  }),
  defineRoute({
    operationId: 'devCompleteLabOrder',
    method: 'POST',
    path: '/dev/labs/{labId}/orders/{orderId}/complete',
    area,
    tags,
    summary:
      'The sandbox lab sends a signed result webhook for the order (report status, interpretation and variants optional)',
    auth: 'public',
    localOnly: true,
    params: v.strictObject({
      labId: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,99}$/)),
      orderId: uuid('orderId'),
    }),
    body: sandboxCompleteBody,
  }),
];
