import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'kysely';
import { StateMachine } from 'aws-local-stepfunctions';
import { useDb } from '../../functions/core/db.ts';
import { seedDemoData, type SeedResult } from '../../functions/local/seed.ts';
import { handler as lifecycleTask } from '../../functions/invites/lifecycle-task.ts';
import { lifecycleInput } from '../../functions/invites/invites.service.ts';
import { INVITE_LIFECYCLE_TASKS } from '../../functions/invites/invite-lifecycle.workflow.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { synthesizedStateMachine } from '../support/state-machines.ts';

let database: TestDatabase;
let seed: SeedResult;
let definition: Record<string, unknown>;

beforeAll(async () => {
  database = await createTestDatabase();
  useDb(database.db);
  seed = await seedDemoData(database.db);
  definition = synthesizedStateMachine('InviteLifecycleStateMachine');
}, 120_000);

afterAll(async () => {
  await database.destroy();
});

/** Runs the synthesized definition with every task bound to the real task Lambda handler and no real waiting. */
async function runLifecycle(input: Record<string, unknown>) {
  const machine = new StateMachine(definition as never);
  const entered: string[] = [];
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: Object.fromEntries(
        Object.keys(INVITE_LIFECYCLE_TASKS).map((state) => [state, (i: unknown) => lifecycleTask(i as never)]),
      ) as never,
      waitTimeOverrides: { WaitUntilReminder: 0, WaitUntilExpiry: 0 },
    },
  });
  const collect = (async () => {
    for await (const event of execution.eventLogs)
      if (event.type === 'StateEntered') entered.push((event as { state: { name: string } }).state.name);
  })();
  const result = (await execution.result) as Record<string, unknown>;
  await collect;
  return { result, entered };
}

async function newInvite(expiresIn: string) {
  const accountId = seed.accounts['Demo Clinic'] as string;
  const patient = await database.db
    .insertInto('patients')
    .values({
      account_id: accountId,
      first_name: 'Wf',
      last_name: `Test${Math.random()}`,
      email: `wf${Math.random()}@example.com`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return database.db
    .insertInto('invites')
    .values({
      account_id: accountId,
      patient_id: patient.id,
      email: patient.email,
      first_name: 'Wf',
      last_name: patient.last_name,
      token_hash: `hash-${Math.random()}`,
      expires_at: sql<Date>`now() + cast(${expiresIn} as interval)`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

const reminders = async (inviteId: string) =>
  (
    await database.db
      .selectFrom('email_outbox')
      .select('id')
      .where('related_id', '=', inviteId)
      .where('kind', '=', 'invite_reminder')
      .execute()
  ).length;
const statusOf = async (inviteId: string) =>
  await database.db
    .selectFrom('invites')
    .select(['status', 'reminder_sent_at'])
    .where('id', '=', inviteId)
    .executeTakeFirstOrThrow();

const inputFor = (invite: Awaited<ReturnType<typeof newInvite>>, overrides: Record<string, unknown> = {}) => ({
  ...lifecycleInput(invite),
  sendReminder: true,
  ...overrides,
});

describe('invite lifecycle state machine (definition extracted from the synthesized template)', () => {
  test('sends exactly one reminder to a pending invite inside the reminder window; expiry waits until it is due', async () => {
    const invite = await newInvite('1 hour');
    const first = await runLifecycle(inputFor(invite));
    expect(first.entered).toEqual([
      'ReminderWanted',
      'WaitUntilReminder',
      'SendReminder',
      'StillCurrent',
      'WaitUntilExpiry',
      'ExpireInvite',
    ]);
    expect(await reminders(invite.id)).toBe(1);
    expect((await statusOf(invite.id)).status).toBe('pending');
    await runLifecycle(inputFor(invite));
    expect(await reminders(invite.id)).toBe(1);
  });

  test('expires a pending invite whose time has come, without a late reminder', async () => {
    const invite = await newInvite('-1 minute');
    const { result } = await runLifecycle(inputFor(invite));
    expect(result.expiry).toEqual({ expired: true });
    expect(await reminders(invite.id)).toBe(0);
    expect((await statusOf(invite.id)).status).toBe('expired');
  });

  test('a completed invite is neither reminded nor expired', async () => {
    const invite = await newInvite('-1 minute');
    await database.db
      .updateTable('invites')
      .set({ status: 'completed', completed_at: sql`now()` })
      .where('id', '=', invite.id)
      .execute();
    const { result } = await runLifecycle(inputFor(invite));
    expect(result.expiry).toEqual({ expired: false });
    expect((await statusOf(invite.id)).status).toBe('completed');
    expect(await reminders(invite.id)).toBe(0);
  });

  test('an execution of a superseded version (resent or revoked) changes nothing and stops', async () => {
    const invite = await newInvite('1 hour');
    await database.db.updateTable('invites').set({ lifecycle_version: 2 }).where('id', '=', invite.id).execute();
    const { entered, result } = await runLifecycle(inputFor(invite, { lifecycleVersion: 1 }));
    expect(entered.at(-1)).toBe('Superseded');
    expect(result.expiry).toBeUndefined();
    expect(await reminders(invite.id)).toBe(0);
    const expiredOld = await newInvite('-1 minute');
    await database.db.updateTable('invites').set({ lifecycle_version: 3 }).where('id', '=', expiredOld.id).execute();
    await runLifecycle(inputFor(expiredOld, { lifecycleVersion: 2, sendReminder: false }));
    expect((await statusOf(expiredOld.id)).status).toBe('pending');
  });

  test('without a reminder window the machine goes straight to expiry', async () => {
    const invite = await newInvite('-1 minute');
    const { entered } = await runLifecycle(inputFor(invite, { sendReminder: false }));
    expect(entered).toEqual(['ReminderWanted', 'WaitUntilExpiry', 'ExpireInvite']);
    expect((await statusOf(invite.id)).status).toBe('expired');
  });
});
