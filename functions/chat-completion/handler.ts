import type { PatientActor, StaffActor } from '../core/auth/actor.ts';
import { createAreaHandler } from '../core/http/area-handler.ts';
import { ok, type OperationRequest, defineOperations } from '../core/http/types.ts';
import { chatCompletionRoutes } from './chat-completion.routes.ts';
import { completeSession } from './chat-completion.service.ts';

const context = (r: OperationRequest) => ({ actor: r.actor as StaffActor | PatientActor, requestId: r.requestId });

const operations = defineOperations(chatCompletionRoutes, {
  completeChatSession: async (r) => ok(await completeSession(r.db, context(r), r.params.sessionId)),
});

export const handler = createAreaHandler(operations);
