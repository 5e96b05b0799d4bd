import { parse } from 'csv-parse/sync';
import * as v from 'valibot';
import { createHash } from 'node:crypto';
import { badRequest, unprocessable, type FieldError } from '../core/errors.ts';
import { validate } from '../core/http/validate.ts';
import { IMPORT_MAX_ROWS, importRow, type ImportRow } from './patients.schemas.ts';

export const CSV_HEADER = ['first_name', 'last_name', 'email', 'phone', 'date_of_birth', 'provider_email'] as const;

/**
 * The identity of a patient within an account for duplicate detection: e-mail + last name + date of
 * birth (SCHEMA_NOTES). Without an e-mail and a date of birth there is nothing reliable to match on.
 */
export function patientIdentityKey(p: {
  email: string | null;
  lastName: string;
  dateOfBirth: string | null;
}): string | null {
  if (!p.email && !p.dateOfBirth) return null;
  const normalized = [p.email?.toLowerCase() ?? '', p.lastName.trim().toLowerCase(), p.dateOfBirth ?? ''].join(
    '\u001f',
  );
  return createHash('sha256').update(normalized).digest('hex');
}

/** Reads a CSV body into raw row objects; structural problems (header, quoting) fail the whole request. */
export function parseCsv(text: string): unknown[] {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (error) {
    throw badRequest(`Malformed CSV: ${(error as Error).message.split('\n')[0]}`, [
      { field: 'body', message: 'Malformed CSV' },
    ]);
  }
  const [header, ...rows] = records;
  if (!header) throw unprocessable('The CSV is empty', [{ field: 'body', message: 'Missing header row' }]);
  const columns = header.map((h) => h.toLowerCase());
  const errors: FieldError[] = [];
  for (const name of columns) {
    if (!(CSV_HEADER as readonly string[]).includes(name))
      errors.push({ field: `header.${name}`, message: 'Unknown column' });
  }
  for (const required of ['first_name', 'last_name']) {
    if (!columns.includes(required)) errors.push({ field: `header.${required}`, message: 'Required column missing' });
  }
  if (errors.length) throw unprocessable(`The CSV header must be ${CSV_HEADER.join(',')}`, errors);
  if (rows.length > IMPORT_MAX_ROWS)
    throw unprocessable(`At most ${IMPORT_MAX_ROWS} rows per import`, [{ field: 'body', message: 'Too many rows' }]);
  return rows.map((cells) => {
    if (cells.length !== columns.length) return { __columnCount: cells.length };
    return Object.fromEntries(columns.map((name, i) => [name, cells[i] ?? '']));
  });
}

export type ParsedRow = { ok: true; row: number; value: ImportRow } | { ok: false; row: number; errors: FieldError[] };

/** Row numbers are 1-based data rows (the CSV header is not counted). */
export function validateRows(rows: unknown[], columnCount: number): ParsedRow[] {
  return rows.map((raw, index) => {
    const row = index + 1;
    if (raw && typeof raw === 'object' && '__columnCount' in raw) {
      return { ok: false, row, errors: [{ field: 'row', message: `Expected ${columnCount} columns` }] };
    }
    const result = validate(importRow, raw, '');
    if (!result.ok)
      return { ok: false, row, errors: result.errors.map((e) => ({ field: e.field || 'row', message: e.message })) };
    const value = result.value;
    if (!value.email && !value.date_of_birth) {
      return {
        ok: false,
        row,
        errors: [
          { field: 'email', message: 'Either email or date_of_birth is needed to recognise the patient on re-import' },
        ],
      };
    }
    return { ok: true, row, value };
  });
}

export const emptyToNull = (value: string | null | undefined): string | null =>
  value === undefined || value === '' ? null : value;

export type ImportRowValue = v.InferOutput<typeof importRow>;
