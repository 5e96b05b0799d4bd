import type { GenericSchema, InferOutput } from 'valibot';
import type { UserRole } from '../database.ts';

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

/** One Lambda per resource area; the CDK stack creates a function per distinct area. */
export type Area = string;

export interface RouteDef<
  P extends GenericSchema | undefined = GenericSchema | undefined,
  Q extends GenericSchema | undefined = GenericSchema | undefined,
  B extends GenericSchema | undefined = GenericSchema | undefined,
> {
  operationId: string;
  method: HttpMethod;
  /** API Gateway resource path with `{param}` segments, e.g. `/v1/patients/{patientId}`. */
  path: string;
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
  /** Response schema of the success status, for the OpenAPI document. */
  response?: GenericSchema;
  successStatus?: number;
  /** Exists only in local mode (`/dev/*`); never deployed. */
  localOnly?: boolean;
}

export type Input<S> = S extends GenericSchema ? InferOutput<S> : undefined;

export const ALL_STAFF: readonly UserRole[] = ['super_admin', 'account_admin', 'clinician', 'office_staff'];

export function defineRoute<
  P extends GenericSchema | undefined = undefined,
  Q extends GenericSchema | undefined = undefined,
  B extends GenericSchema | undefined = undefined,
>(route: RouteDef<P, Q, B>): RouteDef<P, Q, B> {
  return route;
}
