import { join } from 'node:path';
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { RemovalPolicy } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WorkflowDef } from '../../functions/workflows.ts';
import { createEncryptedLogGroup } from './customer-key.ts';
import { GenascopeFunction, REPO_ROOT } from './genascope-function.ts';

/** `invite-lifecycle` → `InviteLifecycle`. */
const pascal = (name: string) =>
  name
    .split('-')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');

export interface WorkflowsProps {
  readonly workflows: readonly WorkflowDef[];
  readonly stage: string;
  readonly logKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** Binds what every task Lambda needs (database, e-mail, configuration). */
  readonly bindTaskFunction: (fn: GenascopeFunction) => void;
  /** The API area (and webhook) functions by area, to grant starting and resuming executions. */
  readonly areaFunctions: ReadonlyMap<string, GenascopeFunction>;
}

/** Delivery of Step Functions logs to CloudWatch uses account-level log-delivery APIs without resource scoping. */
const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
];

/**
 * One Standard state machine per workflow of `functions/workflows.ts`, its definition the very ASL the local
 * runner executes, with one task Lambda. Roles carry customer-managed policies only; logs exclude execution
 * data (inputs and outputs could carry identifiers of patients).
 */
export class Workflows extends Construct {
  readonly stateMachines = new Map<string, sfn.CfnStateMachine>();
  readonly taskFunctions = new Map<string, GenascopeFunction>();
  /** The state machines' policies (log delivery and X-Ray need wildcard resources). */
  readonly policies: iam.ManagedPolicy[] = [];
  /** Area function policies allowed to stop executions of a state machine. */
  readonly executionGrants: { policy: iam.ManagedPolicy; stateMachine: sfn.CfnStateMachine }[] = [];

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    for (const workflow of props.workflows) {
      const name = pascal(workflow.name);
      const task = new GenascopeFunction(this, `${name}Task`, {
        entry: join(REPO_ROOT, workflow.taskEntry),
        description: `Genascope ${props.stage} ${workflow.name} workflow tasks`,
        logKey: props.logKey,
        logRetention: props.logRetention,
        logRemovalPolicy: props.logRemovalPolicy,
        timeout: Duration.seconds(workflow.taskTimeoutSeconds ?? 60),
      });
      props.bindTaskFunction(task);
      this.taskFunctions.set(workflow.name, task);

      const logGroup = createEncryptedLogGroup(this, `${name}Logs`, {
        encryptionKey: props.logKey,
        retention: props.logRetention,
        removalPolicy: props.logRemovalPolicy,
      });
      const role = new iam.Role(this, `${name}Role`, { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
      const policy = new iam.ManagedPolicy(this, `${name}Policy`, {
        roles: [role],
        statements: [
          new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [task.functionArn] }),
          new iam.PolicyStatement({ actions: LOG_DELIVERY_ACTIONS, resources: ['*'] }),
          new iam.PolicyStatement({
            actions: [
              'xray:PutTraceSegments',
              'xray:PutTelemetryRecords',
              'xray:GetSamplingRules',
              'xray:GetSamplingTargets',
            ],
            resources: ['*'],
          }),
        ],
      });
      this.policies.push(policy);
      // A fixed name gives an ARN known without referencing the resource, so the task function itself may
      // resume its own executions without a dependency cycle (function → policy → state machine → function).
      const stateMachineName = `genascope-${props.stage}-${workflow.name}`;
      const arn = stack.formatArn({
        service: 'states',
        resource: 'stateMachine',
        resourceName: stateMachineName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      const stateMachine = new sfn.CfnStateMachine(this, `${name}StateMachine`, {
        stateMachineName,
        stateMachineType: 'STANDARD',
        roleArn: role.roleArn,
        definitionString: stack.toJsonString(workflow.definition(task.functionArn)),
        loggingConfiguration: {
          level: 'ALL',
          includeExecutionData: false,
          destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: logGroup.logGroupArn } }],
        },
        tracingConfiguration: { enabled: true },
      });
      stateMachine.node.addDependency(role);
      this.stateMachines.set(workflow.name, stateMachine);

      const executions = stack.formatArn({
        service: 'states',
        resource: 'execution',
        resourceName: `${stateMachineName}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      const envName = `${workflow.name.toUpperCase().replaceAll('-', '_')}_STATE_MACHINE_ARN`;
      for (const area of workflow.startedBy) {
        const fn = props.areaFunctions.get(area);
        if (!fn) throw new Error(`Workflow ${workflow.name} is started by unknown area ${area}`);
        fn.bindEnv(envName, arn);
        fn.policy.addStatements(
          new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [arn] }),
          new iam.PolicyStatement({
            actions: ['states:StopExecution', 'states:DescribeExecution'],
            resources: [executions],
          }),
        );
        this.executionGrants.push({ policy: fn.policy, stateMachine });
      }
      const resumers = (workflow.resumedBy ?? []).map((area) => {
        if (area === 'task') return task;
        const fn = props.areaFunctions.get(area);
        if (!fn) throw new Error(`Workflow ${workflow.name} is resumed by unknown area ${area}`);
        return fn;
      });
      for (const fn of resumers) {
        fn.bindEnv(envName, arn);
        fn.policy.addStatements(
          new iam.PolicyStatement({
            actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
            resources: [arn],
          }),
        );
      }
    }
  }
}

export interface ScheduledTaskProps {
  readonly entry: string;
  readonly description: string;
  readonly schedule: events.Schedule;
  readonly logKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  readonly bind: (fn: GenascopeFunction) => void;
}

/** A house Lambda run on a schedule (e.g. the daily sweep of idle assessment sessions). */
export class ScheduledTask extends Construct {
  readonly function: GenascopeFunction;

  constructor(scope: Construct, id: string, props: ScheduledTaskProps) {
    super(scope, id);
    this.function = new GenascopeFunction(this, 'Function', {
      entry: join(REPO_ROOT, props.entry),
      description: props.description,
      logKey: props.logKey,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      timeout: Duration.minutes(5),
      reservedConcurrentExecutions: 1,
    });
    props.bind(this.function);
    new events.Rule(this, 'Schedule', {
      schedule: props.schedule,
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 2, maxEventAge: Duration.hours(6) })],
    });
  }
}
