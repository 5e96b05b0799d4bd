import type { Actor, PatientActor, StaffActor } from '../core/auth/actor.ts';
import { tenantScope } from '../core/auth/actor.ts';
import { auditInsertFor, recordAudit, type AuditContext, type AuditEntry } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import { conflict, notFound, unprocessable } from '../core/errors.ts';
import { auditedPage, decodeCursor } from '../core/pagination.ts';
import { isoInstant } from '../core/sql.ts';
import { requirePatient } from '../patients/patients.service.ts';
import * as repo from './chat.repository.ts';
import type { AnswerValue, StoredAnswer } from './question-bank/types.ts';
import { validateAnswer } from './question-bank/validate-answer.ts';
import { answerLookup, walk } from './question-bank/walk.ts';
import { CURRENT_BANK_VERSION, loadBank, type LoadedBank } from './question-bank-store.ts';
import { askedQuestion } from './chat-questions.service.ts';

export interface ChatContext extends AuditContext {
  actor: StaffActor | PatientActor;
}

export const sessionAudit = (
  action: string,
  s: { id: string; patient_id: string; account_id: string },
): AuditEntry => ({
  action,
  resourceType: 'chat_session',
  resourceId: s.id,
  patientId: s.patient_id,
  accountId: s.account_id,
});

/**
 * Loads a session the actor may see: a patient only the session of their token; staff only sessions of
 * their clinic's patients. Anything else is "not found".
 */
export async function requireSession(db: Db, actor: Actor, id: string): Promise<repo.SessionWithAnswers> {
  if (actor.kind === 'patient' && actor.sessionId !== id) throw notFound('Chat session');
  if (actor.kind !== 'patient' && actor.kind !== 'staff') throw notFound('Chat session');
  const session = await repo.findSession(db, id, actor.kind === 'patient' ? actor.accountId : tenantScope(actor));
  if (!session) throw notFound('Chat session');
  return session;
}

export interface SessionState {
  bank: LoadedBank;
  stored: StoredAnswer[];
  walked: ReturnType<typeof walk>;
}

export async function sessionState(
  db: Db,
  session: repo.ChatSessionRow & { answers?: repo.AnswerRow[] },
): Promise<SessionState> {
  const bank = await loadBank(db, session.question_bank_version ?? CURRENT_BANK_VERSION);
  const stored: StoredAnswer[] = [];
  for (const row of session.answers ?? (await repo.loadAnswers(db, session.id))) {
    const question = bank.byId.get(row.question_id);
    if (question)
      stored.push({
        questionKey: question.key,
        iteration: row.iteration,
        answer: JSON.parse(row.answer ?? 'null') as AnswerValue,
      });
  }
  return { bank, stored, walked: walk(bank.questions, bank.startKey, stored) };
}

export function questionView(bank: LoadedBank, key: string, iteration: number) {
  const q = bank.byKey.get(key);
  return q ? { ...askedQuestion(q), iteration } : null;
}

/** The session as the API shows it; staff also see its latest eligibility result. */
export function toSessionDto(
  actor: Actor,
  session: repo.ChatSessionRow & { eligibility_result_id: string | null },
  state: SessionState,
) {
  const { bank, walked } = state;
  const current =
    session.status === 'in_progress' && walked.current
      ? questionView(bank, walked.current.questionKey, walked.current.iteration)
      : null;
  return {
    id: session.id,
    patientId: session.patient_id,
    status: session.status,
    source: session.source,
    questionBankVersion: session.question_bank_version,
    progress: session.status === 'completed' ? 100 : walked.progress,
    currentQuestion: current,
    readyToComplete: session.status === 'in_progress' && walked.current === null,
    answers: walked.path.map((step) => {
      const q = bank.byKey.get(step.questionKey);
      return {
        questionId: q?.id ?? null,
        questionKey: step.questionKey,
        text: q?.text ?? '',
        iteration: step.iteration,
        answer: step.answer,
      };
    }),
    riskProfile: session.risk_profile ?? null,
    profileNotes: session.profile_notes ?? [],
    ...(actor.kind === 'staff' ? { eligibilityResultId: session.eligibility_result_id } : {}),
    createdAt: isoInstant(session.created_at) as string,
    updatedAt: isoInstant(session.updated_at) as string,
    lastActivityAt: isoInstant(session.last_activity_at) as string,
    completedAt: isoInstant(session.completed_at),
  };
}

export async function startStaffSession(
  db: Db,
  context: ChatContext & { actor: StaffActor },
  input: { patientId: string; source: 'provider' | 'direct' },
) {
  const patient = await requirePatient(db, context.actor, input.patientId);
  if (patient.status === 'archived') throw conflict('The patient is archived');
  const session = await repo.startSession(
    db,
    { patientId: patient.id, source: input.source, inviteId: null, bankVersion: CURRENT_BANK_VERSION },
    {
      context,
      entry: {
        action: 'chat_session.create',
        resourceType: 'chat_session',
        patientId: patient.id,
        accountId: patient.account_id,
      },
      resourceIdColumn: 'id',
    },
  );
  return toSessionDto(
    context.actor,
    { ...session, eligibility_result_id: null },
    await sessionState(db, { ...session, answers: [] }),
  );
}

export async function getSession(db: Db, context: ChatContext, id: string) {
  const session = await requireSession(db, context.actor, id);
  await recordAudit(db, context, [sessionAudit('chat_session.read', session)]);
  return toSessionDto(context.actor, session, await sessionState(db, session));
}

