import type { AuditFor } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import * as repo from './chat.repository.ts';
import { CURRENT_BANK_VERSION } from './question-bank/current-version.ts';

// Session changes started from outside the chat API (accepting an invite, the daily sweep). Apart from
// chat.service.ts, so that the invites area and the sweep do not bundle the eligibility rules completion needs.

/** Accepting an invite resumes its session in progress, or starts one; `audit` names the session (`resourceIdColumn: 'id'`). */
export async function startInviteSession(
  db: Db,
  input: { inviteId: string; patientId: string },
  audit: AuditFor,
): Promise<repo.ChatSessionRow> {
  return repo.resumeOrStartInviteSession(
    db,
    { ...input, bankVersion: CURRENT_BANK_VERSION },
    { ...audit, resourceIdColumn: 'id' },
  );
}

/** The daily sweep behind "abandoned after 30 days without activity". */
export async function abandonStaleSessions(db: Db): Promise<number> {
  const actor = { kind: 'system', name: 'session-sweep', accountId: null } as const;
  const rows = await repo.abandonStaleSessions(db, {
    context: { actor, requestId: 'scheduled:session-sweep' },
    entry: { action: 'chat_session.abandon_idle', resourceType: 'chat_session' },
  });
  return rows.length;
}
