import { getDb } from '../core/db.ts';
import { expireInvite, sendReminder } from './invites.service.ts';

export interface LifecycleTaskInput {
  action: 'remind' | 'expire';
  inviteId: string;
  lifecycleVersion: number;
}

/** The Lambda behind the invite lifecycle's task states. */
export async function handler(input: LifecycleTaskInput) {
  const db = await getDb();
  if (input.action === 'remind') return sendReminder(db, input.inviteId, input.lifecycleVersion);
  if (input.action === 'expire') return expireInvite(db, input.inviteId, input.lifecycleVersion);
  throw new Error(`Unknown lifecycle action ${String((input as { action?: unknown }).action)}`);
}
