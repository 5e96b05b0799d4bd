import * as v from 'valibot';
import { pagination, text, uuid } from '../core/http/schemas.ts';

export const accountStatus = v.picklist(['active', 'inactive', 'suspended']);
const settings = v.pipe(
  v.record(v.pipe(v.string(), v.maxLength(64)), v.union([v.string(), v.number(), v.boolean(), v.null()])),
  v.check((s) => Object.keys(s).length <= 50, 'must have at most 50 keys'),
);

export const account = v.object({
  id: v.string(),
  name: v.string(),
  status: accountStatus,
  subscriptionTier: v.nullable(v.string()),
  maxUsers: v.nullable(v.number()),
  settings: v.record(v.string(), v.unknown()),
  createdAt: v.string(),
  updatedAt: v.string(),
});

export const accountParams = v.strictObject({ accountId: uuid('accountId') });
export const listAccountsQuery = v.strictObject({ ...pagination, status: v.optional(accountStatus) });

export const createAccountBody = v.strictObject({
  name: v.pipe(text(255), v.minLength(1, 'must not be empty')),
  status: v.optional(accountStatus),
  subscriptionTier: v.optional(v.nullable(text(50))),
  maxUsers: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000)))),
  settings: v.optional(settings),
});

export const updateAccountBody = v.pipe(
  v.strictObject({
    name: v.optional(v.pipe(text(255), v.minLength(1, 'must not be empty'))),
    status: v.optional(accountStatus),
    subscriptionTier: v.optional(v.nullable(text(50))),
    maxUsers: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000)))),
    settings: v.optional(settings),
  }),
  v.check((b) => Object.keys(b).length > 0, 'must change at least one field'),
);

export type CreateAccountInput = v.InferOutput<typeof createAccountBody>;
export type UpdateAccountInput = v.InferOutput<typeof updateAccountBody>;
