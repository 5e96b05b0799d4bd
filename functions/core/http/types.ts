import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Actor } from '../auth/actor.ts';
import type { Db } from '../db.ts';
import type { Logger } from '../logger.ts';
import type { RouteDef } from './route.ts';

export type HttpEvent = APIGatewayProxyEvent;
export type HttpResponse = APIGatewayProxyResult;

export interface HttpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Non-JSON bodies (CSV export, calendar files) are passed through as text with their content type. */
  rawBody?: string;
}

/** What an operation receives: validated input and who is calling. No API Gateway event. */
export interface OperationRequest<P = unknown, Q = unknown, B = unknown> {
  params: P;
  query: Q;
  body: B;
  /** Raw request body (for CSV imports and signature checks). */
  rawBody: string | undefined;
  contentType: string | undefined;
  headers: Record<string, string>;
  actor: Actor;
  requestId: string;
  log: Logger;
  db: Db;
  route: RouteDef;
}

export type Operation = (request: OperationRequest<any, any, any>) => Promise<HttpResult>;

/** Shared state the middlewares build up for one invocation. */
export interface InvocationState {
  requestId: string;
  log: Logger;
  startedAt: number;
  route?: RouteDef;
  actor?: Actor;
  params?: unknown;
  query?: unknown;
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  headers: Record<string, string>;
}

export const ok = (body: unknown): HttpResult => ({ status: 200, body });
export const created = (body: unknown, location?: string): HttpResult => ({
  status: 201,
  body,
  ...(location ? { headers: { location } } : {}),
});
export const noContent = (): HttpResult => ({ status: 204 });

/** For operations of `staff` routes: the authenticator guarantees a staff actor; this narrows the type. */
export function staffActor(actor: Actor): import('../auth/actor.ts').StaffActor {
  if (actor.kind !== 'staff') throw new Error('Staff route reached without a staff actor');
  return actor;
}
