import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, LambdaFunctionURLEvent } from 'aws-lambda';
import { getDb } from '../core/db.ts';
import {
  ProblemError,
  badRequest,
  notFound,
  payloadTooLarge,
  unauthorized,
  unsupportedMediaType,
} from '../core/errors.ts';
import { isJsonMediaType, mediaType } from '../core/http/middleware/body.ts';
import { normalizeHeaders } from '../core/http/middleware/headers.ts';
import { responseHeaders } from '../core/http/middleware/response-headers.ts';
import { validate } from '../core/http/validate.ts';
import { rootLogger, type Logger } from '../core/logger.ts';
import { labSecrets } from './lab-secrets.ts';
import { labResultWebhookBody } from './lab-webhooks.schemas.ts';
import { receiveLabResult } from './lab-webhooks.service.ts';
import { verifyWebhook } from './signature.ts';

/**
 * The lab result webhook Lambda. In AWS it sits behind a Function URL (payload format 2.0: `rawPath`,
 * `requestContext.http.method`, no path parameters); locally the gateway sends it the REST (v1) proxy event it
 * sends every area. Both become one request, and the signature is checked on the exact bytes received before
 * anything parses them. The area pipeline (createAreaHandler) is not used: it parses JSON before the operation runs.
 */
export const WEBHOOK_PATH = /^\/webhooks\/labs\/([^/]+)\/?$/;
const LAB_ID = /^[a-z0-9][a-z0-9-]{0,99}$/;
/** A Function URL accepts 6 MB; the largest valid delivery (a 4 MB PDF in base64 and the report) fits. */
export const MAX_WEBHOOK_BYTES = 6 * 1024 * 1024;

type WebhookEvent = LambdaFunctionURLEvent | APIGatewayProxyEvent;

interface WebhookRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  requestId: string;
}

function isFunctionUrlEvent(event: WebhookEvent): event is LambdaFunctionURLEvent {
  return (
    typeof (event as LambdaFunctionURLEvent).rawPath === 'string' &&
    typeof (event as LambdaFunctionURLEvent).requestContext?.http?.method === 'string'
  );
}

/** Function URL (v2) and REST (v1) events → method, path, lower-cased headers, raw body bytes. */
export function normalizeWebhookEvent(event: WebhookEvent): WebhookRequest {
  const bytes = (body: string | null | undefined, base64: boolean | undefined) =>
    body == null ? Buffer.alloc(0) : Buffer.from(body, base64 ? 'base64' : 'utf8');
  if (isFunctionUrlEvent(event)) {
    return {
      method: event.requestContext.http.method.toUpperCase(),
      path: event.rawPath,
      headers: normalizeHeaders(event.headers),
      body: bytes(event.body, event.isBase64Encoded),
      requestId: event.requestContext.requestId ?? randomUUID(),
    };
  }
  const labId = event.pathParameters?.labId;
  return {
    method: event.httpMethod.toUpperCase(),
    path: labId ? `/webhooks/labs/${encodeURIComponent(labId)}` : event.path,
    headers: normalizeHeaders(event.headers),
    body: bytes(event.body, event.isBase64Encoded),
    requestId: event.requestContext?.requestId ?? randomUUID(),
  };
}

