import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { RouteDef } from '../core/http/route.ts';
import type { HttpEvent, HttpResponse } from '../core/http/types.ts';
import { corsHeaders } from '../core/http/middleware/response-headers.ts';

type AreaHandler = (event: HttpEvent, context: Context) => Promise<HttpResponse>;

interface CompiledRoute {
  route: RouteDef;
  pattern: RegExp;
  names: string[];
}

function compile(route: RouteDef): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), names };
}

const MAX_LOCAL_BODY = 6 * 1024 * 1024;

async function readRequestBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_LOCAL_BODY) break;
    chunks.push(chunk as Buffer);
  }
  return chunks.length ? Buffer.concat(chunks).toString('utf8') : null;
}

function lambdaContext(requestId: string, area: string): Context {
  return {
    awsRequestId: requestId,
    functionName: `genascope-local-${area}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:genascope-local-${area}`,
    memoryLimitInMB: '512',
    logGroupName: `/aws/lambda/genascope-local-${area}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 29_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, headers);
  res.end(body);
}

function problem(
  res: ServerResponse,
  status: number,
  title: string,
  detail: string,
  extra: Record<string, string> = {},
): void {
  send(
    res,
    status,
    { 'content-type': 'application/problem+json', ...extra },
    JSON.stringify({ type: 'about:blank', title, status, detail }),
  );
}

/**
 * Plays API Gateway for local mode and tests: matches the same route table the CDK stack deploys,
 * builds REST (v1) proxy events and calls the same area handlers.
 */
export function createGateway(
  routes: readonly RouteDef[],
  loadHandler: (area: string) => Promise<AreaHandler>,
): Server {
  // Literal segments win over parameters, as in API Gateway: `/v1/patients/import` before `/v1/patients/{patientId}`.
  const compiled = routes.map(compile).sort((a, b) => a.names.length - b.names.length);
  return createServer(async (req, res) => {
    const requestId = randomUUID();
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
      const matches = compiled
        .map((c) => ({ c, m: c.pattern.exec(url.pathname) }))
        .filter((x): x is { c: CompiledRoute; m: RegExpExecArray } => x.m !== null);
      if (req.method === 'OPTIONS') {
        send(res, matches.length ? 204 : 404, corsHeaders(origin), '');
        return;
      }
      if (matches.length === 0) return problem(res, 404, 'Not Found', 'No such route');
      const match = matches.find((x) => x.c.route.method === req.method);
      if (!match) {
        const allow = matches.map((x) => x.c.route.method).join(', ');
        return problem(res, 405, 'Method Not Allowed', `Allowed: ${allow}`, { allow });
      }
      const { route, names } = match.c;
      const pathParameters: Record<string, string> = {};
      names.forEach((name, i) => {
        const raw = match.m[i + 1] ?? '';
        try {
          pathParameters[name] = decodeURIComponent(raw);
        } catch {
          pathParameters[name] = raw;
        }
      });
      const headers: Record<string, string> = {};
      const multiValueHeaders: Record<string, string[]> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined) continue;
        const values = Array.isArray(value) ? value : [value];
        headers[name] = values.join(', ');
        multiValueHeaders[name] = values;
      }
      // Null-prototype maps: a parameter named `constructor` or `__proto__` is just a parameter.
      const query: Record<string, string> = Object.create(null) as Record<string, string>;
      const multiQuery: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
      for (const [key, value] of url.searchParams) {
        query[key] = value;
        (multiQuery[key] ??= []).push(value);
      }
      const body = await readRequestBody(req);
      const event = {
        resource: route.path,
        path: url.pathname,
        httpMethod: route.method,
        headers,
        multiValueHeaders,
        queryStringParameters: Object.keys(query).length ? query : null,
        multiValueQueryStringParameters: Object.keys(multiQuery).length ? multiQuery : null,
        pathParameters: names.length ? pathParameters : null,
        stageVariables: null,
        body,
        isBase64Encoded: false,
        requestContext: {
          requestId,
          resourcePath: route.path,
          httpMethod: route.method,
          path: url.pathname,
          stage: 'local',
          identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1' },
        },
      } as unknown as HttpEvent;
      const handler = await loadHandler(route.area);
      const response = await handler(event, lambdaContext(requestId, route.area));
      const outHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers ?? {})) outHeaders[name] = String(value);
      send(res, response.statusCode, outHeaders, response.body ?? '');
    } catch (error) {
      // Handlers turn their own errors into problems; reaching here is a gateway fault (like a 502 in AWS).
      console.error(
        JSON.stringify({
          level: 'error',
          message: 'local gateway error',
          requestId,
          errorName: (error as Error)?.name,
        }),
      );
      if (!res.headersSent) problem(res, 502, 'Bad Gateway', 'The handler failed');
    }
  });
}
