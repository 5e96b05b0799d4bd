import { ALL_STAFF, defineRoute } from '../core/http/route.ts';
import { pageOf } from '../core/http/schemas.ts';
import {
  createLabOrderBody,
  createLabTestBody,
  dashboardLabOrder,
  dashboardLabOrdersQuery,
  labOrder,
  labOrderParams,
  labOrderWithResults,
  labResult,
  labResultParams,
  labTest,
  labTestParams,
  listLabOrdersQuery,
  listLabTestsQuery,
  reviewLabResultBody,
  updateLabTestBody,
} from './labs.schemas.ts';

const area = 'labs';
const tags = ['Labs'];

export const labRoutes = [
  defineRoute({ operationId: 'listLabTests', method: 'GET', path: '/v1/lab-tests', area, tags, summary: 'The lab catalogue: tests with their lab, test type, name and genes', auth: 'staff', roles: ALL_STAFF, query: listLabTestsQuery, response: pageOf(labTest) }),
  defineRoute({ operationId: 'createLabTest', method: 'POST', path: '/v1/lab-tests', area, tags, summary: 'Add a test to a lab of the catalogue', auth: 'staff', roles: ['super_admin'], body: createLabTestBody, response: labTest, successStatus: 201 }),
  defineRoute({ operationId: 'updateLabTest', method: 'PATCH', path: '/v1/lab-tests/{labTestId}', area, tags, summary: "Change a catalogue test's name or genes, or withdraw it (isActive false)", auth: 'staff', roles: ['super_admin'], params: labTestParams, body: updateLabTestBody, response: labTest }),
  defineRoute({ operationId: 'createLabOrder', method: 'POST', path: '/v1/lab-orders', area, tags, summary: 'Order a genetic test for a patient; the order is submitted to the lab by its workflow', auth: 'staff', roles: ['clinician'], body: createLabOrderBody, response: labOrder, successStatus: 201 }),
  defineRoute({ operationId: 'listLabOrders', method: 'GET', path: '/v1/lab-orders', area, tags, summary: 'Lab orders, newest first (filters patientId, status)', auth: 'staff', roles: ALL_STAFF, query: listLabOrdersQuery, response: pageOf(labOrder) }),
  defineRoute({ operationId: 'getLabOrder', method: 'GET', path: '/v1/lab-orders/{orderId}', area, tags, summary: 'A lab order with every result version, newest first (result data for clinicians and super_admin only)', auth: 'staff', roles: ALL_STAFF, params: labOrderParams, response: labOrderWithResults }),
  defineRoute({ operationId: 'cancelLabOrder', method: 'POST', path: '/v1/lab-orders/{orderId}/cancel', area, tags, summary: 'Cancel an open order: its workflow stops and the lab is asked to cancel', auth: 'staff', roles: ['clinician'], params: labOrderParams, response: labOrder }),
  defineRoute({ operationId: 'reviewLabResult', method: 'POST', path: '/v1/lab-results/{resultId}/review', area, tags, summary: "The clinician's review of a result version: clinical significance and notes", auth: 'staff', roles: ['clinician'], params: labResultParams, body: reviewLabResultBody, response: labResult }),
  defineRoute({ operationId: 'dashboardLabOrders', method: 'GET', path: '/v1/dashboard/lab-orders', area, tags: ['Dashboards'], summary: 'Lab orders of the account with patient and result status', auth: 'staff', roles: ALL_STAFF, query: dashboardLabOrdersQuery, response: pageOf(dashboardLabOrder) }),
];
