import * as v from 'valibot';
import type { FieldError } from '../errors.ts';

export function issuePath(prefix: string, issue: v.BaseIssue<unknown>): string {
  let out = prefix;
  for (const item of issue.path ?? []) {
    const key = (item as { key?: unknown }).key;
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string') out += out ? `.${key}` : key;
  }
  return out;
}

/** Runs a valibot schema; on failure returns one error per bad field, with the field's path. */
export function validate<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  prefix: string,
): { ok: true; value: v.InferOutput<S> } | { ok: false; errors: FieldError[] } {
  const result = v.safeParse(schema, input);
  if (result.success) return { ok: true, value: result.output };
  const errors = result.issues.map((issue) => ({ field: issuePath(prefix, issue), message: issue.message }));
  return { ok: false, errors: dedupe(errors) };
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.field}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