function labIdOf(path: string): string {
  const raw = WEBHOOK_PATH.exec(path)?.[1];
  let labId: string | undefined;
  try {
    labId = raw === undefined ? undefined : decodeURIComponent(raw);
  } catch {
    labId = undefined;
  }
  if (!labId || !LAB_ID.test(labId)) throw notFound('Lab');
  return labId;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function parseBody(request: WebhookRequest): { text: string; json: unknown } {
  const type = mediaType(request.headers['content-type']);
  if (type && !isJsonMediaType(type)) throw unsupportedMediaType('Content-Type must be application/json');
  let text: string;
  try {
    text = UTF8.decode(request.body);
  } catch {
    throw badRequest('Request body is not UTF-8', [{ field: 'body', message: 'Malformed UTF-8' }]);
  }
  try {
    return { text, json: JSON.parse(text) as unknown };
  } catch {
    throw badRequest('Request body is not valid JSON', [{ field: 'body', message: 'Malformed JSON' }]);
  }
}

async function handle(request: WebhookRequest, log: Logger): Promise<{ status: number; body: unknown }> {
  if (!WEBHOOK_PATH.test(request.path)) throw notFound('Route');
  if (request.method !== 'POST')
    throw new ProblemError(405, 'Method Not Allowed', 'Allowed: POST', undefined, undefined, { allow: 'POST' });
  const labId = labIdOf(request.path);
  if (request.body.length > MAX_WEBHOOK_BYTES) throw payloadTooLarge(`Request body exceeds ${MAX_WEBHOOK_BYTES} bytes`);

  // 1. Signature, on the raw bytes, before any parsing.
  const secrets = await labSecrets(labId);
  if (secrets.length === 0) throw notFound('Lab');
  const headers = {
    id: request.headers['webhook-id'],
    timestamp: request.headers['webhook-timestamp'],
    signature: request.headers['webhook-signature'],
  };
  const verified = verifyWebhook({ headers, body: request.body, secrets });
  if (!verified.ok) {
    log.warn('lab webhook refused', { labId, reason: verified.reason });
    const stale = verified.reason === 'timestamp_too_old' || verified.reason === 'timestamp_in_future';
    throw unauthorized(
      stale ? 'The webhook timestamp is outside the 5-minute tolerance' : 'The webhook signature is missing or invalid',
    );
  }
  const webhookId = headers.id as string;

  // 2. Only now the body: JSON, then the documented schema. Malformed is 400 (the lab must fix it, not retry).
  const { text, json } = parseBody(request);
  const parsed = validate(labResultWebhookBody, json, 'body');
  if (!parsed.ok)
    throw badRequest(`Invalid webhook body: ${parsed.errors.map((e) => e.field).join(', ')}`, parsed.errors);

  // 3. Store (one transaction) and resume the order's workflow.
  try {
    const outcome = await receiveLabResult(await getDb(), {
      labId,
      webhookId,
      rawBody: text,
      payload: parsed.value,
      requestId: request.requestId,
      log,
    });
    return { status: 200, body: outcome };
  } catch (error) {
    if (error instanceof ProblemError && error.status === 404) {
      // Acknowledged as 404 (nothing written) and logged: a lab reporting on an order Genascope does not know.
      log.warn('lab webhook for an unknown order', { labId, webhookId });
    }
    throw error;
  }
}

/** The Lambda handler: Function URL events in AWS, REST proxy events from the local gateway. */
export async function handler(event: WebhookEvent): Promise<APIGatewayProxyResult> {
  const startedAt = Date.now();
  const request = normalizeWebhookEvent(event);
  const log = rootLogger.child({ requestId: request.requestId, operation: 'receiveLabResultWebhook' });
  let status: number;
  let headers: Record<string, string>;
  let body: string;
  try {
    const result = await handle(request, log);
    status = result.status;
    headers = { 'content-type': 'application/json; charset=utf-8' };
    body = JSON.stringify(result.body);
  } catch (error) {
    const problem =
      error instanceof ProblemError
        ? error
        : new ProblemError(500, 'Internal Server Error', 'An unexpected error occurred');
    if (problem.status >= 500)
      log.error('unhandled error', {
        errorName: error instanceof Error ? error.name : typeof error,
        errorMessage: error instanceof Error ? error.message : undefined,
      });
    status = problem.status;
    // A lab is no browser: no WWW-Authenticate challenge, no CORS.
    const { 'www-authenticate': _challenge, ...problemHeaders } = problem.headers ?? {};
    headers = { 'content-type': 'application/problem+json', ...problemHeaders };
    body = JSON.stringify(problem.toBody(request.requestId));
  }
  log.info('request', {
    method: request.method,
    route: '/webhooks/labs/{labId}',
    status,
    durationMs: Date.now() - startedAt,
    actorKind: 'lab',
  });
  return { statusCode: status, headers: { ...responseHeaders(request.requestId, undefined), ...headers }, body };
}
