/** RFC 9457 problem details. Every error a client sees is one of these. */
export interface FieldError {
  /** Where the problem is: `body.email`, `query.limit`, `path.patientId`, `row[3].email`. */
  field: string;
  message: string;
}

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly extra?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
    this.name = 'ProblemError';
  }

  get type(): string {
    return `https://genascope.dev/problems/${this.title.toLowerCase().replaceAll(/[^a-z0-9]+/g, '-')}`;
  }

  toBody(instance?: string): Record<string, unknown> {
    return {
      type: this.type,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      ...(this.errors?.length ? { errors: this.errors } : {}),
      ...this.extra,
    };
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new ProblemError(400, 'Bad Request', detail, errors);
export const unauthorized = (detail = 'A valid bearer token is required') =>
  new ProblemError(401, 'Unauthorized', detail, undefined, undefined, { 'www-authenticate': 'Bearer' });
export const forbidden = (detail = 'Your role may not perform this action') =>
  new ProblemError(403, 'Forbidden', detail);
/** Unknown ids and other tenants' ids answer the same, so ids of other clinics cannot be probed. */
export const notFound = (resource: string) => new ProblemError(404, 'Not Found', `${resource} not found`);
export const conflict = (detail: string, extra?: Record<string, unknown>) =>
  new ProblemError(409, 'Conflict', detail, undefined, extra);
export const payloadTooLarge = (detail: string) => new ProblemError(413, 'Payload Too Large', detail);
export const unsupportedMediaType = (detail: string) => new ProblemError(415, 'Unsupported Media Type', detail);
export const unprocessable = (detail: string, errors?: FieldError[]) =>
  new ProblemError(422, 'Unprocessable Content', detail, errors);
