import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * Calls to the two AWS JSON APIs the handlers use besides the Data API (KMS for session-token keys, SES v2 for
 * e-mail): plain JSON requests signed with SigV4 by the SDK's own signer (@smithy/signature-v4, which every bundle
 * already carries for the RDS Data client) with the Lambda environment's credentials, sent with fetch.
 *
 * Why not the SDK clients: each SDK client carries the schemas of its whole service. For one or two operations
 * @aws-sdk/client-kms added 46 KB and @aws-sdk/client-sesv2 61 KB to every bundle that sends a mail or checks a
 * patient token, and those bundles missed the 500 KB budget of issue #7. RDS Data, Step Functions and Cognito keep
 * their SDK clients.
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

/** An error answer of an AWS API (4xx, or 429/5xx after the retries). */
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

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape the signer expects. */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData) =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);
class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

/** Throttling and server errors are retried (as the SDK clients do), twice, after 100 and 400 ms. */
const RETRY_DELAYS_MS = [100, 400];
const retryable = (status: number) => status === 429 || status >= 500;

export async function callAws<T>(service: AwsService, request: AwsRequest): Promise<T> {
  const region = process.env.AWS_REGION ?? requiredEnv('AWS_DEFAULT_REGION');
  const url = new URL(
    request.path ?? '/',
    process.env[`AWS_ENDPOINT_URL_${service.envName}`] ??
      process.env.AWS_ENDPOINT_URL ??
      `https://${service.endpointPrefix}.${region}.amazonaws.com`,
  );
  const signer = new SignatureV4({
    service: service.signingName,
    region,
    sha256: NodeSha256,
    applyChecksum: false,
    credentials: {
      accessKeyId: requiredEnv('AWS_ACCESS_KEY_ID'),
      secretAccessKey: requiredEnv('AWS_SECRET_ACCESS_KEY'),
      sessionToken: process.env.AWS_SESSION_TOKEN,
    },
  });
  const body = JSON.stringify(request.body);
  const headers: Record<string, string> = request.target
    ? { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': request.target }
    : { host: url.host, 'content-type': 'application/json' };
  for (let attempt = 0; ; attempt += 1) {
    // Signed per attempt: the signature carries the time.
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: {},
      headers,
      body,
    });
    const { host: _host, ...sendHeaders } = signed.headers;
    const response = await fetch(url, { method: 'POST', headers: sendHeaders, body });
    const delay = RETRY_DELAYS_MS[attempt];
    if (retryable(response.status) && delay !== undefined) {
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, delay));
      continue;
    }
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
}
