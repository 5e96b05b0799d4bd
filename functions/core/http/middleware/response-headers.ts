import { corsConfig } from '../../config.ts';

const SECURITY_HEADERS: Record<string, string> = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export const CORS_ALLOWED_HEADERS = 'authorization,content-type,x-request-id,idempotency-key';
export const CORS_ALLOWED_METHODS = 'GET,POST,PUT,PATCH,DELETE,OPTIONS';

/** CORS answers only for configured origins (`*` locally); the origin is echoed, never a wildcard with credentials. */
export function corsHeaders(
  origin: string | undefined,
  allowed: readonly string[] = corsConfig.allowedOrigins,
): Record<string, string> {
  if (!origin) return {};
  if (!allowed.includes('*') && !allowed.includes(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-headers': CORS_ALLOWED_HEADERS,
    'access-control-allow-methods': CORS_ALLOWED_METHODS,
    'access-control-expose-headers': 'x-request-id,location',
    'access-control-max-age': '600',
    vary: 'origin',
  };
}

export function responseHeaders(requestId: string, origin: string | undefined): Record<string, string> {
  return { ...SECURITY_HEADERS, ...corsHeaders(origin), 'x-request-id': requestId };
}
