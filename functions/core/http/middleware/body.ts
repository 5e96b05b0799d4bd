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

/**
 * Text PostgreSQL cannot store: NUL, and lone UTF-16 surrogates (which JSON can escape but neither text nor jsonb
 * accepts). Refused at the door, as a 400, instead of failing in the database.
 */
export function unstorableText(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (!(value as string & { isWellFormed(): boolean }).isWellFormed())
    return 'must be well-formed Unicode (no lone surrogates)';
  return undefined;
}

function checkStructure(value: unknown, depth: number, path: string): void {
  if (typeof value === 'string') {
    const problem = unstorableText(value);
    if (problem) throw badRequest(`Request body text ${problem}`, [{ field: path, message: problem }]);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (depth > MAX_DEPTH)
    throw badRequest(`Request body is nested deeper than ${MAX_DEPTH} levels`, [
      { field: path, message: 'Too deeply nested' },
    ]);
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkStructure(item, depth + 1, `${path}[${i}]`));
    return;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key))
      throw badRequest(`Field name "${key}" is not allowed`, [
        { field: `${path}.${key}`, message: 'Forbidden field name' },
      ]);
    if (unstorableText(key))
      throw badRequest('Field names must be well-formed text', [{ field: path, message: 'Malformed field name' }]);
    checkStructure((value as Record<string, unknown>)[key], depth + 1, `${path}.${key}`);
  }
}

/** Decides how to read the body of a route: JSON always; some routes also take other types (CSV import). */
export function readBody(
  raw: string | null | undefined,
  isBase64: boolean,
  contentType: string | undefined,
  extraTypes: readonly string[] = [],
): { body: unknown; rawBody: string | undefined; isText?: boolean } {
  const text = raw == null ? undefined : isBase64 ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (text === undefined || text === '') return { body: undefined, rawBody: text };
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw payloadTooLarge(`Request body exceeds ${MAX_BODY_BYTES} bytes`);
  const type = mediaType(contentType);
  // `isText`: read by the operation (e.g. CSV). A JSON body is never text, even when it is a JSON string.
  if (type && extraTypes.includes(type)) return { body: text, rawBody: text, isText: true };
  if (!isJsonMediaType(type)) {
    const accepted = ['application/json', ...extraTypes].join(', ');
    throw unsupportedMediaType(`Content-Type must be one of: ${accepted}`);
  }
  return { body: parseJsonBody(text), rawBody: text };
}