export function requireInProgress(session: repo.ChatSessionRow): void {
  if (session.status !== 'in_progress') throw conflict(`The session is ${session.status.replace('_', ' ')}`);
}

function checkedAnswer(state: SessionState, questionKey: string, answer: unknown): AnswerValue {
  const question = state.bank.byKey.get(questionKey);
  if (!question) throw notFound('Question');
  const result = validateAnswer(question, answer, answerLookup(state.walked.path));
  if (!result.ok) throw unprocessable(result.message, [{ field: 'body.answer', message: result.message }]);
  return result.value;
}

async function saveAndPrune(
  db: Db,
  context: ChatContext,
  session: repo.SessionWithAnswers,
  state: SessionState,
  ref: { questionKey: string; iteration: number },
  value: AnswerValue,
  action: string,
) {
  const question = state.bank.byKey.get(ref.questionKey) as { id: number };
  const stored = state.stored.filter((s) => !(s.questionKey === ref.questionKey && s.iteration === ref.iteration));
  stored.push({ ...ref, answer: value });
  const walked = walk(state.bank.questions, state.bank.startKey, stored);
  const dropped = walked.unreachable.map((u) => ({
    questionId: (state.bank.byKey.get(u.questionKey) as { id: number }).id,
    iteration: u.iteration,
  }));
  const saved = await repo.saveAnswer(db, {
    sessionId: session.id,
    questionId: question.id,
    iteration: ref.iteration,
    json: JSON.stringify(value),
    dropped,
    audit: auditInsertFor('s', { context, entry: sessionAudit(action, session) }),
  });
  if (!saved) throw conflict('The session is no longer in progress');
  const kept = stored.filter(
    (s) => !walked.unreachable.some((u) => u.questionKey === s.questionKey && u.iteration === s.iteration),
  );
  return toSessionDto(context.actor, session, {
    bank: state.bank,
    stored: kept,
    walked: walk(state.bank.questions, state.bank.startKey, kept),
  });
}

/** Answers the current question; the session moves on to the next one of the branch. */
export async function answerQuestion(
  db: Db,
  context: ChatContext,
  id: string,
  input: { questionId: number; answer: unknown },
) {
  const session = await requireSession(db, context.actor, id);
  requireInProgress(session);
  const state = await sessionState(db, session);
  const current = state.walked.current;
  const currentQuestion = current ? state.bank.byKey.get(current.questionKey) : undefined;
  if (!current || !currentQuestion)
    throw conflict('Every question of this branch is answered; complete the session or change an earlier answer');
  if (currentQuestion.id !== input.questionId) {
    throw conflict('That is not the current question', {
      currentQuestion: questionView(state.bank, current.questionKey, current.iteration),
    });
  }
  const value = checkedAnswer(state, current.questionKey, input.answer);
  return saveAndPrune(db, context, session, state, current, value, 'chat_session.answer');
}

/** Changes an earlier answer; answers the new branch no longer reaches are dropped. */
export async function changeAnswer(
  db: Db,
  context: ChatContext,
  id: string,
  questionId: number,
  input: { answer: unknown; iteration?: number },
) {
  const session = await requireSession(db, context.actor, id);
  requireInProgress(session);
  const state = await sessionState(db, session);
  const question = state.bank.byId.get(questionId);
  const onPath = state.walked.path.filter((s) => s.questionKey === question?.key);
  const step = input.iteration === undefined ? onPath.at(-1) : onPath.find((s) => s.iteration === input.iteration);
  if (!question || !step) throw notFound('Answer');
  const value = checkedAnswer(
    { ...state, walked: { ...state.walked, path: state.walked.path.slice(0, state.walked.path.indexOf(step)) } },
    question.key,
    input.answer,
  );
  return saveAndPrune(db, context, session, state, step, value, 'chat_session.change_answer');
}

export async function abandonSession(db: Db, context: ChatContext, id: string) {
  const session = await requireSession(db, context.actor, id);
  requireInProgress(session);
  const row = await repo.abandonSession(db, session.id, {
    context,
    entry: sessionAudit('chat_session.abandon', session),
  });
  if (!row) throw conflict('The session is no longer in progress');
  // Answered in between: the answers read with the session are stale, so the response reads them again.
  const answers = row.activity_version === session.activity_version ? session.answers : undefined;
  return toSessionDto(
    context.actor,
    { ...row, eligibility_result_id: session.eligibility_result_id },
    await sessionState(db, { ...row, answers }),
  );
}

export async function listPatientSessions(
  db: Db,
  context: ChatContext & { actor: StaffActor },
  patientId: string,
  query: { limit: number; cursor?: string },
) {
  const patient = await requirePatient(db, context.actor, patientId);
  const rows = await repo.listSessionsOfPatient(db, patient.id, {
    after: decodeCursor(query.cursor, 'instant') as [string, string] | undefined,
    limit: query.limit,
  });
  return auditedPage(
    db,
    context,
    rows,
    query.limit,
    (r) => sessionAudit('chat_session.list', { ...r, account_id: patient.account_id }),
    (r) => [r.cursor_created_at, r.id],
    (r) => ({
      id: r.id,
      patientId: r.patient_id,
      status: r.status,
      source: r.source,
      questionBankVersion: r.question_bank_version,
      createdAt: isoInstant(r.created_at) as string,
      lastActivityAt: isoInstant(r.last_activity_at) as string,
      completedAt: isoInstant(r.completed_at),
    }),
  );
}
