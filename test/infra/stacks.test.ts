import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, test } from 'vitest';
import { deployedRoutes } from '../../functions/routes.ts';
import { workflows } from '../../functions/workflows.ts';
import { areasOf, pascalCase } from '../../lib/api-stack.ts';
import { createApp, type GenascopeApp } from '../../lib/app.ts';
import { STAFF_GROUPS } from '../../lib/auth-stack.ts';
import { apiMethods, resourcesOf } from './template-helpers.ts';

// One synthesis for the whole file, bundling skipped (cdk-nag runs in nag.test.ts).
let g: GenascopeApp;
let data: Template;
let auth: Template;
let api: Template;
const routes = deployedRoutes();
const apiRoutes = routes.filter((r) => r.auth !== 'webhook');

beforeAll(() => {
  g = createApp({ skipBundling: true, nag: false, outdir: mkdtempSync(join(tmpdir(), 'genascope-cdk-')) });
  data = Template.fromStack(g.data);
  auth = Template.fromStack(g.auth);
  api = Template.fromStack(g.api);
});

describe('app', () => {
  test('has the three stacks of the stage, named after it', () => {
    expect(g.config.stage).toBe('dev');
    expect([g.data, g.auth, g.api].map((s) => s.stackName)).toEqual([
      'Genascope-dev-Data',
      'Genascope-dev-Auth',
      'Genascope-dev-Api',
    ]);
  });

  test('every function is nodejs24.x on arm64', () => {
    const functions = [data, auth, api].flatMap((t) => Object.values(resourcesOf(t, 'AWS::Lambda::Function')));
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      expect(fn.Properties?.['Runtime']).toBe('nodejs24.x');
      expect(fn.Properties?.['Architectures']).toEqual(['arm64']);
    }
  });

  test('house functions trace with X-Ray, log JSON to an encrypted group with retention, and have no inline policy', () => {
    for (const t of [data, api]) {
      const houseFunctions = Object.values(resourcesOf(t, 'AWS::Lambda::Function')).filter(
        (fn) => fn.Properties?.['Handler'] === 'index.handler',
      );
      expect(houseFunctions.length).toBeGreaterThan(0);
      for (const fn of houseFunctions) {
        expect(fn.Properties?.['TracingConfig']).toEqual({ Mode: 'Active' });
        expect(fn.Properties?.['LoggingConfig']).toMatchObject({
          LogFormat: 'JSON',
          LogGroup: { Ref: expect.any(String) },
        });
      }
      t.allResourcesProperties('AWS::Logs::LogGroup', {
        KmsKeyId: Match.anyValue(),
        RetentionInDays: Match.anyValue(),
      });
      t.resourceCountIs('AWS::IAM::Policy', 0);
    }
  });
});

describe('DataStack', () => {
  test('Aurora PostgreSQL Serverless v2 with the Data API, encryption, deletion protection and backups', () => {
    data.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      EngineVersion: Match.stringLikeRegexp('^1[67]\\.'),
      EnableHttpEndpoint: true,
      StorageEncrypted: true,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
      DeletionProtection: true,
      EnableIAMDatabaseAuthentication: true,
      EnableCloudwatchLogsExports: ['postgresql'],
      ServerlessV2ScalingConfiguration: Match.objectLike({
        MinCapacity: Match.anyValue(),
        MaxCapacity: Match.anyValue(),
      }),
    });
    const [cluster] = Object.values(resourcesOf(data, 'AWS::RDS::DBCluster'));
    expect(cluster?.Properties?.['BackupRetentionPeriod']).toBeGreaterThanOrEqual(7);
    data.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Snapshot' });
    data.allResourcesProperties('AWS::RDS::DBInstance', {
      DBInstanceClass: 'db.serverless',
      PubliclyAccessible: false,
      MonitoringInterval: 60,
    });
  });

  test('customer KMS key with rotation encrypts the credentials secret, which rotates', () => {
    data.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    data.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: Match.stringLikeRegexp('genascope_admin') }),
    });
    data.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      HostedRotationLambda: Match.objectLike({ RotationType: 'PostgreSQLSingleUser' }),
    });
  });

  test('isolated network: no internet or NAT gateway, no public IPs, flow logs on', () => {
    data.resourceCountIs('AWS::EC2::InternetGateway', 0);
    data.resourceCountIs('AWS::EC2::NatGateway', 0);
    data.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
    data.resourceCountIs('AWS::EC2::FlowLog', 1);
  });

  test('a deploy-time trigger runs the migration function after the cluster and its writer exist', () => {
    data.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('migrations'),
      ReservedConcurrentExecutions: 1,
      Environment: {
        Variables: Match.objectLike({
          DB_CLUSTER_ARN: Match.anyValue(),
          DB_SECRET_ARN: Match.anyValue(),
          DB_NAME: 'genascope',
        }),
      },
    });
    const triggers = Object.values(resourcesOf(data, 'Custom::Trigger'));
    expect(triggers).toHaveLength(1);
    const trigger = triggers[0]!;
    expect(trigger.Properties).toMatchObject({ InvocationType: 'RequestResponse', ExecuteOnHandlerChange: true });
    const migrateVersion = data.getResourceId('AWS::Lambda::Version', {});
    expect(trigger.Properties?.['HandlerArn']).toEqual({ Ref: migrateVersion });
    const dependsOn = [trigger.DependsOn ?? []].flat();
    expect(dependsOn).toContain(data.getResourceId('AWS::RDS::DBCluster'));
    expect(dependsOn).toContain(data.getResourceId('AWS::RDS::DBInstance'));
  });
});

