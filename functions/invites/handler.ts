import { createAreaHandler } from '../core/http/area-handler.ts';
import { created, ok, staffActor, type OperationRequest, defineOperations } from '../core/http/types.ts';
import { inviteRoutes } from './invites.routes.ts';
import * as service from './invites.service.ts';

const context = (r: OperationRequest) => ({ actor: staffActor(r.actor), requestId: r.requestId });

const operations = defineOperations(inviteRoutes, {
  createInvite: async (r) => {
    const invite = await service.createInvite(r.db, context(r), r.body);
    return created(invite, `/v1/invites/${invite.id}`);
  },
  bulkCreateInvites: async (r) => ok(await service.bulkCreateInvites(r.db, context(r), r.body.invites)),
  listInvites: async (r) => ok(await service.listInvites(r.db, context(r), r.query)),
  getInvite: async (r) => ok(await service.getInvite(r.db, context(r), r.params.inviteId)),
  resendInvite: async (r) => ok(await service.resendInvite(r.db, context(r), r.params.inviteId, r.body)),
  revokeInvite: async (r) => ok(await service.revokeInvite(r.db, context(r), r.params.inviteId)),
  verifyPublicInvite: async (r) => ok(await service.verifyPublicInvite(r.db, r.requestId, r.params.token)),
  acceptPublicInvite: async (r) => ok(await service.acceptPublicInvite(r.db, r.requestId, r.params.token)),
  dashboardPendingInvites: async (r) => ok(await service.pendingInvitesDashboard(r.db, context(r), r.query)),
});

export const handler = createAreaHandler(operations);
