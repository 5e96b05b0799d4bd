import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { ApiStack } from './api-stack.ts';
import type { AuthStack } from './auth-stack.ts';
import { GenascopeFunction } from './constructs/genascope-function.ts';
import type { DataStack } from './data-stack.ts';

export interface NagStacks {
  readonly data: DataStack;
  readonly auth: AuthStack;
  readonly api: ApiStack;
}

/**
 * Why each remaining finding is acceptable. Everything else the packs flag is fixed in the stacks, and synthesis
 * fails on any new finding until it is fixed or acknowledged here with its reason.
 */
export const NAG_REASONS = {
  lambdaOutsideVpc:
    'Genascope functions reach Aurora only through the RDS Data API (HTTPS, IAM-authorized, TLS) and call no private ' +
    'endpoint, so a VPC would add NAT/endpoints and cold-start cost without narrowing any network path.',
  lambdaSynchronousNoDlq:
    'Invoked synchronously only (API Gateway proxy integration, Lambda Function URL, or the CDK trigger with ' +
    'RequestResponse): errors go back to the caller, which retries; a DLQ applies to asynchronous invocations only.',
  lambdaNoReservedConcurrency:
    'Request rate is bounded by API Gateway stage throttling and the WAF per-IP rate rule; reserving concurrency per ' +
    'area would carve the account pool into fixed slices and fail deploys in accounts with the default low quota.',
  xrayWildcard:
    'xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions; this customer-managed ' +
    'policy contains only those two actions.',
  rdsMonitoringManagedPolicy:
    'AWS-maintained service-role policy that RDS Enhanced Monitoring requires (writes OS metrics to RDSOSMetrics); a ' +
    'copy would still need log-stream wildcards and would not follow AWS changes.',
  apiGatewayCloudWatchManagedPolicy:
    'AWS-maintained service-role policy that API Gateway requires to push execution and access logs to CloudWatch ' +
    'Logs (account-level setting).',
  auroraBackupsClusterLevel:
    'Aurora backups are cluster-level: continuous automated backups with point-in-time restore for the configured ' +
    'retention (7 days dev, 35 days prod), a final snapshot on removal and deletion protection. AWS Backup ' +
    'selections cannot target the Aurora instances this rule inspects.',
  apiNoCache:
    'Responses are per caller and carry PHI; a stage cache keyed on the request would risk serving one user’s data ' +
    'to another, so caching is deliberately off.',
  apiNoClientCertificate:
    'Backend client certificates authenticate API Gateway to HTTP backends; every integration here is a Lambda proxy ' +
    'invoked through the AWS API with IAM (permission scoped to each method), so there is no backend to present it to.',
  publicRoute:
    'Public route by design (health, OpenAPI document, patient invite lookup/accept by unguessable token): no ' +
    'credential exists yet; the handler validates input, reveals nothing for unknown tokens, and WAF rate-limits it.',
  staffOrPatientRoute:
    'Called with either a staff Cognito ID token or a patient session token. A Cognito authorizer would reject the ' +
    'patient token, so the gateway has none on these routes and the handler verifies both token kinds (aws-jwt-verify ' +
    'for Cognito, KMS-signed session token for patients) before any data access.',
  workflowTaskSynchronous:
    'Invoked synchronously by Step Functions Task states: a failure goes back to the execution, whose Retry policy ' +
    'retries it and whose history keeps it; a Lambda DLQ applies to asynchronous invocations only.',
  workflowTaskConcurrency:
    'Invoked only by its own state machine, one short task per invitation or order step; executions are started by ' +
    'throttled API calls, so concurrency is already bounded upstream and a reservation would only fragment the pool.',
  scheduledSweepNoDlq:
    'Idempotent daily sweep (abandons sessions idle for 30 days): EventBridge retries a failed run twice within 6 ' +
    "hours and the next day's run redoes any remaining work, so a dead-letter queue would hold nothing actionable.",
  stateMachineLogDelivery:
    'Step Functions log delivery and X-Ray tracing use CloudWatch Logs vended-delivery and X-Ray APIs that support ' +
    'no resource-level permissions; the policy holds only those actions plus invoke on its own task function.',
  stopOwnExecutions:
    'Execution ARNs are created per run; the wildcard is confined to executions of this one state machine (by its ' +
    'name) so the area can stop the workflow it started, e.g. when a lab order is cancelled or an invite revoked.',
  labSecretsRotatedWithLabs:
    'Lab webhook secrets are shared with external laboratories and changed by agreement with each lab; the verifier ' +
    'accepts several secrets per lab, so operators add the new secret, the lab switches, then the old one is removed. ' +
    'An automatic rotation Lambda cannot update the lab side.',
  webhookFunctionUrl:
    'Lab webhook endpoint: the Function URL must accept unauthenticated HTTPS from lab systems; every delivery is ' +
    'authenticated in the handler by its Standard Webhooks HMAC-SHA256 signature and 5-minute timestamp tolerance.',
} as const;

/** A reason has to say why, specifically: short boilerplate ("ok", "not needed") is refused. */
export const MIN_REASON_LENGTH = 60;

