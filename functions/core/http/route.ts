import type { GenericSchema, InferOutput } from 'valibot';
import type { UserRole } from '../database.ts';
import { USER_ROLES } from '../database.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route:
 * - `public`: nobody is authenticated (health, OpenAPI, invite verify/accept).
 * - `staff`: a Cognito ID token (the API Gateway Cognito authorizer is the outer gate), `roles` decide.
 * - `staff_or_patient`: a staff ID token with one of `roles`, or a patient session token; the gateway has no
 *   authorizer on these routes and the handler verifies both kinds of token.
 * - `webhook`: a lab's signed delivery (Function URL in AWS), verified by HMAC in the handler.
 */
export type RouteAuth = 'public' | 'staff' | 'staff_or_patient' | 'webhook';

/**
 * The Lambda a route deploys in: one per area, named like the area's folder unless the route says otherwise
 * (`lambda`), e.g. session completion lives with the chat but deploys alone because it needs the clinical rules.
 */
export type Area = string;

type Schema = GenericSchema | undefined;

export interface RouteDef<
  Id extends string = string,
  P extends Schema = Schema,
  Q extends Schema = Schema,
  B extends Schema = Schema,
  R extends Schema = Schema,
> {
  operationId: Id;
  method: HttpMethod;
  /** API Gateway resource path with `{param}` segments, e.g. `/v1/patients/{patientId}`. */
  path: string;
  /** The Lambda (and handler module `functions/<area>/handler.ts`) serving the route. */
  area: Area;
  summary: string;
  tags?: string[];
  auth: RouteAuth;
  /** Staff roles allowed (for `staff` and `staff_or_patient`). */
  roles?: readonly UserRole[];
  params?: P;
  query?: Q;
  body?: B;
  /** Request content types accepted besides JSON (e.g. `text/csv` for imports). */
  extraContentTypes?: readonly string[];
  /** Response schema of the success status, for the OpenAPI document and the operation's return type. */
  response?: R;
  successStatus?: number;
  /** Exists only in local mode (`/dev/*`); never deployed. */
  localOnly?: boolean;
}

/** What a route's schema gives its operation after validation (`undefined` when the route declares none). */
export type InputOf<S> = [NonNullable<S>] extends [never]
  ? undefined
  : NonNullable<S> extends GenericSchema
    ? InferOutput<NonNullable<S>>
    : undefined;

/** Every staff role. */
export const ALL_STAFF: readonly UserRole[] = USER_ROLES;

export function defineRoute<
  const Id extends string,
  P extends Schema = undefined,
  Q extends Schema = undefined,
  B extends Schema = undefined,
  R extends Schema = undefined,
>(route: RouteDef<Id, P, Q, B, R>): RouteDef<Id, P, Q, B, R> {
  return route;
}
