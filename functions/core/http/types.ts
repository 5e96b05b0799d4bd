import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { GenericSchema, InferOutput } from 'valibot';
import type { Actor, StaffActor } from '../auth/actor.ts';
import type { Db } from '../db.ts';
import type { Logger } from '../logger.ts';
import type { InputOf, RouteDef } from './route.ts';

export type HttpEvent = APIGatewayProxyEvent;
export type HttpResponse = APIGatewayProxyResult;

export interface HttpResult<T = unknown> {
  status: number;
  body?: T;
  headers?: Record<string, string>;
  /** Non-JSON bodies (CSV export, calendar files) are passed through as text with their content type. */
  rawBody?: string;
}

/** What an operation receives: the input its route validated, and who is calling. No API Gateway event. */
export interface OperationRequest<R extends RouteDef = RouteDef> {
  params: InputOf<R['params']>;
  query: InputOf<R['query']>;
  body: InputOf<R['body']>;
  /** Raw request body (for CSV imports and signature checks). */
  rawBody: string | undefined;
  contentType: string | undefined;
  headers: Record<string, string>;
  actor: Actor;
  requestId: string;
  log: Logger;
  db: Db;
  route: R;
}

/**
 * A value JSON.stringify turns into the declared response: instants may be built as `Date`s, and arrays may be
 * read-only. Everything else must match the route's response schema.
 */
type Wire<T> = T extends string
  ? T | Date
  : T extends readonly (infer E)[]
    ? readonly Wire<E>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** What the operation of route `R` answers: its declared response, or anything when it declares none. */
export type ResponseOf<R extends RouteDef> = [NonNullable<R['response']>] extends [never]
  ? unknown
  : NonNullable<R['response']> extends GenericSchema
    ? Wire<InferOutput<NonNullable<R['response']>>>
    : unknown;

/** The operation of one route: typed from its schemas, its answer checked against its declared response. */
export type Operation<R extends RouteDef> = (request: OperationRequest<R>) => Promise<HttpResult<ResponseOf<R>>>;

/** An area's operations, one per route, keyed by operationId: a missing or misspelled one fails the type check. */
export type OperationsOf<Routes extends readonly RouteDef[]> = {
  [R in Routes[number] as R['operationId']]: Operation<R>;
};

/** The pipeline's view of an operation, after the route's schemas have checked its input. */
export type UntypedOperation = (request: OperationRequest) => Promise<HttpResult>;

export interface AreaOperations {
  readonly routes: readonly RouteDef[];
  readonly operations: ReadonlyMap<string, UntypedOperation>;
}

export function defineOperations<const Routes extends readonly RouteDef[]>(
  routes: Routes,
  operations: NoInfer<OperationsOf<Routes>>,
): AreaOperations {
  const byId = new Map<string, UntypedOperation>();
  for (const route of routes) {
    const operation = (operations as Record<string, unknown>)[route.operationId];
    if (typeof operation !== 'function') throw new Error(`No operation implements ${route.operationId}`);
    // The pipeline validates each route's input with that route's schemas before calling its operation.
    byId.set(route.operationId, operation as UntypedOperation);
  }
  return { routes, operations: byId };
}

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

export const ok = <T>(body: T): HttpResult<T> => ({ status: 200, body });
export const created = <T>(body: T, location?: string): HttpResult<T> => ({
  status: 201,
  body,
  ...(location ? { headers: { location } } : {}),
});
export const noContent = (): HttpResult<never> => ({ status: 204 });

/** For operations of `staff` routes: the authenticator guarantees a staff actor; this narrows the type. */
export function staffActor(actor: Actor): StaffActor {
  if (actor.kind !== 'staff') throw new Error('Staff route reached without a staff actor');
  return actor;
}
