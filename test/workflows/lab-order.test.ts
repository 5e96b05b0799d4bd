import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { StateMachine } from 'aws-local-stepfunctions';
import { sql } from 'kysely';
import { useDb } from '../../functions/core/db.ts';
import { rootLogger } from '../../functions/core/logger.ts';
import { useWorkflowStarter } from '../../functions/core/workflows.ts';
import { createLocalWorkflowRunner } from '../../functions/local/workflows.ts';
import { seedDemoData, type SeedResult } from '../../functions/local/seed.ts';
import { receiveLabResult } from '../../functions/lab-webhooks/lab-webhooks.service.ts';
import type { LabResultWebhook } from '../../functions/lab-webhooks/lab-webhooks.schemas.ts';
import { sandboxAdapter, sandboxExternalOrderId, useLabAdapter } from '../../functions/labs/lab-adapters.ts';
import { notifyResult } from '../../functions/labs/lab-order-lifecycle.ts';
import {
  LAB_ORDER_TASKS,
  LAB_RESULT_TIMEOUT_SECONDS,
  WAIT_FOR_TASK_TOKEN,
  labOrderDefinition,
} from '../../functions/labs/lab-order.workflow.ts';
import * as repo from '../../functions/labs/labs.repository.ts';
import { cancelOrder } from '../../functions/labs/labs.service.ts';
import { TaskTokenGoneError, workflowCallbacks } from '../../functions/labs/workflow-callbacks.ts';
import { workflows } from '../../functions/workflows.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { synthesizedStateMachine } from '../support/state-machines.ts';

let database: TestDatabase;
let seed: SeedResult;
let patientId: string;
let clinicianId: string;
let accountId: string;
let runner: ReturnType<typeof createLocalWorkflowRunner> | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  useDb(database.db);
  seed = await seedDemoData(database.db);
  accountId = seed.accounts['Demo Clinic'] as string;
  clinicianId = seed.users['clinician@demo-clinic.test'] as string;
  const patient = await database.db
    .selectFrom('patients')
    .select('id')
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  patientId = patient.id;
});
afterEach(() => {
  runner?.abortAll();
  runner = undefined;
});
afterAll(async () => {
  await database?.destroy();
});

/** A fresh in-process runner (it registers the local SendTaskSuccess/StopExecution) with the test's options. */
function startRunner(options: Parameters<typeof createLocalWorkflowRunner>[0] = {}) {
  runner = createLocalWorkflowRunner(options);
  useWorkflowStarter(runner.starter);
  return runner;
}

/** The audit row a fixture's direct repository write records. */
const fixtureAudit = (action: string) => ({
  context: { actor: { kind: 'system' as const, name: 'test', accountId }, requestId: 'test' },
  entry: { action, resourceType: 'lab_order', patientId, accountId },
  resourceIdColumn: 'id',
});

async function newOrder() {
  const values = {
    accountId,
    patientId,
    providerId: clinicianId,
    eligibilityResultId: null,
    labId: 'sandbox',
    testType: 'breast-ovarian-panel',
    insuranceInformation: null,
    notes: null,
  };
  return repo.insertOrder(database.db, values, fixtureAudit('lab_order.create'));
}

