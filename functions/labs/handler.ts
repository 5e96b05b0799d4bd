import { createAreaHandler } from '../core/http/area-handler.ts';
import { created, ok, staffActor, type OperationRequest, defineOperations } from '../core/http/types.ts';
import { labRoutes } from './labs.routes.ts';
import * as service from './labs.service.ts';

const context = (r: OperationRequest) => ({ actor: staffActor(r.actor), requestId: r.requestId });

const operations = defineOperations(labRoutes, {
  listLabTests: async (r) => ok(await service.listLabTests(r.db, staffActor(r.actor), r.query)),
  createLabTest: async (r) => {
    const test = await service.createLabTest(r.db, r.body);
    return created(test, `/v1/lab-tests/${test.id}`);
  },
  updateLabTest: async (r) => ok(await service.updateLabTest(r.db, r.params.labTestId, r.body)),
  createLabOrder: async (r) => {
    const order = await service.createOrder(r.db, context(r), r.body);
    return created(order, `/v1/lab-orders/${order.id}`);
  },
  listLabOrders: async (r) => ok(await service.listOrders(r.db, context(r), r.query)),
  getLabOrder: async (r) => ok(await service.getOrder(r.db, context(r), r.params.orderId)),
  cancelLabOrder: async (r) => ok(await service.cancelOrder(r.db, context(r), r.params.orderId)),
  reviewLabResult: async (r) => ok(await service.reviewResult(r.db, context(r), r.params.resultId, r.body)),
  dashboardLabOrders: async (r) => ok(await service.labOrdersDashboard(r.db, context(r), r.query)),
});

export const handler = createAreaHandler(operations);
