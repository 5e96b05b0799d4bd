/**
 * The lab order lifecycle as Amazon States Language. The CDK stack deploys it with the task Lambda's ARN; local
 * mode and the workflow tests run the very same definition with aws-local-stepfunctions.
 *
 * Input: { orderId }. Execution name: `lab-order-<orderId>` (so a second start of one order is refused).
 *
 * 1. SubmitOrder: the lab adapter takes the order (idempotent per order), `external_order_id` is stored and the
 *    order is `processing`. An order cancelled meanwhile ends the execution.
 * 2. AwaitResult (`lambda:invoke.waitForTaskToken`): the task Lambda stores the task token on the order; the lab's
 *    signed result webhook stores the result and calls SendTaskSuccess({ resultId }) with it. After
 *    `LAB_RESULT_TIMEOUT_SECONDS` (30 days) the wait fails with States.Timeout → MarkOverdue (`overdue_at`, the
 *    ordering clinician is told) and the execution ends; a late result is still accepted by the webhook.
 *    No HeartbeatSeconds: labs do not send heartbeats, so only the overall timeout applies.
 * 3. ResultReceived: the token is cleared and the ordering clinician is told that a result is available.
 *
 * Cancelling an order stops the execution (StopExecution) and asks the adapter to cancel. Submission that keeps
 * failing after the retries tells the clinician (SubmissionFailed) and fails the execution, which alarms.
 */
export const LAB_RESULT_TIMEOUT_SECONDS = 30 * 24 * 3600;

export const WAIT_FOR_TASK_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

const RETRY_TRANSIENT = {
  ErrorEquals: [
    'States.TaskFailed',
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
  ],
  IntervalSeconds: 10,
  MaxAttempts: 5,
  BackoffRate: 2,
};

export function labOrderDefinition(taskFunctionArn: string) {
  const task = (action: string, extra: Record<string, string> = {}) => ({
    Type: 'Task',
    Resource: taskFunctionArn,
    Parameters: { action, 'orderId.$': '$.orderId', ...extra },
    Retry: [RETRY_TRANSIENT],
  });
  return {
    Comment:
      'Lab order: submit to the lab, wait for the signed result callback (or time out as overdue), notify the clinician',
    StartAt: 'SubmitOrder',
    States: {
      SubmitOrder: {
        ...task('submit'),
        ResultPath: '$.submission',
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'SubmissionFailed' }],
        Next: 'WasSubmitted',
      },
      WasSubmitted: {
        Type: 'Choice',
        Choices: [{ Variable: '$.submission.submitted', BooleanEquals: true, Next: 'AwaitResult' }],
        Default: 'NotSubmitted',
      },
      AwaitResult: {
        Type: 'Task',
        Resource: WAIT_FOR_TASK_TOKEN,
        Parameters: {
          FunctionName: taskFunctionArn,
          Payload: { action: 'await_result', 'orderId.$': '$.orderId', 'taskToken.$': '$$.Task.Token' },
        },
        TimeoutSeconds: LAB_RESULT_TIMEOUT_SECONDS,
        ResultPath: '$.result',
        // A failed invocation (the token not stored) is retried; each attempt has a new token, which replaces the
        // stored one. States.TaskFailed never matches States.Timeout, so the timeout is not retried.
        Retry: [RETRY_TRANSIENT],
        Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'MarkOverdue' }],
        Next: 'ResultReceived',
      },
      ResultReceived: {
        ...task('result_received', { 'resultId.$': '$.result.resultId' }),
        ResultPath: '$.notification',
        End: true,
      },
      MarkOverdue: { ...task('mark_overdue'), ResultPath: '$.overdue', End: true },
      NotSubmitted: { Type: 'Succeed' },
      SubmissionFailed: { ...task('submission_failed'), ResultPath: '$.failure', Next: 'Failed' },
      Failed: { Type: 'Fail', Error: 'LabOrderSubmissionFailed', Cause: 'The lab did not accept the order' },
    },
  };
}

/** Task states by name (the waiting one included), for binding local handlers. */
export const LAB_ORDER_TASKS = {
  SubmitOrder: 'submit',
  AwaitResult: 'await_result',
  ResultReceived: 'result_received',
  MarkOverdue: 'mark_overdue',
  SubmissionFailed: 'submission_failed',
} as const;