async function start(order: repo.LabOrderRow) {
  const r = runner as NonNullable<typeof runner>;
  await r.starter('lab-order', order.execution_name as string, { orderId: order.id });
  return r.executions.find((e) => e.name === order.execution_name) as (typeof r.executions)[number];
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const order = (id: string) =>
  database.db.selectFrom('lab_orders').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const mailsAbout = (orderId: string) =>
  database.db.selectFrom('email_outbox').selectAll().where('related_id', '=', orderId).orderBy('created_at').execute();

function report(orderId: string, reportStatus: LabResultWebhook['data']['reportStatus'] = 'final'): LabResultWebhook {
  return {
    type: 'lab_result.reported',
    timestamp: new Date().toISOString(),
    data: {
      orderId,
      reportStatus,
      reportedAt: new Date().toISOString(),
      interpretation: 'positive',
      variants: [
        {
          gene: 'BRCA2',
          hgvsC: 'c.5946del',
          hgvsP: 'p.Ser1982fs',
          zygosity: 'heterozygous',
          classification: 'pathogenic',
        },
      ],
    },
  };
}

function deliver(orderId: string, reportStatus?: LabResultWebhook['data']['reportStatus']) {
  const payload = report(orderId, reportStatus);
  return receiveLabResult(database.db, {
    labId: 'sandbox',
    webhookId: `msg_${crypto.randomUUID()}`,
    rawBody: JSON.stringify(payload),
    payload,
    requestId: 'test',
    log: rootLogger,
  });
}

describe('lab order definition', () => {
  test('the state machine in the synthesized template is exactly the definition executed in these tests', () => {
    const deployed = synthesizedStateMachine('LabOrderStateMachine') as ReturnType<typeof labOrderDefinition>;
    const taskArn = (deployed.States.AwaitResult.Parameters as { FunctionName: string }).FunctionName;
    expect(taskArn).toMatch(/^arn:aws:lambda:.*WorkflowsLabOrderTask/);
    expect(deployed).toEqual(labOrderDefinition(taskArn));
  }, 120_000);

  test('is registered, valid ASL, and waits on a task token with a long timeout caught as overdue', () => {
    const workflow = workflows.find((w) => w.name === 'lab-order');
    expect(workflow?.taskEntry).toBe('functions/labs/lab-order-task.ts');
    expect(workflow?.startedBy).toEqual(['labs']);
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:lab-order-task';
    const definition = labOrderDefinition(arn);
    expect(
      () => new StateMachine(definition as never, { validationOptions: { checkArn: true, checkPaths: true } }),
    ).not.toThrow();
    expect(Object.keys(LAB_ORDER_TASKS).every((name) => name in definition.States)).toBe(true);
    const wait = definition.States.AwaitResult;
    expect(wait.Resource).toBe(WAIT_FOR_TASK_TOKEN);
    expect(wait.Parameters).toEqual({
      FunctionName: arn,
      Payload: { action: 'await_result', 'orderId.$': '$.orderId', 'taskToken.$': '$$.Task.Token' },
    });
    expect(wait.TimeoutSeconds).toBe(LAB_RESULT_TIMEOUT_SECONDS);
    expect(LAB_RESULT_TIMEOUT_SECONDS).toBe(30 * 24 * 3600);
    expect(wait.Catch).toEqual([{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'MarkOverdue' }]);
  });
});

describe('lab order workflow (aws-local-stepfunctions)', () => {
  test('submit, wait with a stored token, resume on the result callback, notify the clinician', async () => {
    startRunner();
    const created = await newOrder();
    const execution = await start(created);
    const waiting = await waitFor('the task token', async () => (await order(created.id)).task_token);
    expect(runner?.waitingTokens(created.execution_name as string)).toEqual([waiting]);
    const submitted = await order(created.id);
    expect(submitted.status).toBe('processing');
    expect(submitted.external_order_id).toBe(sandboxExternalOrderId(created.id));
    expect(submitted.submitted_at).not.toBeNull();

    const delivered = await deliver(created.id);
    expect(delivered).toMatchObject({ status: 'processed', version: 1 });
    const output = (await execution.result) as {
      result: { resultId: string; version: number };
      notification: { notified: boolean };
    };
    expect(output.result).toMatchObject({
      resultId: (delivered as { resultId: string }).resultId,
      version: 1,
      reportStatus: 'final',
    });
    expect(output.notification).toEqual({ notified: true });

    const done = await order(created.id);
    expect(done.status).toBe('completed');
    expect(done.task_token).toBeNull();
    const mails = await mailsAbout(created.id);
    expect(mails.map((m) => m.kind)).toEqual(['lab_result_available']);
    expect(mails[0]?.to_address).toBe('clinician@demo-clinic.test');
    // No PHI in the notice: no patient, no gene, no finding.
    expect(`${mails[0]?.subject} ${mails[0]?.text_body}`).not.toMatch(/BRCA|positive|pathogenic|Garcia|Cohen|Nguyen/i);
    const audit = await database.db
      .selectFrom('audit_events')
      .select('action')
      .where('resource_id', '=', created.id)
      .execute();
    expect(audit.map((a) => a.action)).toContain('lab_order.submit');
    // The token was used: completing it again is refused like Step Functions refuses it.
    await expect(workflowCallbacks().sendTaskSuccess(waiting, {})).rejects.toBeInstanceOf(TaskTokenGoneError);
  });

  test('a result that arrives before the token is stored resumes the execution at once, notifying once', async () => {
    startRunner();
    const created = await newOrder();
    // A preliminary report while the order is still `ordered` (no execution waits yet): stored, clinician told.
    await deliver(created.id, 'preliminary');
    const execution = await start(created);
    const output = (await execution.result) as { result: { version: number }; notification: { notified: boolean } };
    expect(output.result.version).toBe(1);
    expect(output.notification).toEqual({ notified: false });
    expect((await mailsAbout(created.id)).map((m) => m.kind)).toEqual(['lab_result_available']);
    const done = await order(created.id);
    expect(done.status).toBe('processing');
    expect(done.task_token).toBeNull();
  });

  test('timeout path: no result within the timeout marks the order overdue and tells the clinician; a late result is still taken', async () => {
    startRunner({ taskTimeoutOverrides: { AwaitResult: 1 } });
    const created = await newOrder();
    const execution = await start(created);
    const output = (await execution.result) as { timeout: { Error: string }; overdue: { overdue: boolean } };
    expect(output.timeout.Error).toBe('States.Timeout');
    expect(output.overdue).toEqual({ overdue: true });
    const overdue = await order(created.id);
    expect(overdue.overdue_at).not.toBeNull();
    expect(overdue.status).toBe('processing');
    expect(overdue.task_token).toBeNull();
    expect((await mailsAbout(created.id)).map((m) => m.kind)).toEqual(['lab_order_overdue']);

    const late = await deliver(created.id);
    expect(late.status).toBe('processed');
    expect((await order(created.id)).status).toBe('completed');
    expect((await mailsAbout(created.id)).map((m) => m.kind)).toEqual(['lab_order_overdue', 'lab_result_available']);
  });

  test('cancel stops the waiting execution and asks the lab to cancel', async () => {
    startRunner();
    const cancelled: string[] = [];
    const restore = useLabAdapter('sandbox', {
      submit: sandboxAdapter.submit,
      cancel: async (o) => void cancelled.push(o.orderId),
    });
    try {
      const created = await newOrder();
      const execution = await start(created);
      const token = await waitFor('the task token', async () => (await order(created.id)).task_token);
      const context = {
        actor: { kind: 'staff' as const, userId: clinicianId, role: 'clinician' as const, accountId },
        requestId: 'test',
      };
      const dto = await cancelOrder(database.db, context, created.id);
      expect(dto.status).toBe('cancelled');
      expect(await execution.result).toBeNull(); // aborted, as a stopped execution
      expect(cancelled).toEqual([created.id]);
      const row = await order(created.id);
      expect(row.cancelled_at).not.toBeNull();
      expect(row.task_token).toBeNull();
      expect(runner?.waitingTokens()).toEqual([]);
      await expect(workflowCallbacks().sendTaskSuccess(token, {})).rejects.toBeInstanceOf(TaskTokenGoneError);
      // Cancelling again changes nothing.
      expect((await cancelOrder(database.db, context, created.id)).status).toBe('cancelled');
    } finally {
      restore();
    }
  });

  test('an order cancelled before the lab took it is not submitted', async () => {
    startRunner();
    const created = await newOrder();
    await repo.cancelOrder(database.db, created.id, fixtureAudit('lab_order.cancel'));
    const execution = await start(created);
    expect(await execution.result).toMatchObject({ submission: { submitted: false, reason: 'cancelled' } });
    expect((await order(created.id)).external_order_id).toBeNull();
  });

  test('submission that keeps failing tells the clinician and fails the execution', async () => {
    startRunner({ retryIntervalOverrideMs: 0 });
    let attempts = 0;
    const restore = useLabAdapter('sandbox', {
      submit: async () => {
        attempts += 1;
        throw new Error('lab unavailable');
      },
      cancel: sandboxAdapter.cancel,
    });
    try {
      const created = await newOrder();
      const execution = await start(created);
      await expect(execution.result).rejects.toThrow();
      expect(attempts).toBe(6); // the first attempt and five retries
      expect((await order(created.id)).status).toBe('ordered');
      expect((await mailsAbout(created.id)).map((m) => m.kind)).toEqual(['lab_order_submission_failed']);
    } finally {
      restore();
    }
  });
});

describe('result notification', () => {
  test('a notice that cannot be sent gives its claim back, so that the next caller sends it once', async () => {
    const created = await newOrder();
    // The outbox refuses the notice, as a failed send would.
    await sql`alter table email_outbox add constraint test_refuse_result_notices check (kind <> 'lab_result_available') not valid`.execute(
      database.db,
    );
    try {
      await expect(deliver(created.id)).rejects.toThrow();
    } finally {
      await sql`alter table email_outbox drop constraint test_refuse_result_notices`.execute(database.db);
    }
    const result = await database.db
      .selectFrom('lab_results')
      .select(['id', 'notified_at'])
      .where('order_id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(result.notified_at).toBeNull();
    expect(await notifyResult(database.db, result.id)).toBe(true);
    expect(await notifyResult(database.db, result.id)).toBe(false);
    expect((await mailsAbout(created.id)).map((m) => m.kind)).toEqual(['lab_result_available']);
  });
});
