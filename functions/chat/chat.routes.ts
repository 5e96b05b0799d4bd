import * as v from 'valibot';
import { ALL_STAFF, defineRoute } from '../core/http/route.ts';
import {
  answerBody,
  answerParams,
  changeAnswerBody,
  chatSession,
  createQuestionBody,
  patientSessionsParams,
  patientSessionsQuery,
  questionParams,
  sessionParams,
  startSessionBody,
  updateQuestionBody,
} from './chat.schemas.ts';

const area = 'chat';
const tags = ['Assessment chat'];
const clinical = ['super_admin', 'account_admin', 'clinician', 'office_staff'] as const;

export const chatRoutes = [
  defineRoute({ operationId: 'startChatSession', method: 'POST', path: '/v1/chat-sessions', area, tags, summary: 'Staff start a provider-led or direct session for a patient', auth: 'staff', roles: clinical, body: startSessionBody, response: chatSession, successStatus: 201 }),
  defineRoute({ operationId: 'getChatSession', method: 'GET', path: '/v1/chat-sessions/{sessionId}', area, tags, summary: 'Status, progress, current question and answers so far (riskProfile once completed)', auth: 'staff_or_patient', roles: ALL_STAFF, params: sessionParams, response: chatSession }),
  defineRoute({ operationId: 'answerChatQuestion', method: 'POST', path: '/v1/chat-sessions/{sessionId}/answers', area, tags, summary: 'Answer the current question; null means "I don\'t know" where allowed', auth: 'staff_or_patient', roles: ALL_STAFF, params: sessionParams, body: answerBody, response: chatSession }),
  defineRoute({ operationId: 'changeChatAnswer', method: 'PUT', path: '/v1/chat-sessions/{sessionId}/answers/{questionId}', area, tags, summary: 'Change an earlier answer (latest loop iteration unless `iteration` is given); unreachable answers are dropped', auth: 'staff_or_patient', roles: ALL_STAFF, params: answerParams, body: changeAnswerBody, response: chatSession }),
  defineRoute({ operationId: 'abandonChatSession', method: 'POST', path: '/v1/chat-sessions/{sessionId}/abandon', area, tags, summary: 'Abandon a session (also automatic after 30 days without activity)', auth: 'staff_or_patient', roles: ALL_STAFF, params: sessionParams, response: chatSession }),
  defineRoute({ operationId: 'listPatientChatSessions', method: 'GET', path: '/v1/patients/{patientId}/chat-sessions', area, tags, summary: "A patient's sessions, newest first", auth: 'staff', roles: ALL_STAFF, params: patientSessionsParams, query: patientSessionsQuery }),
  defineRoute({ operationId: 'listChatQuestions', method: 'GET', path: '/v1/chat-questions', area, tags: ['Question bank'], summary: 'The current question bank', auth: 'staff', roles: ALL_STAFF }),
  defineRoute({ operationId: 'createChatQuestion', method: 'POST', path: '/v1/chat-questions', area, tags: ['Question bank'], summary: 'Add a question (insertAfter joins it to the flow; otherwise an inactive draft); the graph is validated', auth: 'staff', roles: ['super_admin'], body: createQuestionBody, successStatus: 201 }),
  defineRoute({ operationId: 'updateChatQuestion', method: 'PATCH', path: '/v1/chat-questions/{questionId}', area, tags: ['Question bank'], summary: 'Edit a question; the graph is validated (no dangling targets, no unreachable questions)', auth: 'staff', roles: ['super_admin'], params: questionParams, body: updateQuestionBody, response: v.unknown() }),
];