export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (!/^(AwsSolutions|HIPAA\.Security)-[A-Za-z0-9]+(\[.+\])?$/.test(id)) {
    throw new Error(`nag acknowledgement on ${scope.node.path}: unexpected rule id "${id}"`);
  }
  if (reason.trim().length < MIN_REASON_LENGTH) {
    throw new Error(
      `nag acknowledgement ${id} on ${scope.node.path}: the reason must explain why (${MIN_REASON_LENGTH}+ chars)`,
    );
  }
  Validations.of(scope).acknowledge({ id, reason });
}

export interface ApplyNagOptions {
  /** Record the acknowledgements below. `false` reports every finding (used to prove no acknowledgement is stale). */
  readonly acknowledge?: boolean;
}

/**
 * Registers AwsSolutions and HIPAA.Security on the app (CDK policy validation: synthesis fails on a finding) and
 * records the acknowledgements, each on the narrowest construct and for the exact finding id.
 */
export function applyNag(app: App, stacks: NagStacks, options: ApplyNagOptions = {}): NagPack[] {
  const packs = [new AwsSolutionsChecks(app), new HIPAASecurityChecks(app)];
  Validations.of(app).addPlugins(...packs);
  if (options.acknowledge !== false) acknowledgeFindings(app, stacks);
  return packs;
}

function acknowledgeFindings(app: App, { data, api }: NagStacks): void {
  const R = NAG_REASONS;

  // Every house function: outside the VPC by design.
  for (const fn of app.node.findAll().filter((c): c is GenascopeFunction => c instanceof GenascopeFunction)) {
    acknowledge(fn, 'HIPAA.Security-LambdaInsideVPC', R.lambdaOutsideVpc);
  }
  // Functions known to be invoked synchronously only.
  const synchronous = [data.migrationFunction, ...api.areaFunctions.values(), ...api.webhookFunctions.values()];
  for (const fn of synchronous) acknowledge(fn, 'HIPAA.Security-LambdaDLQ', R.lambdaSynchronousNoDlq);
  // Request-serving functions (the migration function has reserved concurrency 1).
  for (const fn of [...api.areaFunctions.values(), ...api.webhookFunctions.values()]) {
    acknowledge(fn, 'HIPAA.Security-LambdaConcurrency', R.lambdaNoReservedConcurrency);
  }
  for (const fn of api.webhookFunctions.values()) {
    acknowledge(fn, 'HIPAA.Security-LambdaFunctionPublicAccessProhibited', R.webhookFunctionUrl);
  }
  for (const task of api.workflows.taskFunctions.values()) {
    acknowledge(task, 'HIPAA.Security-LambdaDLQ', R.workflowTaskSynchronous);
    acknowledge(task, 'HIPAA.Security-LambdaConcurrency', R.workflowTaskConcurrency);
  }
  acknowledge(api.sessionSweep.function, 'HIPAA.Security-LambdaDLQ', R.scheduledSweepNoDlq);
  acknowledge(api.labWebhookSecrets, 'AwsSolutions-SMG4', R.labSecretsRotatedWithLabs);
  acknowledge(api.labWebhookSecrets, 'HIPAA.Security-SecretsManagerRotationEnabled', R.labSecretsRotatedWithLabs);
  for (const policy of api.workflows.policies)
    acknowledge(policy, 'AwsSolutions-IAM5[Resource::*]', R.stateMachineLogDelivery);
  for (const { policy, stateMachine } of api.workflows.executionGrants) {
    const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${stateMachine.stateMachineName}:*`;
    acknowledge(policy, `AwsSolutions-IAM5[Resource::${executions}]`, R.stopOwnExecutions);
  }
  for (const stack of [data, api]) {
    const xray = stack.node.tryFindChild('GenascopeXRayWritePolicy');
    if (xray) acknowledge(xray, 'AwsSolutions-IAM5[Resource::*]', R.xrayWildcard);
  }

  // Data: Enhanced Monitoring role, cluster-level backups.
  const monitoringRole = data.cluster.node.tryFindChild('MonitoringRole');
  if (monitoringRole) {
    acknowledge(
      monitoringRole,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
      R.rdsMonitoringManagedPolicy,
    );
  }
  acknowledge(data.cluster, 'HIPAA.Security-RDSInBackupPlan', R.auroraBackupsClusterLevel);

  // API: CloudWatch role, stage cache and client certificate, routes without a gateway authorizer.
  const cloudWatchRole = api.api.node.tryFindChild('CloudWatchRole');
  if (cloudWatchRole) {
    acknowledge(
      cloudWatchRole,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      R.apiGatewayCloudWatchManagedPolicy,
    );
  }
  acknowledge(api.api.deploymentStage, 'HIPAA.Security-APIGWCacheEnabledAndEncrypted', R.apiNoCache);
  acknowledge(api.api.deploymentStage, 'HIPAA.Security-APIGWSSLEnabled', R.apiNoClientCertificate);
  for (const { route, method } of api.deployedRoutes) {
    if (route.auth === 'staff') continue;
    const reason = route.auth === 'public' ? R.publicRoute : R.staffOrPatientRoute;
    acknowledge(method, 'AwsSolutions-APIG4', reason);
    acknowledge(method, 'AwsSolutions-COG4', reason);
  }
}

/** Every acknowledgement recorded in the tree: construct path, rule id, reason. */
export function collectAcknowledgements(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  const out: Array<{ path: string; id: string; reason: string }> = [];
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        out.push({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason: String(reason ?? '') });
      }
    }
  }
  return out;
}
