import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { authenticate } from '../auth/authenticate.ts';
import { getDb } from '../db.ts';
import { ProblemError, badRequest, notFound, unprocessable } from '../errors.ts';
import { rootLogger } from '../logger.ts';
import { normalizeHeaders } from './middleware/headers.ts';
import { readBody, unstorableText } from './middleware/body.ts';
import { responseHeaders } from './middleware/response-headers.ts';
import type { RouteDef } from './route.ts';
import type { AreaOperations, HttpEvent, HttpResponse, HttpResult, InvocationState } from './types.ts';
import { validate } from './validate.ts';

const REQUEST_ID = /^[A-Za-z0-9-]{8,64}$/;

const states = new WeakMap<object, InvocationState>();
function state(event: object): InvocationState {
  const found = states.get(event);
  if (!found) throw new Error('Invocation state missing');
  return found;
}

function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

function toResponse(result: HttpResult): HttpResponse {
  if (result.rawBody !== undefined) {
    return { statusCode: result.status, headers: { ...result.headers }, body: result.rawBody };
  }
  if (result.body === undefined) return { statusCode: result.status, headers: { ...result.headers }, body: '' };
  return {
    statusCode: result.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...result.headers },
    body: JSON.stringify(result.body),
  };
}

function problemResponse(error: unknown, s: InvocationState | undefined): HttpResponse {
  const problem =
    error instanceof ProblemError
      ? error
      : new ProblemError(500, 'Internal Server Error', 'An unexpected error occurred');
  if (problem.status >= 500) {
    s?.log.error('unhandled error', {
      errorName: error instanceof Error ? error.name : typeof error,
      errorMessage: error instanceof Error ? error.message : undefined,
    });
  }
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', ...problem.headers },
    body: JSON.stringify(problem.toBody(s?.requestId)),
  };
}

/**
 * Builds the Lambda handler of one resource area from its routes and their operations. The local
 * gateway and API Gateway both deliver REST (v1) proxy events, so this is the only HTTP pipeline.
 */
export function createAreaHandler({ routes, operations }: AreaOperations) {
  const byKey = new Map<string, RouteDef>();
  for (const route of routes) byKey.set(routeKey(route.method, route.path), route);

  return middy<HttpEvent, HttpResponse, Error, Context>()
    .use({
      name: 'invocation',
      before: (request) => {
        const headers = normalizeHeaders(request.event.headers);
        const incoming = headers['x-request-id'];
        const requestId =
          request.event.requestContext?.requestId ?? (incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID());
        states.set(request.event, {
          requestId,
          headers,
          startedAt: Date.now(),
          log: rootLogger.child({ requestId }),
        });
      },
      after: (request) => finish(request.event, request.response),
      onError: (request) => {
        request.response = problemResponse(request.error, states.get(request.event));
        finish(request.event, request.response);
      },
    })
    .use({
      name: 'route-auth-input',
      before: async (request) => {
        const s = state(request.event);
        const event = request.event;
        const route = byKey.get(routeKey(event.httpMethod, event.resource));
        if (!route) throw notFound('Route');
        s.route = route;
        s.log = s.log.child({ operation: route.operationId });
        const db = await getDb();
        s.actor = await authenticate(db, route, s.headers);
        s.params = input(route.params, event.pathParameters ?? {}, 'path', 400);
        s.query = input(route.query, event.queryStringParameters ?? {}, 'query', 400);
        const contentType = s.headers['content-type'];
        s.contentType = contentType;
        const { body, rawBody, isText } = route.body
          ? readBody(event.body, event.isBase64Encoded, contentType, route.extraContentTypes)
          : { body: undefined, rawBody: undefined, isText: false };
        s.rawBody = rawBody;
        if (route.body) {
          // Text bodies (CSV) are validated by their operation, which knows their row format. A missing
          // JSON body is validated as `{}`, so the problem names the required fields; any JSON value that was
          // sent (a string or `null` too) is validated as it is.
          s.body = isText ? body : input(route.body, body === undefined ? {} : body, 'body', 422);
        }
      },
    })
    .handler(async (event) => {
      const s = state(event);
      const route = s.route as RouteDef;
      const operation = operations.get(route.operationId);
      if (!operation) throw notFound('Route');
      const result = await operation({
        params: s.params,
        query: s.query,
        body: s.body,
        rawBody: s.rawBody,
        contentType: s.contentType,
        headers: s.headers,
        actor: s.actor ?? { kind: 'anonymous' },
        requestId: s.requestId,
        log: s.log,
        db: await getDb(),
        route,
      });
      return toResponse(result);
    });
}

function input(
  schema: RouteDef['params'],
  value: unknown,
  prefix: 'path' | 'query' | 'body',
  status: 400 | 422,
): unknown {
  if (prefix !== 'body' && value && typeof value === 'object') {
    for (const [key, text] of Object.entries(value)) {
      const problem = typeof text === 'string' ? unstorableText(text) : undefined;
      if (problem)
        throw badRequest(`Invalid ${prefix === 'path' ? 'path parameter' : 'query parameter'}: ${prefix}.${key}`, [
          { field: `${prefix}.${key}`, message: problem },
        ]);
    }
  }
  if (!schema) {
    if (prefix !== 'body' && value && typeof value === 'object' && Object.keys(value).length > 0) {
      const errors = Object.keys(value).map((key) => ({ field: `${prefix}.${key}`, message: 'Unknown parameter' }));
      throw badRequest(`Unknown ${prefix} parameter`, errors);
    }
    return undefined;
  }
  const result = validate(schema, value, prefix);
  if (result.ok) return result.value;
  const detail = `Invalid ${prefix === 'path' ? 'path parameter' : prefix === 'query' ? 'query parameter' : 'request body'}: ${result.errors.map((e) => e.field).join(', ')}`;
  throw status === 400 ? badRequest(detail, result.errors) : unprocessable(detail, result.errors);
}

function finish(event: HttpEvent, response: HttpResponse | null | undefined): void {
  const s = states.get(event);
  if (!s || !response) return;
  response.headers = { ...responseHeaders(s.requestId, s.headers.origin), ...response.headers };
  s.log.info('request', {
    method: event.httpMethod,
    route: s.route?.path ?? 'unmatched',
    status: response.statusCode,
    durationMs: Date.now() - s.startedAt,
    actorKind: s.actor?.kind,
  });
}
