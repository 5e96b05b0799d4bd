import type { Db } from '../core/db.ts';
import * as repo from './chat.repository.ts';

export const CURRENT_BANK_VERSION = 'genascope-risk-2026.1';

/** Accepting an invite resumes its session in progress, or starts one. */
export async function startInviteSession(db: Db, input: { inviteId: string; patientId: string }): Promise<repo.ChatSessionRow> {
  const existing = await repo.findSessionForInvite(db, input.inviteId, 'in_progress');
  if (existing) return existing;
  return repo.insertSession(db, { patientId: input.patientId, source: 'invite', inviteId: input.inviteId, bankVersion: CURRENT_BANK_VERSION });
}
