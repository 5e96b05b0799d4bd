import { ALL_STAFF, defineRoute } from '../core/http/route.ts';
import { pageOf } from '../core/http/schemas.ts';
import { clinician, createUserBody, listCliniciansQuery, listUsersQuery, updateUserBody, user, userParams } from './users.schemas.ts';

const area = 'users';
const tags = ['Users'];
const admins = ['super_admin', 'account_admin'] as const;

export const userRoutes = [
  defineRoute({ operationId: 'listUsers', method: 'GET', path: '/v1/users', area, tags, summary: 'List users of the account (super_admin: any, filter accountId)', auth: 'staff', roles: admins, query: listUsersQuery, response: pageOf(user) }),
  defineRoute({ operationId: 'createUser', method: 'POST', path: '/v1/users', area, tags, summary: 'Create a user and its identity; respects the account maxUsers', auth: 'staff', roles: admins, body: createUserBody, response: user, successStatus: 201 }),
  defineRoute({ operationId: 'getUser', method: 'GET', path: '/v1/users/{userId}', area, tags, summary: 'Get a user', auth: 'staff', roles: admins, params: userParams, response: user }),
  defineRoute({ operationId: 'updateUser', method: 'PATCH', path: '/v1/users/{userId}', area, tags, summary: 'Update name, role or status; only super_admin moves users between accounts or grants super_admin', auth: 'staff', roles: admins, params: userParams, body: updateUserBody, response: user }),
  defineRoute({ operationId: 'deactivateUser', method: 'DELETE', path: '/v1/users/{userId}', area, tags, summary: 'Deactivate a user (status inactive, identity disabled)', auth: 'staff', roles: admins, params: userParams, response: user }),
  defineRoute({ operationId: 'listClinicians', method: 'GET', path: '/v1/clinicians', area, tags, summary: "Active clinicians of the caller's account", auth: 'staff', roles: ALL_STAFF, query: listCliniciansQuery, response: pageOf(clinician) }),
];
