import type { PatientActor, StaffActor } from '../core/auth/actor.ts';
import { createAreaHandler } from '../core/http/area-handler.ts';
import { created, ok, staffActor, type OperationRequest, defineOperations } from '../core/http/types.ts';
import * as questions from './chat-questions.service.ts';
import { chatRoutes } from './chat.routes.ts';
import * as service from './chat.service.ts';

const context = (r: OperationRequest) => ({ actor: r.actor as StaffActor | PatientActor, requestId: r.requestId });
const staffContext = (r: OperationRequest) => ({ actor: staffActor(r.actor), requestId: r.requestId });

const operations = defineOperations(chatRoutes, {
  startChatSession: async (r) => {
    const session = await service.startStaffSession(r.db, staffContext(r), r.body);
    return created(session, `/v1/chat-sessions/${session.id}`);
  },
  getChatSession: async (r) => ok(await service.getSession(r.db, context(r), r.params.sessionId)),
  answerChatQuestion: async (r) => ok(await service.answerQuestion(r.db, context(r), r.params.sessionId, r.body)),
  changeChatAnswer: async (r) =>
    ok(await service.changeAnswer(r.db, context(r), r.params.sessionId, r.params.questionId, r.body)),
  abandonChatSession: async (r) => ok(await service.abandonSession(r.db, context(r), r.params.sessionId)),
  listPatientChatSessions: async (r) =>
    ok(await service.listPatientSessions(r.db, staffContext(r), r.params.patientId, r.query)),
  listChatQuestions: async (r) => ok(await questions.listQuestions(r.db)),
  createChatQuestion: async (r) => created(await questions.createQuestion(r.db, staffContext(r), r.body)),
  updateChatQuestion: async (r) =>
    ok(await questions.updateQuestion(r.db, staffContext(r), r.params.questionId, r.body)),
});

export const handler = createAreaHandler(operations);
