import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { optionalConfig } from '../core/config.ts';
import { workflowArnEnvName } from '../core/workflows.ts';

/**
 * What code outside a state machine does to its executions: complete a task that waits for a callback
 * (`.waitForTaskToken`) and stop an execution. Step Functions in AWS; local mode registers the in-process
 * runner's equivalents (functions/local/workflows.ts), as it does for starting executions.
 *
 * Generic on purpose (nothing here knows about labs); it sits beside its only user until a second one needs it
 * in core/workflows.ts.
 */
export interface WorkflowCallbacks {
  sendTaskSuccess(taskToken: string, output: Record<string, unknown>): Promise<void>;
  sendTaskFailure(taskToken: string, error: string, cause?: string): Promise<void>;
  /** Stops a running execution; one that already ended (or never started) is not an error. */
  stopExecution(workflow: string, executionName: string, cause?: string): Promise<void>;
}

/** The token no longer belongs to a waiting task: it was used, it timed out, or its execution stopped. */
export class TaskTokenGoneError extends Error {
  constructor(reason: string) {
    super(`Task token is no longer valid: ${reason}`);
    this.name = 'TaskTokenGoneError';
  }
}

const GONE = new Set(['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken']);

let sfn: SFNClient | undefined;
const client = () => (sfn ??= new SFNClient({}));

function rethrow(error: unknown): never {
  const name = (error as { name?: unknown })?.name;
  if (typeof name === 'string' && GONE.has(name)) throw new TaskTokenGoneError(name);
  throw error;
}

/** `arn:aws:states:<region>:<account>:stateMachine:<name>` → the ARN of its execution `executionName`. */
export function executionArn(stateMachineArn: string, executionName: string): string {
  const parts = stateMachineArn.split(':');
  if (parts.length !== 7 || parts[5] !== 'stateMachine') throw new Error('Not a state machine ARN');
  parts[5] = 'execution';
  return `${parts.join(':')}:${executionName}`;
}

const stepFunctions: WorkflowCallbacks = {
  async sendTaskSuccess(taskToken, output) {
    await client()
      .send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }))
      .catch(rethrow);
  },
  async sendTaskFailure(taskToken, error, cause) {
    await client().send(new SendTaskFailureCommand({ taskToken, error, cause })).catch(rethrow);
  },
  async stopExecution(workflow, executionName, cause) {
    const stateMachineArn = optionalConfig(workflowArnEnvName(workflow));
    if (!stateMachineArn) throw new Error(`${workflowArnEnvName(workflow)} is not configured`);
    try {
      await client().send(
        new StopExecutionCommand({ executionArn: executionArn(stateMachineArn, executionName), cause }),
      );
    } catch (error) {
      if ((error as { name?: unknown })?.name !== 'ExecutionDoesNotExist') throw error;
    }
  },
};

let current: WorkflowCallbacks | undefined;

/** Local mode registers the in-process runner here. */
export function useWorkflowCallbacks(next: WorkflowCallbacks): void {
  current = next;
}

export function workflowCallbacks(): WorkflowCallbacks {
  return current ?? stepFunctions;
}
