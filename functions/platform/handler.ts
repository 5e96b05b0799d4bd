import { tenantScope } from '../core/auth/actor.ts';
import { createAreaHandler } from '../core/http/area-handler.ts';
import { buildOpenApi } from '../core/http/openapi.ts';
import { ok, staffActor, defineOperations } from '../core/http/types.ts';
import { notFound } from '../core/errors.ts';
import { deployedRoutes } from '../routes.ts';
import { findAccount } from '../accounts/accounts.repository.ts';
import { findUser } from '../users/users.repository.ts';
import { toAccountDto } from '../accounts/accounts.service.ts';
import { toUserDto } from '../users/users.service.ts';
import { platformRoutes } from './platform.routes.ts';

let openApi: Record<string, unknown> | undefined;

const operations = defineOperations(platformRoutes, {
  getHealth: async () => ok({ status: 'ok' }),
  getOpenApi: async () => ok((openApi ??= buildOpenApi(deployedRoutes()))),
  getMe: async (r) => {
    const actor = staffActor(r.actor);
    const user = await findUser(r.db, actor.userId, tenantScope(actor));
    if (!user) throw notFound('User');
    const account = user.account_id ? await findAccount(r.db, user.account_id) : undefined;
    return ok({ user: toUserDto(user), role: user.role, account: account ? toAccountDto(account) : null });
  },
});

export const handler = createAreaHandler(operations);
