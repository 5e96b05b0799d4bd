import { badRequest, payloadTooLarge, unsupportedMediaType } from '../../errors.ts';

export const MAX_BODY_BYTES = 1_000_000;
const MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]?.trim().toLowerCase() || undefined;
}

export function isJsonMediaType(type: string | undefined): boolean {
  return type === 'application/json' || (type?.startsWith('application/') === true && type.endsWith('+json'));
}

/**
 * Parses a JSON request body. Prototype-pollution keys and absurd nesting are refused outright rather
 * than passed on to code that might merge the object somewhere.
 */
export function parseJsonBody(raw: string): unknown {
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) throw payloadTooLarge(`Request body exceeds ${MAX_BODY_BYTES} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw badRequest('Request body is not valid JSON', [{ field: 'body', message: 'Malformed JSON' }]);
  }
  checkStructure(parsed, 0, 'body');
  return parsed;
}

function checkStructure(value: unknown, depth: number, path: string): void {
  if (value === null || typeof value !== 'object') return;
  if (depth > MAX_DEPTH) throw badRequest(`Request body is nested deeper than ${MAX_DEPTH} levels`, [{ field: path, message: 'Too deeply nested' }]);
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkStructure(item, depth + 1, `${path}[${i}]`));
    return;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) throw badRequest(`Field name "${key}" is not allowed`, [{ field: `${path}.${key}`, message: 'Forbidden field name' }]);
    checkStructure((value as Record<string, unknown>)[key], depth + 1, `${path}.${key}`);
  }
}

/** Decides how to read the body of a route: JSON always; some routes also take other types (CSV import). */
export function readBody(
  raw: string | null | undefined,
  isBase64: boolean,
  contentType: string | undefined,
  extraTypes: readonly string[] = [],
): { body: unknown; rawBody: string | undefined } {
  const text = raw == null ? undefined : isBase64 ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (text === undefined || text === '') return { body: undefined, rawBody: text };
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw payloadTooLarge(`Request body exceeds ${MAX_BODY_BYTES} bytes`);
  const type = mediaType(contentType);
  if (type && extraTypes.includes(type)) return { body: text, rawBody: text };
  if (!isJsonMediaType(type)) {
    const accepted = ['application/json', ...extraTypes].join(', ');
    throw unsupportedMediaType(`Content-Type must be one of: ${accepted}`);
  }
  return { body: parseJsonBody(text), rawBody: text };
}
