import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface CustomerKeyProps {
  readonly alias: string;
  readonly description: string;
  /** Let CloudWatch Logs of this account and region encrypt log groups with the key. */
  readonly allowCloudWatchLogs?: boolean;
}

/**
 * A customer-managed KMS key with yearly rotation, retained when its stack is deleted (data or logs encrypted
 * with it would otherwise become unreadable).
 */
export function createCustomerKey(scope: Construct, id: string, props: CustomerKeyProps): kms.Key {
  const key = new kms.Key(scope, id, {
    alias: props.alias,
    description: props.description,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  if (props.allowCloudWatchLogs) {
    const stack = Stack.of(scope);
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccountAndRegion',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`,
          },
        },
      }),
    );
  }
  return key;
}

export interface EncryptedLogGroupProps {
  readonly encryptionKey: kms.IKey;
  readonly retention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** Fixed name, only where a service requires one (RDS log exports, WAF logging); otherwise generated. */
  readonly logGroupName?: string;
}

/** A log group encrypted with a customer key and with a finite retention (no PHI goes to logs, but ids do). */
export function createEncryptedLogGroup(scope: Construct, id: string, props: EncryptedLogGroupProps): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    logGroupName: props.logGroupName,
    encryptionKey: props.encryptionKey,
    retention: props.retention,
    removalPolicy: props.removalPolicy,
  });
}
