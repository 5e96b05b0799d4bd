import { StateMachine } from 'aws-local-stepfunctions';
import type { WorkflowStarter } from '../core/workflows.ts';
import { rootLogger } from '../core/logger.ts';
import { workflows, type WorkflowDef } from '../workflows.ts';

const LOCAL_TASK_ARN = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:genascope-local-${name}`;

type TaskHandler = (input: unknown) => Promise<unknown>;

async function taskHandlers(workflow: WorkflowDef): Promise<Record<string, TaskHandler>> {
  const { handler } = await workflow.loadTask();
  return Object.fromEntries(workflow.taskStates.map((state) => [state, (input: unknown) => handler(input as never)]));
}

export interface LocalExecution {
  workflow: string;
  name: string;
  result: Promise<unknown>;
  abort(): void;
}

/**
 * Runs workflows in-process with aws-local-stepfunctions, the task states bound to the same task
 * handlers the Lambdas run. Waits are real (an invite's reminder fires days later in a long-running
 * `npm start`); the task handlers' own time checks keep early wake-ups harmless.
 */
export function createLocalWorkflowRunner(options: { waitOverrideMs?: number } = {}) {
  const executions: LocalExecution[] = [];
  const starter: WorkflowStarter = async (name, executionName, input) => {
    const workflow = workflows.find((w) => w.name === name);
    if (!workflow) throw new Error(`Unknown workflow ${name}`);
    const definition = workflow.definition(LOCAL_TASK_ARN(workflow.name));
    const machine = new StateMachine(definition as never, { validationOptions: { checkArn: true } });
    const waitStates = Object.entries((definition as { States: Record<string, { Type: string }> }).States)
      .filter(([, state]) => state.Type === 'Wait')
      .map(([stateName]) => stateName);
    const run = machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: (await taskHandlers(workflow)) as never,
        ...(options.waitOverrideMs !== undefined ? { waitTimeOverrides: Object.fromEntries(waitStates.map((s) => [s, options.waitOverrideMs as number])) } : {}),
      },
      noThrowOnAbort: true,
    });
    const result = run.result.catch((error: unknown) => {
      rootLogger.error('local workflow failed', { workflow: name, execution: executionName, errorName: (error as Error)?.name });
      throw error;
    });
    result.catch(() => {});
    executions.push({ workflow: name, name: executionName, result, abort: run.abort });
  };
  return {
    starter,
    executions,
    abortAll() {
      for (const execution of executions) execution.abort();
    },
  };
}
