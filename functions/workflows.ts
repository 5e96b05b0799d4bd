import { INVITE_LIFECYCLE_TASKS, inviteLifecycleDefinition } from './invites/invite-lifecycle.workflow.ts';
import { LAB_ORDER_TASKS, labOrderDefinition } from './labs/lab-order.workflow.ts';

/**
 * Step Functions workflows: read by the CDK workflow stack (one state machine and one task Lambda
 * each) and by the local runner, which executes the same definitions in-process.
 */
export interface WorkflowDef {
  name: string;
  /** Lambda entry (relative to the repository root) whose `handler` serves every task state. */
  taskEntry: string;
  /** The same module, for in-process execution. */
  loadTask(): Promise<{ handler: (input: never) => Promise<unknown> }>;
  /** Task state names of the definition. */
  taskStates: readonly string[];
  definition(taskFunctionArn: string): Record<string, unknown>;
  /** Areas whose Lambdas start (and may stop) this workflow: they get the ARN and the grants. */
  startedBy: readonly string[];
  /** Areas whose Lambdas resume waiting executions with a task token (SendTaskSuccess/Failure); `task` is the workflow's own task Lambda. */
  resumedBy?: readonly string[];
  /** Longest a task invocation may run, in seconds (the task Lambda's timeout). */
  taskTimeoutSeconds?: number;
}

export const workflows: readonly WorkflowDef[] = [
  {
    name: 'invite-lifecycle',
    taskEntry: 'functions/invites/lifecycle-task.ts',
    loadTask: () => import('./invites/lifecycle-task.ts'),
    taskStates: Object.keys(INVITE_LIFECYCLE_TASKS),
    definition: inviteLifecycleDefinition,
    startedBy: ['invites'],
  },
  {
    name: 'lab-order',
    taskEntry: 'functions/labs/lab-order-task.ts',
    loadTask: () => import('./labs/lab-order-task.ts'),
    taskStates: Object.keys(LAB_ORDER_TASKS),
    definition: labOrderDefinition,
    startedBy: ['labs'],
    // The webhook resumes the execution waiting for a result; the task itself does when the result came first.
    resumedBy: ['lab-webhooks', 'task'],
  },
];
