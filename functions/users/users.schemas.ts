import * as v from 'valibot';
import { email, name, pagination, uuid } from '../core/http/schemas.ts';

export const userRole = v.picklist(['super_admin', 'account_admin', 'clinician', 'office_staff']);
export const userStatus = v.picklist(['active', 'inactive', 'invited', 'suspended']);

export const user = v.object({
  id: v.string(),
  email: v.string(),
  firstName: v.nullable(v.string()),
  lastName: v.nullable(v.string()),
  role: userRole,
  accountId: v.nullable(v.string()),
  status: userStatus,
  createdAt: v.string(),
  updatedAt: v.string(),
  lastLogin: v.nullable(v.string()),
});

export const clinician = v.object({
  id: v.string(),
  firstName: v.nullable(v.string()),
  lastName: v.nullable(v.string()),
  email: v.string(),
});

export const userParams = v.strictObject({ userId: uuid('userId') });
export const listUsersQuery = v.strictObject({
  ...pagination,
  accountId: v.optional(uuid('accountId')),
  role: v.optional(userRole),
  status: v.optional(userStatus),
});
export const listCliniciansQuery = v.strictObject({ ...pagination, accountId: v.optional(uuid('accountId')) });

export const createUserBody = v.strictObject({
  email,
  firstName: name,
  lastName: name,
  role: userRole,
  /** Required for super_admin callers creating clinic users; an account_admin's users join its own account. */
  accountId: v.optional(uuid('accountId')),
});

export const updateUserBody = v.pipe(
  v.strictObject({
    firstName: v.optional(name),
    lastName: v.optional(name),
    role: v.optional(userRole),
    status: v.optional(userStatus),
    accountId: v.optional(uuid('accountId')),
  }),
  v.check((b) => Object.keys(b).length > 0, 'must change at least one field'),
);

export type CreateUserInput = v.InferOutput<typeof createUserBody>;
export type UpdateUserInput = v.InferOutput<typeof updateUserBody>;
export type ListUsersQuery = v.InferOutput<typeof listUsersQuery>;
