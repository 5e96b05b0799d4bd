import * as v from 'valibot';
import { email, name, pagination, uuid } from '../core/http/schemas.ts';

export const inviteStatus = v.picklist(['pending', 'completed', 'expired', 'revoked']);

export const invite = v.object({
  id: v.string(),
  accountId: v.string(),
  patientId: v.nullable(v.string()),
  email: v.nullable(v.string()),
  firstName: v.nullable(v.string()),
  lastName: v.nullable(v.string()),
  providerId: v.nullable(v.string()),
  status: inviteStatus,
  createdAt: v.string(),
  expiresAt: v.string(),
  completedAt: v.nullable(v.string()),
  lastSentAt: v.nullable(v.string()),
  reminderSentAt: v.nullable(v.string()),
  revokedAt: v.nullable(v.string()),
});

/** Create and resend answers carry the link once: the token is never stored and cannot be shown again. */
export const inviteWithLink = v.object({ ...invite.entries, link: v.string() });

const expiresInDays = v.optional(
  v.pipe(v.number(), v.integer('must be a whole number of days'), v.minValue(1), v.maxValue(30)),
  14,
);

export const createInviteBody = v.pipe(
  v.strictObject({
    patientId: v.optional(uuid('patientId')),
    firstName: v.optional(name),
    lastName: v.optional(name),
    email: v.optional(email),
    providerId: v.optional(uuid('providerId')),
    expiresInDays,
    sendEmail: v.optional(v.boolean(), true),
    /** Only for super_admin: the clinic of a new patient. */
    accountId: v.optional(uuid('accountId')),
  }),
  v.forward(
    v.check(
      (b) =>
        b.patientId !== undefined || (b.firstName !== undefined && b.lastName !== undefined && b.email !== undefined),
      'patientId, or firstName, lastName and email, are required',
    ),
    ['patientId'],
  ),
  v.forward(
    v.check(
      (b) =>
        b.patientId === undefined || (b.firstName === undefined && b.lastName === undefined && b.email === undefined),
      "give either patientId or a new patient's details, not both",
    ),
    ['patientId'],
  ),
);

export const BULK_MAX = 100;
export const bulkInviteBody = v.strictObject({
  invites: v.pipe(
    v.array(v.unknown()),
    v.minLength(1, 'must not be empty'),
    v.maxLength(BULK_MAX, `must have at most ${BULK_MAX} invites`),
  ),
});

export const bulkReport = v.object({
  summary: v.object({ total: v.number(), created: v.number(), failed: v.number() }),
  rows: v.array(
    v.object({
      row: v.number(),
      status: v.picklist(['created', 'failed']),
      invite: v.optional(inviteWithLink),
      httpStatus: v.optional(v.number()),
      errors: v.optional(v.array(v.object({ field: v.string(), message: v.string() }))),
    }),
  ),
});

export const inviteParams = v.strictObject({ inviteId: uuid('inviteId') });
export const listInvitesQuery = v.strictObject({
  ...pagination,
  status: v.optional(inviteStatus),
  patientId: v.optional(uuid('patientId')),
  accountId: v.optional(uuid('accountId')),
});
export const resendBody = v.strictObject({ expiresInDays, sendEmail: v.optional(v.boolean(), true) });

/** Any string up to 128 characters: a malformed token must answer the same 404 as an unknown one. */
export const tokenParams = v.strictObject({ token: v.pipe(v.string(), v.maxLength(128)) });
export const publicInvite = v.object({
  clinicName: v.string(),
  patientFirstName: v.nullable(v.string()),
  expiresAt: v.string(),
});
export const acceptedInvite = v.object({
  sessionId: v.string(),
  sessionToken: v.string(),
  sessionTokenExpiresAt: v.string(),
});

export const dashboardPendingInvite = v.object({
  id: v.string(),
  email: v.nullable(v.string()),
  firstName: v.nullable(v.string()),
  lastName: v.nullable(v.string()),
  createdAt: v.string(),
  expiresAt: v.string(),
  providerFirstName: v.nullable(v.string()),
  providerLastName: v.nullable(v.string()),
});
export const dashboardQuery = v.strictObject({ ...pagination, accountId: v.optional(uuid('accountId')) });

export type CreateInviteInput = v.InferOutput<typeof createInviteBody>;
export type ListInvitesQuery = v.InferOutput<typeof listInvitesQuery>;
