import { createAreaHandler } from '../core/http/area-handler.ts';
import { created, ok, staffActor, type OperationRequest, defineOperations } from '../core/http/types.ts';
import { userRoutes } from './users.routes.ts';
import * as service from './users.service.ts';

const context = (r: OperationRequest) => ({ actor: staffActor(r.actor), requestId: r.requestId });

const operations = defineOperations(userRoutes, {
  listUsers: async (r) => ok(await service.listUsers(r.db, staffActor(r.actor), r.query)),
  createUser: async (r) => {
    const user = await service.createUser(r.db, context(r), r.body);
    return created(user, `/v1/users/${user.id}`);
  },
  getUser: async (r) => ok(await service.getUser(r.db, staffActor(r.actor), r.params.userId)),
  updateUser: async (r) => ok(await service.updateUser(r.db, context(r), r.params.userId, r.body)),
  deactivateUser: async (r) => ok(await service.deactivateUser(r.db, context(r), r.params.userId)),
  listClinicians: async (r) => ok(await service.listClinicians(r.db, staffActor(r.actor), r.query)),
});

export const handler = createAreaHandler(operations);
