/**
 * Completing a chat session: the RiskProfile built from the answers, its eligibility result (the NCCN rules and
 * the risk models) and the session's completion. An area of its own (its own Lambda) because it is the only chat
 * route that needs the clinical rules and models: the chat Lambda, which serves every answer, stays without them.
 */
import { conflict } from '../core/errors.ts';
import type { Db } from '../core/db.ts';
import * as repo from '../chat/chat.repository.ts';
import {
  questionView,
  requireInProgress,
  requireSession,
  sessionAudit,
  sessionState,
  toSessionDto,
  type ChatContext,
} from '../chat/chat.service.ts';
import { buildRiskProfile } from '../chat/question-bank/build-profile.ts';
import { assessmentOf, resultCreatedAudit } from '../eligibility/eligibility.service.ts';
import type { RiskProfile } from '../eligibility/risk-profile.schema.ts';

/** Reads of a session that a concurrent answer may make stale before a completion retries from the start. */
const COMPLETE_ATTEMPTS = 3;

/**
 * Completes a session whose branch has ended: stores the RiskProfile built from the answers, marks the
 * invite completed and stores an eligibility result, all in one statement. The completion only happens
 * while the answers are those the profile was built from; an answer changed meanwhile sends it round again.
 */
export async function completeSession(db: Db, context: ChatContext, id: string) {
  for (let attempt = 1; attempt <= COMPLETE_ATTEMPTS; attempt += 1) {
    const session = await requireSession(db, context.actor, id);
    requireInProgress(session);
    const state = await sessionState(db, session);
    if (state.walked.current) {
      throw conflict('The questionnaire is not finished', {
        currentQuestion: questionView(state.bank, state.walked.current.questionKey, state.walked.current.iteration),
      });
    }
    const { profile, notes } = buildRiskProfile(state.walked.path, state.bank.questions);
    const result = await assessmentOf({
      patientId: session.patient_id,
      accountId: session.account_id,
      sessionId: session.id,
      profile: profile as RiskProfile,
    });
    const completed = await repo.completeSession(db, {
      id: session.id,
      activityVersion: session.activity_version,
      profile,
      notes,
      audit: { context, entry: sessionAudit('chat_session.complete', session) },
      result,
      resultAudit: { context, entry: resultCreatedAudit(result) },
    });
    const dto = completed && toSessionDto(context.actor, completed, state);
    if (dto) return dto;
  }
  throw conflict('The answers kept changing while the session was being completed; try again');
}
