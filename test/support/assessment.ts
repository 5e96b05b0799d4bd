import { expect } from 'vitest';
import { sql } from 'kysely';
import type { TestApi } from './api.ts';

/** One answer of the questionnaire: the question key and the answer (null = "I don't know"). */
export type Step = [key: string, answer: unknown];

/** The invite token at the end of a patient link. */
export const tokenOf = (link: string) => link.split('/').pop() as string;

/** Answers `steps` in order; each must be the session's current question when it is answered. */
export async function answerSteps(api: TestApi, sessionId: string, token: string, steps: Step[]) {
  let session = (await api.request('GET', `/v1/chat-sessions/${sessionId}`, { token })).body;
  for (const [key, answer] of steps) {
    expect(session.currentQuestion?.key, `current question before answering ${key}`).toBe(key);
    const response = await api.request('POST', `/v1/chat-sessions/${sessionId}/answers`, {
      token,
      body: { questionId: session.currentQuestion.id, answer },
    });
    expect(response.status, `answering ${key}: ${response.text}`).toBe(200);
    session = response.body;
  }
  return session;
}

/**
 * Runs `action` while a test transaction holds the row lock of `table`.`id`, and releases it only once `waiters`
 * statements wait for it: requests racing for one row then all get past their reads before any of them writes.
 */
export async function whileRowLocked<T>(
  api: TestApi,
  table: 'eligibility_results' | 'chat_sessions' | 'users' | 'accounts',
  id: string,
  waiters: number,
  action: () => Promise<T>,
): Promise<T> {
  const { pending } = await api.db.transaction().execute(async (trx) => {
    await sql`select id from ${sql.table(table)} where id = ${id} for update`.execute(trx);
    const started = action();
    started.catch(() => undefined);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(
        api.db,
      );
      if ((rows[0]?.n ?? 0) >= waiters) break;
      if (Date.now() > deadline) throw new Error(`Only ${rows[0]?.n} of ${waiters} statements waited for the lock`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return { pending: started };
  });
  return pending;
}
