/**
 * The invite lifecycle as Amazon States Language. The CDK stack deploys it with the task Lambda's ARN;
 * local mode and the workflow tests run the very same definition with aws-local-stepfunctions.
 *
 * Input: { inviteId, lifecycleVersion, sendReminder, remindAt, expiresAt }. Every task compares the
 * version, so an execution for a resent or revoked invite ends without changing anything.
 */
export function inviteLifecycleDefinition(taskFunctionArn: string) {
  const task = (action: 'remind' | 'expire') => ({
    Type: 'Task',
    Resource: taskFunctionArn,
    Parameters: { action, 'inviteId.$': '$.inviteId', 'lifecycleVersion.$': '$.lifecycleVersion' },
    Retry: [
      {
        ErrorEquals: ['States.TaskFailed', 'Lambda.ServiceException', 'Lambda.TooManyRequestsException'],
        IntervalSeconds: 30,
        MaxAttempts: 5,
        BackoffRate: 2,
      },
    ],
  });
  return {
    Comment: 'Invite lifecycle: one reminder before expiry, then expiry, unless completed, resent or revoked',
    StartAt: 'ReminderWanted',
    States: {
      ReminderWanted: {
        Type: 'Choice',
        Choices: [{ Variable: '$.sendReminder', BooleanEquals: true, Next: 'WaitUntilReminder' }],
        Default: 'WaitUntilExpiry',
      },
      WaitUntilReminder: { Type: 'Wait', TimestampPath: '$.remindAt', Next: 'SendReminder' },
      SendReminder: { ...task('remind'), ResultPath: '$.reminder', Next: 'StillCurrent' },
      StillCurrent: {
        Type: 'Choice',
        Choices: [{ Variable: '$.reminder.superseded', BooleanEquals: true, Next: 'Superseded' }],
        Default: 'WaitUntilExpiry',
      },
      WaitUntilExpiry: { Type: 'Wait', TimestampPath: '$.expiresAt', Next: 'ExpireInvite' },
      ExpireInvite: { ...task('expire'), ResultPath: '$.expiry', End: true },
      Superseded: { Type: 'Succeed' },
    },
  };
}

/** Task states by name, for binding local handlers. */
export const INVITE_LIFECYCLE_TASKS = { SendReminder: 'remind', ExpireInvite: 'expire' } as const;