describe('AuthStack', () => {
  test('user pool: no self sign-up, required TOTP MFA, strong passwords, immutable custom:account_id, retained', () => {
    auth.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      Schema: Match.arrayWith([Match.objectLike({ Name: 'account_id', AttributeDataType: 'String', Mutable: false })]),
      UsernameAttributes: ['email'],
      DeletionProtection: 'ACTIVE',
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
    auth.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain' });
  });

  test('one group per staff role', () => {
    const groups = Object.values(resourcesOf(auth, 'AWS::Cognito::UserPoolGroup')).map(
      (r) => r.Properties?.['GroupName'],
    );
    expect(groups.sort()).toEqual(['account_admin', 'clinician', 'office_staff', 'super_admin']);
    expect(STAFF_GROUPS.map((s) => s.name).sort()).toEqual(groups);
  });

  test('SPA client: public (no secret), SRP only, no OAuth, short-lived tokens', () => {
    auth.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AllowedOAuthFlowsUserPoolClient: false,
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
    const [client] = Object.values(resourcesOf(auth, 'AWS::Cognito::UserPoolClient'));
    expect(client?.Properties?.['IdTokenValidity']).toBeLessThanOrEqual(60);
    expect(client?.Properties?.['AccessTokenValidity']).toBeLessThanOrEqual(60);
  });
});

