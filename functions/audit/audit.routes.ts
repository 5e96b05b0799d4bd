import * as v from 'valibot';
import { defineRoute } from '../core/http/route.ts';
import { instant, pageOf, pagination, uuid } from '../core/http/schemas.ts';

export const auditEvent = v.object({
  id: v.string(),
  occurredAt: v.string(),
  accountId: v.nullable(v.string()),
  actorType: v.picklist(['user', 'patient', 'system', 'lab']),
  actorId: v.nullable(v.string()),
  action: v.string(),
  resourceType: v.string(),
  resourceId: v.nullable(v.string()),
  patientId: v.nullable(v.string()),
  requestId: v.nullable(v.string()),
});

export const listAuditEventsQuery = v.strictObject({
  ...pagination,
  patientId: v.optional(uuid('patientId')),
  actorId: v.optional(v.pipe(v.string(), v.maxLength(100))),
  from: v.optional(instant),
  to: v.optional(instant),
  /** super_admin only: one clinic's events. */
  accountId: v.optional(uuid('accountId')),
});

export const auditRoutes = [
  defineRoute({
    operationId: 'listAuditEvents',
    method: 'GET',
    path: '/v1/audit-events',
    area: 'audit',
    tags: ['Audit'],
    summary: 'Who read or changed which patient data, newest first (filters patientId, actorId, from, to)',
    auth: 'staff',
    roles: ['super_admin', 'account_admin'],
    query: listAuditEventsQuery,
    response: pageOf(auditEvent),
  }),
];
