import { describe, expect, test } from 'vitest';
import * as v from 'valibot';
import type { APIGatewayProxyEvent, LambdaFunctionURLEvent } from 'aws-lambda';
import { normalizeWebhookEvent } from '../../../functions/lab-webhooks/handler.ts';
import { localLabSecret, parseLabSecrets } from '../../../functions/lab-webhooks/lab-secrets.ts';
import { labResultWebhookBody } from '../../../functions/lab-webhooks/lab-webhooks.schemas.ts';
import { sandboxResultPayload } from '../../../functions/labs/sandbox-lab.ts';
import { executionArn } from '../../../functions/labs/workflow-callbacks.ts';

const ORDER_ID = '0b7f3c1e-9a55-4d7e-8f0e-2f4e6c1a9b10';

describe('webhook events', () => {
  const body = '{"type":"lab_result.reported","ünïcode":"✓"}';

  test('Function URL (2.0) and REST (1.0) events give the same request and the same raw bytes', () => {
    const url = normalizeWebhookEvent({
      version: '2.0',
      rawPath: '/webhooks/labs/sandbox',
      headers: { 'Webhook-Id': 'msg_1', 'content-type': 'application/json' },
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
      requestContext: { http: { method: 'post' }, requestId: 'r-1' },
    } as unknown as LambdaFunctionURLEvent);
    const rest = normalizeWebhookEvent({
      httpMethod: 'POST',
      path: '/webhooks/labs/sandbox',
      resource: '/webhooks/labs/{labId}',
      pathParameters: { labId: 'sandbox' },
      headers: { 'webhook-id': 'msg_1', 'Content-Type': 'application/json' },
      body,
      isBase64Encoded: false,
      requestContext: { requestId: 'r-1' },
    } as unknown as APIGatewayProxyEvent);
    expect(url).toEqual(rest);
    expect(url.method).toBe('POST');
    expect(url.path).toBe('/webhooks/labs/sandbox');
    expect(url.headers['webhook-id']).toBe('msg_1');
    expect(url.body.equals(Buffer.from(body, 'utf8'))).toBe(true);
  });
});