describe('ApiStack', () => {
  test('one Lambda per area of the deployed routes, with DB and Cognito settings', () => {
    const areas = areasOf(apiRoutes);
    expect(areas.length).toBeGreaterThan(0);
    expect([...g.api.areaFunctions.keys()]).toEqual(areas);
    const functions = resourcesOf(api, 'AWS::Lambda::Function');
    const webhookAreas = areasOf(routes.filter((r) => r.auth === 'webhook'));
    // Besides the area and webhook functions: one task Lambda per workflow and the daily session sweep.
    expect(Object.keys(functions)).toHaveLength(areas.length + webhookAreas.length + workflows.length + 1);
    for (const area of areas) {
      const id = Object.keys(functions).find((k) => k.startsWith(`${pascalCase(area)}Function`));
      expect(id, area).toBeDefined();
      expect(functions[id!]?.Properties).toMatchObject({
        Handler: 'index.handler',
        Timeout: 29,
        MemorySize: 512,
        Environment: {
          Variables: expect.objectContaining({
            DB_CLUSTER_ARN: expect.anything(),
            DB_SECRET_ARN: expect.anything(),
            DB_NAME: 'genascope',
            COGNITO_USER_POOL_ID: expect.anything(),
            COGNITO_CLIENT_ID: expect.anything(),
            CORS_ALLOWED_ORIGINS: 'http://localhost:5173',
          }),
        },
      });
    }
  });

  test('functions get least-privilege Data API and secret grants (no wildcard resource)', () => {
    const policies = Object.entries(resourcesOf(api, 'AWS::IAM::ManagedPolicy'));
    for (const [id, policy] of policies) {
      const statements = (policy.Properties?.['PolicyDocument'] as { Statement: Array<Record<string, unknown>> })
        .Statement;
      if (id.startsWith('GenascopeXRayWritePolicy')) {
        expect(statements.flatMap((s) => [s['Action']].flat()).sort()).toEqual([
          'xray:PutTelemetryRecords',
          'xray:PutTraceSegments',
        ]);
        continue;
      }
      if (id.startsWith('Workflows') && !id.includes('Task')) {
        // State machine roles: invoke their own task; '*' only for the log-delivery and X-Ray actions.
        for (const s of statements.filter((st) => st['Resource'] === '*')) {
          expect(
            [s['Action']].flat().every((a) => String(a).startsWith('logs:') || String(a).startsWith('xray:')),
          ).toBe(true);
        }
        continue;
      }
      for (const s of statements) expect(s['Resource']).not.toBe('*');
      const sids = statements.map((s) => s['Sid']).filter(Boolean);
      expect(sids).toEqual(expect.arrayContaining(['DataApi', 'DatabaseSecret', 'DatabaseSecretKey']));
    }
  });

  test('every route is a method: COGNITO_USER_POOLS on staff routes, NONE on public and staff_or_patient', () => {
    const methods = apiMethods(api);
    const authorizers = resourcesOf(api, 'AWS::ApiGateway::Authorizer');
    const [authorizerId, authorizer] = Object.entries(authorizers)[0]!;
    expect(Object.keys(authorizers)).toHaveLength(1);
    expect(authorizer.Properties).toMatchObject({
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
    });

    for (const route of apiRoutes) {
      const method = methods.get(`${route.method} ${route.path}`);
      expect(method, `${route.method} ${route.path}`).toBeDefined();
      if (route.auth === 'staff') {
        expect(method).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { Ref: authorizerId } });
      } else {
        expect(method?.['AuthorizationType'], `${route.method} ${route.path}`).toBe('NONE');
        expect(method?.['AuthorizerId']).toBeUndefined();
      }
      const fnId = g.api.getLogicalId(g.api.areaFunctions.get(route.area)!.node.defaultChild as never);
      expect(JSON.stringify(method?.['Integration'])).toContain(fnId);
      expect(method?.['RequestValidatorId']).toBeDefined();
    }
    // Nothing else is exposed (CORS preflights aside).
    const others = [...methods.keys()].filter((k) => !k.startsWith('OPTIONS '));
    expect(others.sort()).toEqual(apiRoutes.map((r) => `${r.method} ${r.path}`).sort());
  });

  test('no local-only route is deployed', () => {
    const methods = apiMethods(api);
    expect([...methods.keys()].filter((k) => k.includes(' /dev/'))).toEqual([]);
  });

  test('stage: throttling, ERROR execution logs without data trace, X-Ray, JSON access logs to an encrypted group', () => {
    api.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      MethodSettings: [
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          MetricsEnabled: true,
        }),
      ],
      AccessLogSetting: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
    });
    const [stage] = Object.values(resourcesOf(api, 'AWS::ApiGateway::Stage'));
    const format = (stage?.Properties?.['AccessLogSetting'] as { Format: string }).Format;
    expect(() => JSON.parse(format.replace(/\$context\.error\.messageString/, '"x"'))).not.toThrow();
    expect(format).not.toContain('$context.path'); // raw paths carry invite tokens
    api.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestParameters: true });
    api.resourceCountIs('AWS::ApiGateway::Account', 1); // CloudWatch role
  });

  test('WAF web ACL (managed common rules + per-IP rate limit) on the stage, logging with token redaction', () => {
    api.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: Match.arrayWith([
        Match.objectLike({
          Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP' }) },
          Action: { Block: {} },
        }),
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: Match.objectLike({ VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' }),
          },
        }),
      ]),
    });
    api.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
      WebACLArn: { 'Fn::GetAtt': ['WebAcl', 'Arn'] },
    });
    api.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: Match.arrayWith([
        { SingleHeader: { Name: 'authorization' } },
        { UriPath: {} },
        { QueryString: {} },
      ]),
    });
  });

  test('CORS preflight answers the configured origin', () => {
    const methods = apiMethods(api);
    const preflight =
      methods.get('OPTIONS /v1/me') ?? [...methods.entries()].find(([k]) => k.startsWith('OPTIONS '))?.[1];
    expect(JSON.stringify(preflight)).toContain('http://localhost:5173');
  });

  test('no webhook route today means no Function URL', () => {
    if (routes.some((r) => r.auth === 'webhook')) return; // covered by webhook.test.ts once such routes exist
    api.resourceCountIs('AWS::Lambda::Url', 0);
  });
});
