import { join } from 'node:path';
import { ArnFormat, CfnOutput, Duration, Size, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { RouteDef } from '../functions/core/http/route.ts';
import type { StageConfig } from './config.ts';
import { createCustomerKey, createEncryptedLogGroup } from './constructs/customer-key.ts';
import { areaEntry, FUNCTIONS_DIR, GenascopeFunction, type DatabaseBinding } from './constructs/genascope-function.ts';
import { ScheduledTask, Workflows } from './constructs/workflows.ts';
import { workflows as allWorkflows, type WorkflowDef } from '../functions/workflows.ts';

export interface ApiStackProps extends StackProps {
  readonly config: StageConfig;
  /** The deployed route table (`deployedRoutes()`); everything in this stack is derived from it. */
  readonly routes: readonly RouteDef[];
  readonly userPool: cognito.IUserPool;
  readonly userPoolClient: cognito.IUserPoolClient;
  readonly database: DatabaseBinding;
  /** @default the repository's functions/ */
  readonly functionsDir?: string;
  /** Step Functions workflows. @default those of functions/workflows.ts */
  readonly workflows?: readonly WorkflowDef[];
}

/** A route as deployed on the REST API, with its API Gateway method. */
export interface DeployedRoute {
  readonly route: RouteDef;
  readonly method: apigw.Method;
}

/** `chat-sessions` → `ChatSessions` (construct ids). */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/** Entry of an area's webhook Lambda (Function URL, Lambda function URL event): `functions/<area>/webhook.ts`, export `handler`. */
export function webhookEntry(area: string, functionsDir: string = FUNCTIONS_DIR): string {
  return join(functionsDir, area, 'webhook.ts');
}

/** Areas whose handlers send e-mail (invitations, appointment confirmations, lab notifications). */
const EMAIL_AREAS = new Set(['invites', 'scheduling', 'labs']);

/** Distinct areas, sorted (stable construct order). */
export function areasOf(routes: readonly RouteDef[]): string[] {
  return [...new Set(routes.map((r) => r.area))].sort();
}

/**
 * The HTTP API: a REST API (regional) whose outer gate is a Cognito authorizer on `staff` routes; `public` and
 * `staff_or_patient` routes have no gateway authorizer (their handler verifies the staff ID token or the patient
 * session token). One Lambda per area; webhook routes go to a per-area Lambda behind a Function URL (HMAC verified
 * in the handler). WAF, throttling, JSON access logs (KMS), X-Ray.
 *
 * Extension point: `areaFunctions` holds each area's function, so later issues bind what an area needs
 * (`fn.bindEnv('SESSION_KEY_ID', key.keyId, (g) => key.grant(g, 'kms:Sign'))`, state machines, SES) here.
 */
export class ApiStack extends Stack {
  readonly logKey: kms.Key;
  readonly api: apigw.RestApi;
  readonly authorizer: apigw.CognitoUserPoolsAuthorizer;
  readonly areaFunctions: ReadonlyMap<string, GenascopeFunction>;
  readonly webhookFunctions: ReadonlyMap<string, GenascopeFunction>;
  readonly deployedRoutes: readonly DeployedRoute[];
  readonly webAcl: wafv2.CfnWebACL;
  /** Signs patient session tokens (RSA, sign/verify); its private half never leaves KMS. */
  readonly sessionKey: kms.Key;
  /** HMAC secrets of the lab webhooks (operators add each lab's secrets). */
  readonly labWebhookSecrets: secretsmanager.Secret;
  readonly workflows: Workflows;
  readonly sessionSweep: ScheduledTask;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config, routes } = props;
    checkRoutes(routes);

    this.logKey = createCustomerKey(this, 'LogsKey', {
      alias: `alias/genascope/${config.stage}/api-logs`,
      description: `Genascope ${config.stage}: API access, WAF and Lambda logs`,
      allowCloudWatchLogs: true,
    });
    const logProps = {
      logKey: this.logKey,
      logRetention: config.logRetention,
      logRemovalPolicy: config.logRemovalPolicy,
    };

    // One function per area of the API routes.
    const apiRoutes = routes.filter((r) => r.auth !== 'webhook');
    const areaFunctions = new Map<string, GenascopeFunction>();
    for (const area of areasOf(apiRoutes)) {
      const fn = new GenascopeFunction(this, `${pascalCase(area)}Function`, {
        ...logProps,
        entry: areaEntry(area, props.functionsDir),
        description: `Genascope ${config.stage} API: ${area} routes`,
      })
        .bindDatabase(props.database)
        .bindEnv('COGNITO_USER_POOL_ID', props.userPool.userPoolId)
        .bindEnv('COGNITO_CLIENT_ID', props.userPoolClient.userPoolClientId)
        .bindEnv('CORS_ALLOWED_ORIGINS', config.corsAllowedOrigins.join(','));
      areaFunctions.set(area, fn);
    }
    this.areaFunctions = areaFunctions;

    this.sessionKey = new kms.Key(this, 'SessionTokenKey', {
      description: `Genascope ${config.stage}: signs patient session tokens`,
      keySpec: kms.KeySpec.RSA_2048,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      removalPolicy: config.logRemovalPolicy,
    });
    const emailIdentity = this.formatArn({
      service: 'ses',
      resource: 'identity',
      resourceName: config.emailFrom.split('@')[1] as string,
    });
    const sendsEmail = (fn: GenascopeFunction) =>
      fn.bindEnv('EMAIL_FROM', config.emailFrom, (g) =>
        iam.Grant.addToPrincipal({ grantee: g, actions: ['ses:SendEmail'], resourceArns: [emailIdentity] }),
      );
    const appConfig = (fn: GenascopeFunction) =>
      fn
        .bindEnv('PATIENT_APP_URL', config.patientAppUrl)
        .bindEnv('SESSION_KEY_ID', this.sessionKey.keyArn, (g) => this.sessionKey.grant(g, 'kms:GetPublicKey'));
    for (const [area, fn] of areaFunctions) {
      appConfig(fn);
      if (EMAIL_AREAS.has(area)) sendsEmail(fn);
    }
    // Lab webhook secrets: JSON { "<labId>": ["<secret>", …] }, shared with each lab; several per lab allow rotation.
    const secretsKey = createCustomerKey(this, 'LabSecretsKey', {
      alias: `alias/genascope/${config.stage}/lab-webhook-secrets`,
      description: `Genascope ${config.stage}: lab webhook signing secrets`,
    });
    this.labWebhookSecrets = new secretsmanager.Secret(this, 'LabWebhookSecrets', {
      description: `Genascope ${config.stage}: HMAC secrets of lab result webhooks, by lab id`,
      encryptionKey: secretsKey,
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'sandbox',
        excludePunctuation: true,
        passwordLength: 48,
      },
    });
    // Stages without real lab integrations send every order to the sandbox lab.
    const labAdapter = (fn: GenascopeFunction) => {
      if (!config.production) fn.bindEnv('LAB_ADAPTER', 'sandbox');
    };
    const labs = areaFunctions.get('labs');
    if (labs) labAdapter(labs);

    // Only accepting an invite issues session tokens.
    const invites = areaFunctions.get('invites');
    if (invites) this.sessionKey.grant(invites.grantee, 'kms:Sign');

    const accessLogs = createEncryptedLogGroup(this, 'AccessLogs', {
      encryptionKey: this.logKey,
      retention: config.logRetention,
      removalPolicy: config.logRemovalPolicy,
    });
    const cors = config.corsAllowedOrigins;
    this.api = new apigw.RestApi(this, 'RestApi', {
      restApiName: `genascope-${config.stage}`,
      description: `Genascope ${config.stage} HTTP API`,
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      cloudWatchRole: true,
      minCompressionSize: Size.kibibytes(1),
      deployOptions: {
        stageName: config.stage,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: accessLogFormat(),
        tracingEnabled: true,
        metricsEnabled: true,
        // Execution logs at ERROR only and never request/response bodies: bodies carry PHI.
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        throttlingRateLimit: config.api.throttlingRateLimit,
        throttlingBurstLimit: config.api.throttlingBurstLimit,
      },
      defaultCorsPreflightOptions:
        cors.length > 0
          ? {
              allowOrigins: [...cors],
              allowMethods: [...new Set(apiRoutes.map((r) => r.method))].sort(),
              allowHeaders: ['Authorization', 'Content-Type'],
              maxAge: Duration.minutes(10),
            }
          : undefined,
    });
    addProblemGatewayResponses(this.api, cors);

    this.authorizer = new apigw.CognitoUserPoolsAuthorizer(this, 'StaffAuthorizer', {
      authorizerName: `genascope-${config.stage}-staff`,
      cognitoUserPools: [props.userPool],
      identitySource: apigw.IdentitySource.header('Authorization'),
      resultsCacheTtl: Duration.minutes(5),
    });
    const validator = this.api.addRequestValidator('RequestValidator', {
      // Required path parameters are checked here; bodies are validated by the handlers against the route
      // table's schemas (which give RFC 9457 errors per field). Methods declare no API Gateway models.
      requestValidatorName: 'parameters-and-body',
      validateRequestParameters: true,
      validateRequestBody: true,
    });

    const integrations = new Map<string, apigw.LambdaIntegration>();
    const deployed: DeployedRoute[] = [];
    for (const route of apiRoutes) {
      const fn = areaFunctions.get(route.area)!;
      let integration = integrations.get(route.area);
      if (!integration) {
        // One invoke permission per function, scoped to this API, instead of one per method: the route table
        // grows towards ~80 methods and per-method permissions would cost ~80 of the stack's 500 resources.
        integration = new apigw.LambdaIntegration(fn, { scopePermissionToMethod: false });
        integrations.set(route.area, integration);
      }
      const requestParameters = Object.fromEntries(
        pathParams(route.path).map((p) => [`method.request.path.${p}`, true]),
      );
      const resource = this.api.root.resourceForPath(route.path);
      const method = resource.addMethod(route.method, integration, {
        operationName: route.operationId,
        requestValidator: validator,
        requestParameters,
        ...(route.auth === 'staff'
          ? { authorizationType: apigw.AuthorizationType.COGNITO, authorizer: this.authorizer }
          : { authorizationType: apigw.AuthorizationType.NONE }),
      });
      deployed.push({ route, method });
    }
    this.deployedRoutes = deployed;

    // Webhooks: a Function URL per area (lab systems sign their deliveries; the handler checks the HMAC).
    const webhookFunctions = new Map<string, GenascopeFunction>();
    for (const area of areasOf(routes.filter((r) => r.auth === 'webhook'))) {
      const fn = new GenascopeFunction(this, `${pascalCase(area)}WebhookFunction`, {
        ...logProps,
        entry: webhookEntry(area, props.functionsDir),
        description: `Genascope ${config.stage} ${area} webhooks (Function URL)`,
      }).bindDatabase(props.database);
      sendsEmail(fn);
      fn.bindEnv('LAB_WEBHOOK_SECRETS_ARN', this.labWebhookSecrets.secretArn, (g) =>
        this.labWebhookSecrets.grantRead(g),
      );
      const url = fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
      webhookFunctions.set(area, fn);
      new CfnOutput(this, `${pascalCase(area)}WebhookUrl`, { value: url.url });
    }
    this.webhookFunctions = webhookFunctions;

    this.workflows = new Workflows(this, 'Workflows', {
      workflows: props.workflows ?? allWorkflows,
      stage: config.stage,
      ...logProps,
      areaFunctions: new Map([...areaFunctions, ...webhookFunctions]),
      bindTaskFunction: (fn) => {
        fn.bindDatabase(props.database);
        appConfig(fn);
        sendsEmail(fn);
        labAdapter(fn);
      },
    });
    this.sessionSweep = new ScheduledTask(this, 'AbandonIdleSessions', {
      entry: 'functions/chat/abandon-stale-task.ts',
      description: `Genascope ${config.stage}: abandons assessment sessions idle for 30 days`,
      schedule: events.Schedule.cron({ minute: '15', hour: '3' }),
      ...logProps,
      bind: (fn) => fn.bindDatabase(props.database),
    });

    this.webAcl = this.createWebAcl(config, logProps.logKey);

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
  }

  private createWebAcl(config: StageConfig, logKey: kms.IKey): wafv2.CfnWebACL {
    const name = `genascope-${config.stage}-api`;
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      // Sampled requests would keep paths (invite tokens) and query strings (name searches) in the console.
      sampledRequestsEnabled: false,
    });
    const managed = (priority: number, ruleName: string, overrides?: wafv2.CfnWebACL.RuleActionOverrideProperty[]) => ({
      name: ruleName,
      priority,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: { vendorName: 'AWS', name: ruleName, ruleActionOverrides: overrides },
      },
      visibilityConfig: visibility(ruleName),
    });
    const webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(name),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: config.api.wafRateLimitPer5Minutes,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
            },
          },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        managed(1, 'AWSManagedRulesAmazonIpReputationList'),
        // Patient CSV imports exceed the rule set's 8 KB body limit: count instead of block (API Gateway caps
        // bodies at 10 MB and the handler validates every row).
        managed(2, 'AWSManagedRulesCommonRuleSet', [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
        managed(3, 'AWSManagedRulesKnownBadInputsRuleSet'),
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: webAcl.attrArn,
    });
    // WAF requires the `aws-waf-logs-` prefix and the log group ARN without the trailing `:*`.
    const logGroupName = `aws-waf-logs-genascope-${config.stage}`;
    const wafLogs = createEncryptedLogGroup(this, 'WafLogs', {
      logGroupName,
      encryptionKey: logKey,
      retention: config.logRetention,
      removalPolicy: config.logRemovalPolicy,
    });
    const logging = new wafv2.CfnLoggingConfiguration(this, 'WafLogging', {
      resourceArn: webAcl.attrArn,
      logDestinationConfigs: [
        this.formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      // Tokens travel in the Authorization header and in invite paths; searches put names in query strings.
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { uriPath: {} }, { queryString: {} }],
    });
    logging.node.addDependency(wafLogs);
    return webAcl;
  }
}