describe('result payload schema', () => {
  const parse = (data: Record<string, unknown>) =>
    v.safeParse(labResultWebhookBody, {
      type: 'lab_result.reported',
      timestamp: '2026-01-05T10:00:00Z',
      data: {
        orderId: ORDER_ID,
        reportStatus: 'final',
        reportedAt: '2026-01-05T09:00:00Z',
        interpretation: 'negative',
        variants: [],
        ...data,
      },
    });
  const pathogenic = {
    gene: 'BRCA1',
    hgvsC: 'c.68_69del',
    hgvsP: 'p.Glu23fs',
    zygosity: 'heterozygous',
    classification: 'pathogenic',
  };
  const vus = { gene: 'ATM', hgvsC: 'c.1229T>C', zygosity: 'heterozygous', classification: 'uncertain_significance' };

  test('accepts the documented shapes', () => {
    expect(parse({}).success).toBe(true);
    expect(parse({ interpretation: 'positive', variants: [pathogenic, vus] }).success).toBe(true);
    expect(
      parse({
        interpretation: 'uncertain',
        variants: [vus],
        reportStatus: 'corrected',
        summary: 'VUS in ATM',
        reportPdfBase64: 'JVBERi0xLjQK',
      }).success,
    ).toBe(true);
    expect(parse({ interpretation: 'negative', variants: [{ ...vus, classification: 'likely_benign' }] }).success).toBe(
      true,
    );
  });

  test('refuses inconsistent or malformed reports', () => {
    expect(parse({ interpretation: 'positive', variants: [vus] }).success).toBe(false);
    expect(
      parse({ interpretation: 'negative', variants: [{ ...pathogenic, classification: 'likely_pathogenic' }] }).success,
    ).toBe(false);
    expect(parse({ variants: [{ ...vus, hgvsC: 'g.123A>T' }] }).success).toBe(false);
    expect(parse({ variants: [{ ...vus, hgvsP: 'Glu23fs' }] }).success).toBe(false);
    expect(parse({ variants: [{ ...vus, gene: 'BRCA1; drop table' }] }).success).toBe(false);
    expect(parse({ reportPdfBase64: 'not base64!' }).success).toBe(false);
    expect(parse({ orderId: 'ORD-1' }).success).toBe(false);
    expect(parse({ extra: true }).success).toBe(false);
    expect(
      v.safeParse(labResultWebhookBody, { type: 'order.shipped', timestamp: '2026-01-05T10:00:00Z', data: {} }).success,
    ).toBe(false);
  });

  test('refuses text PostgreSQL cannot store (NUL, lone surrogates) in every free-text field', () => {
    const fields = (data: Record<string, unknown>) => {
      const result = parse(data);
      return result.success ? [] : [...new Set(result.issues.map((i) => v.getDotPath(i)))];
    };
    for (const bad of ['\u0000', '\ud800', '\udc00']) {
      expect(fields({ summary: `VUS${bad}` })).toEqual(['data.summary']);
      expect(fields({ externalOrderId: `SBX${bad}` })).toEqual(['data.externalOrderId']);
      expect(fields({ interpretation: 'uncertain', variants: [{ ...vus, hgvsC: `c.1229T>C${bad}` }] })).toEqual([
        'data.variants.0.hgvsC',
      ]);
      expect(fields({ interpretation: 'uncertain', variants: [{ ...vus, hgvsP: `p.Ile410Thr${bad}` }] })).toEqual([
        'data.variants.0.hgvsP',
      ]);
    }
    expect(parse({ summary: 'VUS in ATM ✓ 𝄞' }).success).toBe(true);
  });

  test('what the sandbox lab sends is a valid report', () => {
    const payload = sandboxResultPayload(
      { id: ORDER_ID, external_order_id: 'SBX-1' },
      { reportStatus: 'final', interpretation: 'positive', variants: [pathogenic as never], includePdf: true },
    );
    const parsed = v.safeParse(labResultWebhookBody, JSON.parse(JSON.stringify(payload)));
    expect(parsed.success).toBe(true);
    expect(
      Buffer.from(payload.data.reportPdfBase64 as string, 'base64')
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });
});

describe('lab secrets and workflow ARNs', () => {
  test('secrets JSON: lists or single strings per lab; anything else is refused', () => {
    const secrets = parseLabSecrets(
      '{"sandbox":["whsec_a","whsec_b"],"cedar-genomics":"whsec_c","__proto__":["whsec_d"]}',
    );
    expect(secrets.get('sandbox')).toEqual(['whsec_a', 'whsec_b']);
    expect(secrets.get('cedar-genomics')).toEqual(['whsec_c']);
    expect(secrets.get('__proto__')).toEqual(['whsec_d']);
    expect(({} as Record<string, unknown>).sandbox).toBeUndefined();
    for (const bad of ['[]', '"whsec_a"', '{"sandbox":[1]}', '{"sandbox":[""]}', 'null'])
      expect(() => parseLabSecrets(bad), bad).toThrow();
  });

  test('local dev secrets are stable per lab and differ between labs', () => {
    expect(localLabSecret('sandbox')).toBe(localLabSecret('sandbox'));
    expect(localLabSecret('sandbox')).not.toBe(localLabSecret('cedar-genomics'));
    expect(localLabSecret('sandbox')).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });

  test('the execution ARN of a named execution', () => {
    expect(executionArn('arn:aws:states:eu-west-1:123456789012:stateMachine:LabOrder-abc', 'lab-order-1')).toBe(
      'arn:aws:states:eu-west-1:123456789012:execution:LabOrder-abc:lab-order-1',
    );
    expect(() => executionArn('arn:aws:lambda:eu-west-1:123456789012:function:x', 'y')).toThrow();
  });
});
