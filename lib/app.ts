import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Aspects, CfnResource, Tags, type IAspect } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import type { NagPack } from 'cdk-nag';
import type { RouteDef } from '../functions/core/http/route.ts';
import { deployedRoutes } from '../functions/routes.ts';
import { ApiStack } from './api-stack.ts';
import { AuthStack } from './auth-stack.ts';
import { stageConfig, type StageConfig } from './config.ts';
import { REPO_ROOT } from './constructs/genascope-function.ts';
import { DataStack } from './data-stack.ts';
import { applyNag } from './nag.ts';

export interface CreateAppOptions {
  /** Stage name. @default the `stage` context (cdk.json: "dev") */
  readonly stage?: string;
  /** Skip esbuild (tests): sets `aws:cdk:bundling-stacks` to []. @default false */
  readonly skipBundling?: boolean;
  /** Register cdk-nag AwsSolutions + HIPAA.Security (synthesis fails on unacknowledged findings). @default true */
  readonly nag?: boolean;
  /** Extra context that wins over cdk.json and the CLI (tests). */
  readonly context?: Record<string, unknown>;
  /** Route table to deploy. @default deployedRoutes() */
  readonly routes?: readonly RouteDef[];
  /** Where area handlers live. @default the repository's functions/ */
  readonly functionsDir?: string;
  /** Cloud assembly directory. @default the CLI's, or a temporary directory */
  readonly outdir?: string;
  /** With `nag`, record the reasoned acknowledgements. `false` lists every finding (tests: no stale ones). @default true */
  readonly acknowledgeNagFindings?: boolean;
}

export interface GenascopeApp {
  readonly app: App;
  readonly config: StageConfig;
  readonly data: DataStack;
  readonly auth: AuthStack;
  readonly api: ApiStack;
  /** The nag packs registered on the app (empty when `nag: false`). */
  readonly nagPacks: readonly NagPack[];
}

/** The `context` of cdk.json (feature flags, defaults): tests get the same flags as `cdk synth`. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/**
 * Builds the whole Genascope app: `Genascope-<stage>-Data`, `-Auth` and `-Api`. Used by bin/genascope.ts and by
 * the infra tests, so there is one wiring. Stacks are environment-agnostic (account and region come from the
 * deploying credentials), which keeps `cdk synth` offline: nothing is looked up.
 */
export function createApp(options: CreateAppOptions = {}): GenascopeApp {
  const postCliContext: Record<string, unknown> = { ...options.context };
  if (options.stage) postCliContext['stage'] = options.stage;
  if (options.skipBundling) postCliContext['aws:cdk:bundling-stacks'] = [];
  const app = new App({ context: cdkJsonContext(), postCliContext, outdir: options.outdir });

  const stage = String(app.node.tryGetContext('stage') ?? 'dev');
  const config = stageConfig(stage, {
    corsAllowedOrigins: app.node.tryGetContext('corsAllowedOrigins'),
    patientAppUrl: app.node.tryGetContext('patientAppUrl'),
    emailFrom: app.node.tryGetContext('emailFrom'),
  });
  const prefix = `Genascope-${stage}`;

  const data = new DataStack(app, `${prefix}-Data`, {
    config,
    functionsDir: options.functionsDir,
    description: `Genascope ${stage}: KMS key, Aurora PostgreSQL (Data API), credentials, migrations`,
    terminationProtection: config.production,
  });
  const auth = new AuthStack(app, `${prefix}-Auth`, {
    config,
    description: `Genascope ${stage}: Cognito staff user pool`,
    terminationProtection: config.production,
  });
  const api = new ApiStack(app, `${prefix}-Api`, {
    config,
    routes: options.routes ?? deployedRoutes(),
    userPool: auth.userPool,
    userPoolClient: auth.userPoolClient,
    database: data.database,
    functionsDir: options.functionsDir,
    // A custom route table (infra fixtures) has none of the areas the workflows belong to.
    workflows: options.routes ? [] : undefined,
    description: `Genascope ${stage}: REST API, handlers, WAF`,
  });

  for (const stack of [data, auth, api]) {
    Tags.of(stack).add('project', 'genascope');
    Tags.of(stack).add('stage', stage);
    Tags.of(stack).add('data-classification', 'phi');
  }

  Aspects.of(app).add(new Arm64CdkProviderFunctions());
  const nagPacks =
    options.nag === false ? [] : applyNag(app, { data, auth, api }, { acknowledge: options.acknowledgeNagFindings });
  return { app, config, data, auth, api, nagPacks };
}

/**
 * CDK's own provider functions (migration trigger provider, default security group restriction) are raw
 * `AWS::Lambda::Function` resources without an architecture, i.e. x86_64. Their code is plain JavaScript, so they
 * run on arm64 like every other function of the app.
 */
class Arm64CdkProviderFunctions implements IAspect {
  visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || node.cfnResourceType !== 'AWS::Lambda::Function') return;
    if (node instanceof lambda.CfnFunction) return; // L2/L1 functions set their architecture themselves
    // Raw CfnResource (CustomResourceProvider): its properties are the PascalCase CloudFormation ones.
    const props = (node as unknown as { _cfnProperties?: Record<string, unknown> })._cfnProperties;
    if (props && props['Architectures'] === undefined && typeof props['Runtime'] === 'string') {
      node.addPropertyOverride('Architectures', ['arm64']);
    }
  }
}
