import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'kysely';
import type { Db } from '../../functions/core/db.ts';
import { useDb } from '../../functions/core/db.ts';
import { abandonStaleSessions } from '../../functions/chat/session-lifecycle.ts';
import { handler as abandonStaleTask } from '../../functions/chat/abandon-stale-task.ts';
import { seedDemoData } from '../../functions/local/seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { DIALECTS, kyselyFor } from '../support/dialects.ts';

/** The daily sweep behind "abandoned after 30 days without activity", on both dialects. */
describe.each(DIALECTS)('abandonStaleSessions (%s)', (dialect) => {
  let database: TestDatabase;
  let handle: { db: Db; destroy(): Promise<void> };
  let patientId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemoData(database.db);
    handle = await kyselyFor(dialect, database.url);
    patientId = (await database.db.selectFrom('patients').select('id').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => {
    await handle?.destroy();
    await database?.destroy();
  });

  /** A session of `status` whose last activity was `idleDays` ago. */
  async function session(status: 'in_progress' | 'completed' | 'abandoned', idleDays: number): Promise<string> {
    const row = await database.db
      .insertInto('chat_sessions')
      .values({
        patient_id: patientId,
        source: 'direct',
        status,
        question_bank_version: 'genascope-risk-2026.1',
        completed_at: status === 'completed' ? sql`now() - make_interval(days => ${idleDays})` : null,
        last_activity_at: sql`now() - make_interval(days => ${idleDays})`,
        updated_at: sql`now() - make_interval(days => ${idleDays})`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  const rowOf = (id: string) =>
    database.db.selectFrom('chat_sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  test('abandons in-progress sessions idle for more than 30 days, and nothing else', async () => {
    const stale = await session('in_progress', 31);
    const veryStale = await session('in_progress', 400);
    const recent = await session('in_progress', 29);
    const active = await session('in_progress', 0);
    const completedLongAgo = await session('completed', 90);
    const abandonedLongAgo = await session('abandoned', 90);
    const before = await rowOf(completedLongAgo);

    expect(await abandonStaleSessions(handle.db)).toBe(2);

    for (const id of [stale, veryStale]) {
      const row = await rowOf(id);
      expect(row.status).toBe('abandoned');
      // updated_at records the sweep; last_activity_at keeps the patient's last activity.
      expect(Date.now() - new Date(row.updated_at).getTime()).toBeLessThan(60_000);
      expect(Date.now() - new Date(row.last_activity_at).getTime()).toBeGreaterThan(30 * 86_400_000);
    }
    expect((await rowOf(recent)).status).toBe('in_progress');
    expect((await rowOf(active)).status).toBe('in_progress');
    expect(await rowOf(completedLongAgo)).toEqual(before);
    expect((await rowOf(abandonedLongAgo)).status).toBe('abandoned');

    // Nothing left to do on a second run.
    expect(await abandonStaleSessions(handle.db)).toBe(0);
  });

  test('each abandoned session gets its audit row, naming its patient and clinic', async () => {
    const stale = await session('in_progress', 60);
    const recent = await session('in_progress', 1);
    expect(await abandonStaleSessions(handle.db)).toBe(1);
    const accountId = (
      await database.db
        .selectFrom('patients')
        .select('account_id')
        .where('id', '=', patientId)
        .executeTakeFirstOrThrow()
    ).account_id;
    const audit = await database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('resource_id', 'in', [stale, recent])
      .execute();
    expect(audit.map((a) => [a.action, a.resource_id, a.patient_id, a.account_id, a.actor_type, a.request_id])).toEqual(
      [['chat_session.abandon_idle', stale, patientId, accountId, 'system', 'scheduled:session-sweep']],
    );
  });

  test('the scheduled task runs the sweep and reports the count', async () => {
    const stale = await session('in_progress', 45);
    useDb(handle.db);
    expect(await abandonStaleTask()).toEqual({ abandoned: 1 });
    expect((await rowOf(stale)).status).toBe('abandoned');
    expect(await abandonStaleTask()).toEqual({ abandoned: 0 });
  });
});
