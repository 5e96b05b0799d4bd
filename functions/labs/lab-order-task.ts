import { getDb } from '../core/db.ts';
import { awaitResult, markOverdue, resultReceived, submissionFailed, submitOrder } from './lab-order-lifecycle.ts';

export type LabOrderTaskInput =
  | { action: 'submit' | 'mark_overdue' | 'submission_failed'; orderId: string }
  | { action: 'await_result'; orderId: string; taskToken: string }
  | { action: 'result_received'; orderId: string; resultId: string | null };

/**
 * The Lambda behind every task state of the lab order workflow. For AwaitResult (`.waitForTaskToken`) Step Functions
 * invokes it with the state's `Payload`; its return value is ignored there, the execution resumes on SendTaskSuccess.
 */
export async function handler(input: LabOrderTaskInput) {
  const db = await getDb();
  switch (input.action) {
    case 'submit':
      return submitOrder(db, input.orderId);
    case 'await_result':
      return awaitResult(db, input.orderId, input.taskToken);
    case 'result_received':
      return resultReceived(db, input.orderId, input.resultId ?? null);
    case 'mark_overdue':
      return markOverdue(db, input.orderId);
    case 'submission_failed':
      return submissionFailed(db, input.orderId);
    default:
      throw new Error(`Unknown lab order action ${String((input as { action?: unknown }).action)}`);
  }
}
