import { ALL_STAFF, defineRoute } from '../core/http/route.ts';
import { pageOf } from '../core/http/schemas.ts';
import {
  createPatientBody,
  importJsonBody,
  importQuery,
  importReport,
  listPatientsQuery,
  patient,
  patientParams,
  timeline,
  timelineQuery,
  updatePatientBody,
} from './patients.schemas.ts';

const area = 'patients';
const tags = ['Patients'];

export const patientRoutes = [
  defineRoute({ operationId: 'listPatients', method: 'GET', path: '/v1/patients', area, tags, summary: 'List patients: q (name/e-mail prefix), status, providerId, sort lastName|createdAt', auth: 'staff', roles: ALL_STAFF, query: listPatientsQuery, response: pageOf(patient) }),
  defineRoute({ operationId: 'createPatient', method: 'POST', path: '/v1/patients', area, tags, summary: 'Register a patient', auth: 'staff', roles: ALL_STAFF, body: createPatientBody, response: patient, successStatus: 201 }),
  defineRoute({ operationId: 'importPatients', method: 'POST', path: '/v1/patients/import', area, tags, summary: 'Import patients from CSV (first_name,last_name,email,phone,date_of_birth,provider_email) or a JSON array; per-row report; idempotent', auth: 'staff', roles: ALL_STAFF, query: importQuery, body: importJsonBody, extraContentTypes: ['text/csv'], response: importReport }),
  defineRoute({ operationId: 'getPatient', method: 'GET', path: '/v1/patients/{patientId}', area, tags, summary: 'Get a patient', auth: 'staff', roles: ALL_STAFF, params: patientParams, response: patient }),
  defineRoute({ operationId: 'updatePatient', method: 'PATCH', path: '/v1/patients/{patientId}', area, tags, summary: 'Update a patient', auth: 'staff', roles: ALL_STAFF, params: patientParams, body: updatePatientBody, response: patient }),
  defineRoute({ operationId: 'archivePatient', method: 'POST', path: '/v1/patients/{patientId}/archive', area, tags, summary: 'Archive a patient', auth: 'staff', roles: ['super_admin', 'account_admin', 'clinician'], params: patientParams, response: patient }),
  defineRoute({ operationId: 'getPatientTimeline', method: 'GET', path: '/v1/patients/{patientId}/timeline', area, tags, summary: 'Invites, sessions, eligibility results, lab orders and appointments of a patient, newest first', auth: 'staff', roles: ALL_STAFF, params: patientParams, query: timelineQuery, response: timeline }),
];
