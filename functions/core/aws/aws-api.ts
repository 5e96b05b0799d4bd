import { AwsClient } from 'aws4fetch';

/**
 * Calls to the two AWS JSON APIs the handlers use besides the Data API (KMS for session-token keys, SES v2 for
 * e-mail), signed with SigV4 by aws4fetch from the Lambda environment's credentials.
 *
 * Why not the SDK clients: each SDK client carries the schemas of its whole service. For one or two operations
 * @aws-sdk/client-kms added 46 KB and @aws-sdk/client-sesv2 61 KB to every bundle that sends a mail or checks a
 * patient token, and those bundles missed the 500 KB budget of issue #7; aws4fetch is 3 KB. The operations
 * used are plain JSON requests; RDS Data, Step Functions and Cognito keep their SDK clients.
 *
 * `AWS_ENDPOINT_URL_<SERVICE>` overrides an endpoint, as it does for the SDK (the tests point it at a local server).
 */
export interface AwsService {
  /** Signing name, e.g. `kms`, `ses`. */
  signingName: string;
  /** Endpoint prefix, e.g. `kms`, `email` (→ https://email.<region>.amazonaws.com). */
  endpointPrefix: string;
  /** Suffix of the endpoint override variable: AWS_ENDPOINT_URL_<envName>. */
  envName: string;
}

export const KMS: AwsService = { signingName: 'kms', endpointPrefix: 'kms', envName: 'KMS' };
export const SES_V2: AwsService = { signingName: 'ses', endpointPrefix: 'email', envName: 'SESV2' };

export interface AwsRequest {
  /** Path of a REST-JSON operation, e.g. `/v2/email/outbound-emails`; `/` for JSON-RPC operations. */
  path?: string;
  /** `X-Amz-Target` of a JSON-RPC operation, e.g. `TrentService.Sign`. */
  target?: string;
  body: unknown;
}

/** An error answer of an AWS API (4xx/5xx after aws4fetch's retries of 429/5xx). */
export class AwsApiError extends Error {
  constructor(
    readonly service: string,
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(`${service} ${type} (${status}): ${message}`);
    this.name = 'AwsApiError';
  }
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: AWS calls need the Lambda environment's credentials and region`);
  return value;
}

export async function callAws<T>(service: AwsService, request: AwsRequest): Promise<T> {
  const region = process.env.AWS_REGION ?? requiredEnv('AWS_DEFAULT_REGION');
  const endpoint = process.env[`AWS_ENDPOINT_URL_${service.envName}`] ?? process.env.AWS_ENDPOINT_URL ?? `https://${service.endpointPrefix}.${region}.amazonaws.com`;
  const client = new AwsClient({
    accessKeyId: requiredEnv('AWS_ACCESS_KEY_ID'),
    secretAccessKey: requiredEnv('AWS_SECRET_ACCESS_KEY'),
    sessionToken: process.env.AWS_SESSION_TOKEN,
    service: service.signingName,
    region,
    retries: 3,
  });
  const headers: Record<string, string> = request.target
    ? { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': request.target }
    : { 'content-type': 'application/json' };
  const response = await client.fetch(new URL(request.path ?? '/', endpoint).toString(), { method: 'POST', headers, body: JSON.stringify(request.body) });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!response.ok) {
    // JSON-RPC errors name their type in `__type` ("prefix#Name"), REST-JSON ones in the x-amzn-ErrorType header.
    const rawType = String(parsed.__type ?? response.headers.get('x-amzn-errortype') ?? 'UnknownError');
    const type = rawType.split('#').pop()?.split(':')[0] ?? rawType;
    throw new AwsApiError(service.signingName, response.status, type, String(parsed.message ?? parsed.Message ?? ''));
  }
  return parsed as T;
}
