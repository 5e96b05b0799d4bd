import * as v from 'valibot';
import { email, isoDate, name, pagination, phone, text, uuid } from '../core/http/schemas.ts';

export const patientStatus = v.picklist(['active', 'inactive', 'archived']);

export const patient = v.object({
  id: v.string(),
  accountId: v.string(),
  firstName: v.string(),
  lastName: v.string(),
  email: v.nullable(v.string()),
  phone: v.nullable(v.string()),
  dateOfBirth: v.nullable(v.string()),
  providerId: v.nullable(v.string()),
  status: patientStatus,
  createdAt: v.string(),
  updatedAt: v.string(),
});

/** A date of birth: a real date, not in the future, not before 1900. */
export const dateOfBirth = v.pipe(
  isoDate,
  v.check((d) => d >= '1900-01-01', 'must be on or after 1900-01-01'),
  v.check((d) => d <= new Date().toISOString().slice(0, 10), 'must not be in the future'),
);

export const patientParams = v.strictObject({ patientId: uuid('patientId') });

export const listPatientsQuery = v.strictObject({
  ...pagination,
  q: v.optional(v.pipe(text(100), v.minLength(1, 'must not be empty'))),
  status: v.optional(patientStatus),
  providerId: v.optional(uuid('providerId')),
  sort: v.optional(v.picklist(['lastName', 'createdAt']), 'lastName'),
  accountId: v.optional(uuid('accountId')),
});

const patientFields = {
  firstName: name,
  lastName: name,
  email: v.optional(v.nullable(email)),
  phone: v.optional(v.nullable(phone)),
  dateOfBirth: v.optional(v.nullable(dateOfBirth)),
  providerId: v.optional(v.nullable(uuid('providerId'))),
};

export const createPatientBody = v.strictObject({
  ...patientFields,
  /** Only for super_admin: the clinic the patient belongs to. */
  accountId: v.optional(uuid('accountId')),
});

export const updatePatientBody = v.pipe(
  v.strictObject({
    firstName: v.optional(name),
    lastName: v.optional(name),
    email: patientFields.email,
    phone: patientFields.phone,
    dateOfBirth: patientFields.dateOfBirth,
    providerId: patientFields.providerId,
    status: v.optional(v.picklist(['active', 'inactive'], 'must be active or inactive (use archive to archive)')),
  }),
  v.check((b) => Object.keys(b).length > 0, 'must change at least one field'),
);

/** One import row, as the CSV header names it or as a JSON object with the same keys. */
export const importRow = v.strictObject({
  first_name: name,
  last_name: name,
  email: v.optional(v.nullable(v.union([v.literal(''), email]))),
  phone: v.optional(v.nullable(v.union([v.literal(''), phone]))),
  date_of_birth: v.optional(v.nullable(v.union([v.literal(''), dateOfBirth]))),
  provider_email: v.optional(v.nullable(v.union([v.literal(''), email]))),
});

export const importQuery = v.strictObject({ accountId: v.optional(uuid('accountId')) });
export const IMPORT_MAX_ROWS = 5000;
export const importJsonBody = v.pipe(
  v.array(v.unknown()),
  v.maxLength(IMPORT_MAX_ROWS, `must have at most ${IMPORT_MAX_ROWS} rows`),
);

export const importReport = v.object({
  summary: v.object({ total: v.number(), created: v.number(), duplicate: v.number(), invalid: v.number() }),
  rows: v.array(
    v.object({
      row: v.number(),
      status: v.picklist(['created', 'duplicate', 'invalid']),
      patientId: v.optional(v.string()),
      errors: v.optional(v.array(v.object({ field: v.string(), message: v.string() }))),
    }),
  ),
});

export const timelineEvent = v.object({
  type: v.string(),
  id: v.string(),
  at: v.string(),
  status: v.nullable(v.string()),
  summary: v.string(),
});
export const timeline = v.object({
  patientId: v.string(),
  items: v.array(timelineEvent),
  nextCursor: v.nullable(v.string()),
});
export const timelineQuery = v.strictObject({ ...pagination });

export type CreatePatientInput = v.InferOutput<typeof createPatientBody>;
export type UpdatePatientInput = v.InferOutput<typeof updatePatientBody>;
export type ListPatientsQuery = v.InferOutput<typeof listPatientsQuery>;
export type ImportRow = v.InferOutput<typeof importRow>;
