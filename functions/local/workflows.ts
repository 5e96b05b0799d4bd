import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import type { WorkflowStarter } from '../core/workflows.ts';
import { rootLogger } from '../core/logger.ts';
import { TaskTokenGoneError, useWorkflowCallbacks, type WorkflowCallbacks } from '../labs/workflow-callbacks.ts';
import { workflows, type WorkflowDef } from '../workflows.ts';

const LOCAL_TASK_ARN = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:genascope-local-${name}`;

/** Node timers hold at most 2^31-1 ms (~24.8 days); a longer delay fires at once. */
const MAX_TIMER_SECONDS = Math.floor(2_147_483_647 / 1000);
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const WAIT_FOR_TASK_TOKEN = '.waitForTaskToken';

type TaskHandler = (input: unknown) => Promise<unknown>;
interface TaskState {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  Retry?: unknown[];
}
type Definition = { States: Record<string, TaskState> } & Record<string, unknown>;

export interface LocalExecution {
  workflow: string;
  name: string;
  result: Promise<unknown>;
  abort(): void;
}

interface Waiter {
  execution: string;
  resolve(output: unknown): void;
  reject(error: Error): void;
}

/** A task failure as Step Functions reports it: the error name is what `Catch`/`Retry` match on. */
class TaskFailure extends Error {
  constructor(name: string, cause?: string) {
    super(cause ?? name);
    this.name = name;
  }
}

/**
 * Runs workflows in-process with aws-local-stepfunctions, the task states bound to the same task
 * handlers the Lambdas run. Waits are real (an invite's reminder fires days later in a long-running
 * `npm start`); the task handlers' own time checks keep early wake-ups harmless.
 *
 * Callback tasks (`arn:aws:states:::lambda:invoke.waitForTaskToken`): aws-local-stepfunctions runs every Task state
 * alike (it calls the bound handler with the state's processed Parameters and takes its return value) and has no
 * task tokens, so the same definition is bound differently here:
 * - `$$.Task.Token` resolves from the run's context object, which carries a fresh local token per callback task;
 * - the binding registers the token, calls the task handler with `Payload` (as Lambda receives it), then waits
 *   for `callbacks.sendTaskSuccess(token, output)` / `sendTaskFailure(token, error)`, the local equivalents of
 *   SendTaskSuccess / SendTaskFailure, registered for the code that resumes executions (useWorkflowCallbacks);
 * - the state's TimeoutSeconds still applies (States.Timeout, caught by the definition), capped to what a Node timer
 *   can hold, and `taskTimeoutOverrides` (seconds, by state name) lets tests shorten it, as waitOverrideMs does for Waits.
 * `callbacks.stopExecution` aborts the execution, like StopExecution.
 */
export function createLocalWorkflowRunner(
  options: {
    waitOverrideMs?: number;
    taskTimeoutOverrides?: Record<string, number>;
    retryIntervalOverrideMs?: number;
  } = {},
) {
  const executions: LocalExecution[] = [];
  const waiters = new Map<string, Waiter>();

  function dropWaiters(executionName: string): void {
    for (const [token, waiter] of waiters) if (waiter.execution === executionName) waiters.delete(token);
  }

  function take(taskToken: string): Waiter {
    const waiter = waiters.get(taskToken);
    if (!waiter) throw new TaskTokenGoneError('TaskDoesNotExist');
    waiters.delete(taskToken);
    return waiter;
  }

  const callbacks: WorkflowCallbacks = {
    async sendTaskSuccess(taskToken, output) {
      // JSON, as Step Functions carries it.
      take(taskToken).resolve(JSON.parse(JSON.stringify(output)) as unknown);
    },
    async sendTaskFailure(taskToken, error, cause) {
      take(taskToken).reject(new TaskFailure(error, cause));
    },
    async stopExecution(workflow, executionName) {
      for (const execution of executions) {
        if (execution.workflow === workflow && execution.name === executionName) execution.abort();
      }
      dropWaiters(executionName);
    },
  };
  useWorkflowCallbacks(callbacks);

  /** Local timeouts: overrides by state name, and nothing beyond a Node timer's range. */
  function localDefinition(definition: Definition): Definition {
    const states: Record<string, TaskState> = {};
    for (const [name, state] of Object.entries(definition.States)) {
      const override = options.taskTimeoutOverrides?.[name];
      if (state.Type === 'Task' && (override !== undefined || (state.TimeoutSeconds ?? 0) > MAX_TIMER_SECONDS)) {
        states[name] = {
          ...state,
          TimeoutSeconds: Math.min(override ?? (state.TimeoutSeconds as number), MAX_TIMER_SECONDS),
        };
      } else {
        states[name] = state;
      }
    }
    return { ...definition, States: states };
  }

  async function taskHandlers(
    workflow: WorkflowDef,
    definition: Definition,
    executionName: string,
    context: { Task: { Token: string } },
  ) {
    const { handler } = await workflow.loadTask();
    const bindings: Record<string, TaskHandler> = {};
    for (const stateName of workflow.taskStates) {
      const resource = definition.States[stateName]?.Resource ?? '';
      if (resource.startsWith(LAMBDA_INVOKE) && resource.endsWith(WAIT_FOR_TASK_TOKEN)) {
        bindings[stateName] = async (input) => {
          const token = context.Task.Token;
          // The next entry into a callback state gets a new token, as in Step Functions.
          context.Task.Token = newToken(executionName);
          const resumed = new Promise<unknown>((resolve, reject) =>
            waiters.set(token, { execution: executionName, resolve, reject }),
          );
          try {
            await handler((input as { Payload?: unknown }).Payload as never);
          } catch (error) {
            waiters.delete(token);
            throw error;
          }
          return resumed;
        };
      } else if (resource.startsWith(LAMBDA_INVOKE)) {
        bindings[stateName] = async (input) => ({
          StatusCode: 200,
          Payload: await handler((input as { Payload?: unknown }).Payload as never),
        });
      } else {
        bindings[stateName] = (input) => handler(input as never);
      }
    }
    return bindings;
  }

  const starter: WorkflowStarter = async (name, executionName, input) => {
    const workflow = workflows.find((w) => w.name === name);
    if (!workflow) throw new Error(`Unknown workflow ${name}`);
    const definition = localDefinition(workflow.definition(LOCAL_TASK_ARN(workflow.name)) as Definition);
    const machine = new StateMachine(definition as never, { validationOptions: { checkArn: true } });
    const stateNames = (type: string) =>
      Object.entries(definition.States)
        .filter(([, state]) => state.Type === type)
        .map(([stateName]) => stateName);
    const context = { Task: { Token: newToken(executionName) } };
    const retried = Object.entries(definition.States)
      .filter(([, state]) => Array.isArray(state.Retry))
      .map(([stateName]) => stateName);
    const run = machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: (await taskHandlers(workflow, definition, executionName, context)) as never,
        ...(options.waitOverrideMs !== undefined
          ? {
              waitTimeOverrides: Object.fromEntries(
                stateNames('Wait').map((s) => [s, options.waitOverrideMs as number]),
              ),
            }
          : {}),
        ...(options.retryIntervalOverrideMs !== undefined
          ? {
              retryIntervalOverrides: Object.fromEntries(
                retried.map((s) => [s, options.retryIntervalOverrideMs as number]),
              ),
            }
          : {}),
      },
      context: context as never,
      noThrowOnAbort: true,
    });
    const result = run.result.catch((error: unknown) => {
      rootLogger.error('local workflow failed', {
        workflow: name,
        execution: executionName,
        errorName: (error as Error)?.name,
      });
      throw error;
    });
    result.catch(() => {}).finally(() => dropWaiters(executionName));
    executions.push({ workflow: name, name: executionName, result, abort: run.abort });
  };
  return {
    starter,
    executions,
    /** SendTaskSuccess / SendTaskFailure / StopExecution for in-process executions. */
    callbacks,
    /** Task tokens of the callback tasks now waiting, by execution name. */
    waitingTokens(executionName?: string): string[] {
      return [...waiters]
        .filter(([, w]) => executionName === undefined || w.execution === executionName)
        .map(([token]) => token);
    },
    abortAll() {
      for (const execution of executions) execution.abort();
      waiters.clear();
    },
  };
}

function newToken(executionName: string): string {
  return `local-task-token:${executionName}:${randomUUID()}`;
}
