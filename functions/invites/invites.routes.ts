import { ALL_STAFF, defineRoute } from '../core/http/route.ts';
import { pageOf } from '../core/http/schemas.ts';
import {
  acceptedInvite,
  bulkInviteBody,
  bulkReport,
  createInviteBody,
  dashboardPendingInvite,
  dashboardQuery,
  invite,
  inviteParams,
  inviteWithLink,
  listInvitesQuery,
  publicInvite,
  resendBody,
  tokenParams,
} from './invites.schemas.ts';

const area = 'invites';
const tags = ['Invites'];

export const inviteRoutes = [
  defineRoute({ operationId: 'createInvite', method: 'POST', path: '/v1/invites', area, tags, summary: 'Invite an existing patient (patientId) or a new one (firstName, lastName, email); answers the link once', auth: 'staff', roles: ALL_STAFF, body: createInviteBody, response: inviteWithLink, successStatus: 201 }),
  defineRoute({ operationId: 'bulkCreateInvites', method: 'POST', path: '/v1/invites/bulk', area, tags, summary: 'Create up to 100 invites; a per-row report, valid rows are kept', auth: 'staff', roles: ALL_STAFF, body: bulkInviteBody, response: bulkReport }),
  defineRoute({ operationId: 'listInvites', method: 'GET', path: '/v1/invites', area, tags, summary: 'List invites; status expired includes pending invites past expiresAt', auth: 'staff', roles: ALL_STAFF, query: listInvitesQuery, response: pageOf(invite) }),
  defineRoute({ operationId: 'getInvite', method: 'GET', path: '/v1/invites/{inviteId}', area, tags, summary: 'Get an invite', auth: 'staff', roles: ALL_STAFF, params: inviteParams, response: invite }),
  defineRoute({ operationId: 'resendInvite', method: 'POST', path: '/v1/invites/{inviteId}/resend', area, tags, summary: 'New token and expiry; the old link stops working', auth: 'staff', roles: ALL_STAFF, params: inviteParams, body: resendBody, response: inviteWithLink }),
  defineRoute({ operationId: 'revokeInvite', method: 'POST', path: '/v1/invites/{inviteId}/revoke', area, tags, summary: 'Revoke an invite; its link stops working', auth: 'staff', roles: ALL_STAFF, params: inviteParams, response: invite }),
  defineRoute({ operationId: 'verifyPublicInvite', method: 'GET', path: '/v1/public/invites/{token}', area, tags: ['Patient'], summary: 'Clinic name, first name and expiry of a valid invite; any other token answers 404', auth: 'public', params: tokenParams, response: publicInvite }),
  defineRoute({ operationId: 'acceptPublicInvite', method: 'POST', path: '/v1/public/invites/{token}/accept', area, tags: ['Patient'], summary: 'Start or resume the assessment; answers a short-lived session token', auth: 'public', params: tokenParams, response: acceptedInvite }),
  defineRoute({ operationId: 'dashboardPendingInvites', method: 'GET', path: '/v1/dashboard/pending-invites', area, tags: ['Dashboards'], summary: 'Pending, unexpired invites of the account with the inviting provider', auth: 'staff', roles: ALL_STAFF, query: dashboardQuery, response: pageOf(dashboardPendingInvite) }),
];
