import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, expect, test } from 'vitest';
import { defineRoute, type RouteDef } from '../../functions/core/http/route.ts';
import { createApp, type GenascopeApp } from '../../lib/app.ts';
import { apiMethods } from './template-helpers.ts';

// A webhook route (none is in the route table yet) with fixture handlers: Function URL wiring and its nag review.
const routes: RouteDef[] = [
  defineRoute({
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    area: 'platform',
    summary: 'health',
    auth: 'public',
  }),
  defineRoute({
    operationId: 'listLabTests',
    method: 'GET',
    path: '/v1/lab-tests',
    area: 'labs',
    summary: 'labs',
    auth: 'staff',
  }),
  defineRoute({
    operationId: 'receiveLabWebhook',
    method: 'POST',
    path: '/webhooks/labs/{labId}',
    area: 'labs',
    summary: 'lab result delivery',
    auth: 'webhook',
  }),
];

let g: GenascopeApp;
let api: Template;
let synthError: unknown;

beforeAll(() => {
  g = createApp({
    skipBundling: true,
    routes,
    functionsDir: join(import.meta.dirname, 'fixtures', 'functions'),
    outdir: mkdtempSync(join(tmpdir(), 'genascope-webhook-')),
  });
  try {
    g.app.synth();
  } catch (error) {
    synthError = error;
  }
  api = Template.fromStack(g.api);
});

test('synthesis (with cdk-nag) passes', () => {
  expect(synthError).toBeUndefined();
});

test('webhook routes get their own Lambda behind a Function URL without auth, not an API Gateway method', () => {
  expect([...g.api.webhookFunctions.keys()]).toEqual(['labs']);
  const webhookFn = g.api.webhookFunctions.get('labs')!;
  expect(webhookFn).not.toBe(g.api.areaFunctions.get('labs'));
  api.hasResourceProperties('AWS::Lambda::Url', {
    AuthType: 'NONE',
    TargetFunctionArn: { 'Fn::GetAtt': [g.api.getLogicalId(webhookFn.node.defaultChild as never), 'Arn'] },
  });
  api.hasResourceProperties('AWS::Lambda::Function', {
    Description: Match.stringLikeRegexp('labs webhooks'),
    Environment: { Variables: Match.objectLike({ DB_CLUSTER_ARN: Match.anyValue() }) },
  });
  const methods = [...apiMethods(api).keys()].filter((k) => !k.startsWith('OPTIONS '));
  expect(methods.sort()).toEqual(['GET /health', 'GET /v1/lab-tests']);
  api.hasOutput('LabsWebhookUrl', {});
});