function pathParams(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z0-9_]+)\+?\}/g)].map((m) => m[1]!);
}

/** Fails synthesis on a route table the gateway cannot express. */
function checkRoutes(routes: readonly RouteDef[]): void {
  const seen = new Set<string>();
  for (const route of routes) {
    if (route.localOnly) throw new Error(`Route ${route.operationId} is local-only and must not be deployed`);
    if (!route.path.startsWith('/')) throw new Error(`Route ${route.operationId}: path must start with "/"`);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(route.area))
      throw new Error(`Route ${route.operationId}: invalid area "${route.area}"`);
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) throw new Error(`Duplicate route ${key}`);
    seen.add(key);
  }
}

/** JSON access log line: ids, timings, status and the caller's `sub`; never the raw path (invite tokens) or query. */
function accessLogFormat(): apigw.AccessLogFormat {
  const F = apigw.AccessLogField;
  const fields: Record<string, string> = {
    requestId: F.contextRequestId(),
    extendedRequestId: F.contextExtendedRequestId(),
    requestTime: F.contextRequestTime(),
    ip: F.contextIdentitySourceIp(),
    userAgent: F.contextIdentityUserAgent(),
    httpMethod: F.contextHttpMethod(),
    resourcePath: F.contextResourcePath(),
    protocol: F.contextProtocol(),
    status: F.contextStatus(),
    responseLength: F.contextResponseLength(),
    responseLatency: F.contextResponseLatency(),
    integrationLatency: F.contextIntegrationLatency(),
    integrationStatus: F.contextIntegrationStatus(),
    sub: F.contextAuthorizerClaims('sub'),
    errorType: F.contextErrorResponseType(),
    wafStatus: F.contextWafResponseCode(),
    xrayTraceId: F.contextXrayTraceId(),
  };
  const quoted = Object.entries(fields).map(([k, v]) => `"${k}":"${v}"`);
  // messageString is already a quoted JSON string.
  return apigw.AccessLogFormat.custom(`{${quoted.join(',')},"error":${F.contextErrorMessageString()}}`);
}

/** Gateway-generated errors (authorizer 401/403, throttling 429, WAF 403, 5xx) as RFC 9457 problem documents. */
function addProblemGatewayResponses(api: apigw.RestApi, corsOrigins: readonly string[]): void {
  // A gateway response can carry one fixed origin only; with several origins the browser sees the status alone.
  const headers: Record<string, string> = { 'Content-Type': "'application/problem+json'" };
  if (corsOrigins.length === 1) {
    headers['Access-Control-Allow-Origin'] = `'${corsOrigins[0]}'`;
    headers['Vary'] = "'Origin'";
  }
  const template = JSON.stringify({
    type: 'about:blank',
    title: '__TITLE__',
    requestId: '$context.requestId',
  }).replace('"__TITLE__"', '$context.error.messageString');
  for (const [id, type] of [
    ['Default4xx', apigw.ResponseType.DEFAULT_4XX],
    ['Default5xx', apigw.ResponseType.DEFAULT_5XX],
  ] as const) {
    api.addGatewayResponse(id, {
      type,
      responseHeaders: headers,
      templates: { 'application/json': template },
    });
  }
}
