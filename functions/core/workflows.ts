import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { optionalConfig } from './config.ts';

/** Starts a named Step Functions workflow. In AWS the state machine ARN comes from `<NAME>_STATE_MACHINE_ARN`. */
export type WorkflowStarter = (
  workflow: string,
  executionName: string,
  input: Record<string, unknown>,
) => Promise<void>;

let starter: WorkflowStarter | undefined;
let sfn: SFNClient | undefined;

const envName = (workflow: string) => `${workflow.toUpperCase().replaceAll('-', '_')}_STATE_MACHINE_ARN`;

const stepFunctionsStarter: WorkflowStarter = async (workflow, executionName, input) => {
  const stateMachineArn = optionalConfig(envName(workflow));
  if (!stateMachineArn) throw new Error(`${envName(workflow)} is not configured`);
  sfn ??= new SFNClient({});
  await sfn.send(new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }));
};

/** Local mode runs the same state-machine definitions in-process and registers its starter here. */
export function useWorkflowStarter(next: WorkflowStarter): void {
  starter = next;
}

export async function startWorkflow(
  workflow: string,
  executionName: string,
  input: Record<string, unknown>,
): Promise<void> {
  await (starter ?? stepFunctionsStarter)(workflow, executionName, input);
}

export function workflowArnEnvName(workflow: string): string {
  return envName(workflow);
}
