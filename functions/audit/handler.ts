import { createAreaHandler } from '../core/http/area-handler.ts';
import { ok, staffActor, defineOperations } from '../core/http/types.ts';
import { auditRoutes } from './audit.routes.ts';
import * as service from './audit.service.ts';

const operations = defineOperations(auditRoutes, {
  listAuditEvents: async (r) =>
    ok(await service.listAuditEvents(r.db, { actor: staffActor(r.actor), requestId: r.requestId }, r.query)),
});

export const handler = createAreaHandler(operations);
