import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com), as labs send them:
 *
 * - headers `webhook-id`, `webhook-timestamp` (integer seconds since the epoch) and `webhook-signature`;
 * - the signature is `v1,` + base64 HMAC-SHA256 of `<id>.<timestamp>.<raw body bytes>` with the lab's secret;
 * - `webhook-signature` may hold several space-separated signatures (one per secret while a lab rotates);
 * - a secret is `whsec_` + base64 of the key bytes (a secret without the prefix is used as UTF-8 bytes).
 *
 * Pure: no configuration, no clock unless given, no I/O. The handler calls it on the exact bytes it received,
 * before anything parses the body.
 */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

export interface WebhookHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

export type VerifyFailure =
  'missing_header' | 'malformed_header' | 'timestamp_too_old' | 'timestamp_in_future' | 'no_matching_signature';
export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: VerifyFailure };

const WEBHOOK_ID = /^[\x21-\x7E]{1,255}$/;
const TIMESTAMP = /^\d{1,15}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const SIGNATURE_HEADER_MAX = 4096;

/** The HMAC key of a secret. */
export function secretKey(secret: string): Buffer {
  return secret.startsWith('whsec_')
    ? Buffer.from(secret.slice('whsec_'.length), 'base64')
    : Buffer.from(secret, 'utf8');
}

function toBytes(body: Uint8Array | string): Uint8Array {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

function mac(key: Buffer, id: string, timestamp: string, body: Uint8Array): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`, 'utf8').update(body).digest();
}

/** `v1,<base64>` for one secret: what a lab (or the sandbox lab) puts in `webhook-signature`. */
export function signWebhook(input: {
  secret: string;
  id: string;
  timestamp: number | string;
  body: Uint8Array | string;
}): string {
  return `v1,${mac(secretKey(input.secret), input.id, String(input.timestamp), toBytes(input.body)).toString('base64')}`;
}

/** Only canonical base64 of exactly 32 bytes can be an HMAC-SHA256; anything else never matches. */
function decodeSignature(value: string): Buffer | undefined {
  if (!BASE64.test(value)) return undefined;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 32 || bytes.toString('base64') !== value) return undefined;
  return bytes;
}

/**
 * Checks a delivery: headers present and well-formed, timestamp within the tolerance (both directions, so a
 * captured delivery cannot be replayed later and a clock far ahead is refused), and at least one `v1` signature
 * equal (constant-time) to the HMAC under at least one of the lab's current secrets.
 */
export function verifyWebhook(input: {
  headers: WebhookHeaders;
  body: Uint8Array | string;
  secrets: readonly string[];
  nowSeconds?: number;
  toleranceSeconds?: number;
}): VerifyResult {
  const { id, timestamp, signature } = input.headers;
  if (!id || !timestamp || !signature) return { ok: false, reason: 'missing_header' };
  if (!WEBHOOK_ID.test(id) || !TIMESTAMP.test(timestamp) || signature.length > SIGNATURE_HEADER_MAX)
    return { ok: false, reason: 'malformed_header' };
  const sentAt = Number(timestamp);
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = input.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  if (sentAt < now - tolerance) return { ok: false, reason: 'timestamp_too_old' };
  if (sentAt > now + tolerance) return { ok: false, reason: 'timestamp_in_future' };

  const offered = signature
    .split(' ')
    .filter((part) => part.startsWith('v1,'))
    .map((part) => decodeSignature(part.slice(3)))
    .filter((bytes): bytes is Buffer => bytes !== undefined);
  const body = toBytes(input.body);
  let matched = false;
  for (const secret of input.secrets) {
    if (!secret) continue;
    const expected = mac(secretKey(secret), id, timestamp, body);
    // Every candidate is compared (no early exit), each comparison in constant time.
    for (const candidate of offered) matched = timingSafeEqual(candidate, expected) || matched;
  }
  return matched ? { ok: true, timestamp: sentAt } : { ok: false, reason: 'no_matching_signature' };
}
