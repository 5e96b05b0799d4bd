import * as v from 'valibot';

/** Building blocks shared by every area's request schemas. */
export const uuid = (name = 'id') => v.pipe(v.string(), v.uuid(`${name} must be a UUID`));

export const email = v.pipe(
  v.string(),
  v.trim(),
  v.toLowerCase(),
  v.maxLength(255),
  v.email('must be a valid e-mail address'),
);

export const isoDate = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
  v.check(
    (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    'must be a real calendar date',
  ),
  // PostgreSQL has no year 0.
  v.check((s) => !s.startsWith('0000'), 'must be in year 1 or later'),
);

export const instant = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/, 'must be an RFC 3339 date-time'),
  v.check((s) => !Number.isNaN(Date.parse(s)), 'must be a real date-time'),
  v.check((s) => !s.startsWith('0000'), 'must be in year 1 or later'),
);

/** Plain text a person typed: trimmed, bounded, no control characters. */
export const text = (max: number) =>
  v.pipe(
    v.string(),
    v.trim(),
    v.maxLength(max, `must be at most ${max} characters`),
    v.regex(/^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/u, 'must not contain control characters'),
  );

export const name = v.pipe(text(100), v.minLength(1, 'must not be empty'));

export const phone = v.pipe(v.string(), v.trim(), v.regex(/^\+?[0-9 ().-]{5,20}$/, 'must be a phone number'));

/** Query strings arrive as text: `limit` 1–100, default 25. */
export const limit = v.optional(
  v.pipe(
    v.string(),
    v.regex(/^\d{1,3}$/, 'must be an integer 1–100'),
    v.transform(Number),
    v.minValue(1, 'must be at least 1'),
    v.maxValue(100, 'must be at most 100'),
  ),
  '25',
);

export const cursor = v.optional(
  v.pipe(v.string(), v.maxLength(512), v.regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor from a previous page')),
);

export const pagination = { limit, cursor };

export const pageOf = <T extends v.GenericSchema>(item: T) =>
  v.object({ items: v.array(item), nextCursor: v.nullable(v.string()) });
