import { ALL_STAFF, defineRoute } from '../core/http/route.ts';
import { chatSession, sessionParams } from '../chat/chat.schemas.ts';

const area = 'chat-completion';
const tags = ['Assessment chat'];

export const chatCompletionRoutes = [
  defineRoute({
    operationId: 'completeChatSession',
    method: 'POST',
    path: '/v1/chat-sessions/{sessionId}/complete',
    area,
    tags,
    summary: 'Complete a session whose branch has ended: stores the RiskProfile and an eligibility result',
    auth: 'staff_or_patient',
    roles: ALL_STAFF,
    params: sessionParams,
    response: chatSession,
  }),
];
