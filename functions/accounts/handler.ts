import { createAreaHandler } from '../core/http/area-handler.ts';
import { created, ok, staffActor, defineOperations } from '../core/http/types.ts';
import { accountRoutes } from './accounts.routes.ts';
import * as service from './accounts.service.ts';

const operations = defineOperations(accountRoutes, {
  listAccounts: async (r) => ok(await service.listAccounts(r.db, staffActor(r.actor), r.query)),
  createAccount: async (r) => {
    const account = await service.createAccount(r.db, r.body);
    return created(account, `/v1/accounts/${account.id}`);
  },
  getAccount: async (r) => ok(await service.getAccount(r.db, staffActor(r.actor), r.params.accountId)),
  updateAccount: async (r) => ok(await service.updateAccount(r.db, staffActor(r.actor), r.params.accountId, r.body)),
});

export const handler = createAreaHandler(operations);
