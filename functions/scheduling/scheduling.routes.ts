import { ALL_STAFF, defineRoute } from '../core/http/route.ts';
import { pageOf } from '../core/http/schemas.ts';
import {
  appointment,
  appointmentParams,
  cancelBody,
  createAppointmentBody,
  listAppointmentsQuery,
  rescheduleBody,
  updateAppointmentBody,
} from './appointments.schemas.ts';
import {
  availability,
  clinicianParams,
  freeSlot,
  freeSlotsQuery,
  putAvailabilityBody,
} from './availability.schemas.ts';

const area = 'scheduling';
const tags = ['Scheduling'];

/**
 * Clinicians' weekly availability and appointments. Patient session tokens may read their clinic's
 * availability and book, list, reschedule and cancel their own appointments (`staff_or_patient`).
 */
export const schedulingRoutes = [
  defineRoute({
    operationId: 'getClinicianAvailability',
    method: 'GET',
    path: '/v1/clinicians/{clinicianId}/availability',
    area,
    tags,
    summary:
      "A clinician's weekly pattern: rules (days of week 0 = Monday, time slots HH:MM or ranges HH:MM-HH:MM), slot length, date range and IANA time zone",
    auth: 'staff_or_patient',
    roles: ALL_STAFF,
    params: clinicianParams,
    response: availability,
  }),
  defineRoute({
    operationId: 'putClinicianAvailability',
    method: 'PUT',
    path: '/v1/clinicians/{clinicianId}/availability',
    area,
    tags,
    summary:
      "Replace a clinician's weekly pattern (clinicians their own; office staff and admins any clinician of the clinic)",
    auth: 'staff',
    roles: ALL_STAFF,
    params: clinicianParams,
    body: putAvailabilityBody,
    response: availability,
  }),
  defineRoute({
    operationId: 'listFreeSlots',
    method: 'GET',
    path: '/v1/availability',
    area,
    tags,
    summary:
      'Free slots (pattern minus bookings) in UTC, in time order; from/to are dates (clinician-local days) or instants, at most 62 days; without clinicianId every clinician of the clinic',
    auth: 'staff_or_patient',
    roles: ALL_STAFF,
    query: freeSlotsQuery,
    response: pageOf(freeSlot),
  }),
  defineRoute({
    operationId: 'createAppointment',
    method: 'POST',
    path: '/v1/appointments',
    area,
    tags,
    summary: 'Book a free slot; 409 with nextFreeSlots when it is taken. A patient session books for itself',
    auth: 'staff_or_patient',
    roles: ALL_STAFF,
    body: createAppointmentBody,
    response: appointment,
    successStatus: 201,
  }),
  defineRoute({
    operationId: 'listAppointments',
    method: 'GET',
    path: '/v1/appointments',
    area,
    tags,
    summary:
      'Appointments in time order; filters clinicianId, patientId, from, to (dates compare the clinician-local date), status. A patient session sees its own',
    auth: 'staff_or_patient',
    roles: ALL_STAFF,
    query: listAppointmentsQuery,
    response: pageOf(appointment),
  }),
  defineRoute({
    operationId: 'getAppointment',
    method: 'GET',
    path: '/v1/appointments/{appointmentId}',
    area,
    tags,
    summary: 'Get an appointment',
    auth: 'staff_or_patient',
    roles: ALL_STAFF,
    params: appointmentParams,
    response: appointment,
  }),
  defineRoute({
    operationId: 'rescheduleAppointment',
    method: 'POST',
    path: '/v1/appointments/{appointmentId}/reschedule',
    area,
    tags,
    summary:
      'Move to another free slot in one step: answers the new appointment (the old one becomes rescheduled); 409 with nextFreeSlots when the slot is taken',
    auth: 'staff_or_patient',
    roles: ALL_STAFF,
    params: appointmentParams,
    body: rescheduleBody,
    response: appointment,
  }),
  defineRoute({
    operationId: 'cancelAppointment',
    method: 'POST',
    path: '/v1/appointments/{appointmentId}/cancel',
    area,
    tags,
    summary: 'Cancel a scheduled appointment (frees the slot)',
    auth: 'staff_or_patient',
    roles: ALL_STAFF,
    params: appointmentParams,
    body: cancelBody,
    response: appointment,
  }),
  defineRoute({
    operationId: 'updateAppointment',
    method: 'PATCH',
    path: '/v1/appointments/{appointmentId}',
    area,
    tags,
    summary: 'Record the outcome (completed / no_show, once started) or change notes',
    auth: 'staff',
    roles: ALL_STAFF,
    params: appointmentParams,
    body: updateAppointmentBody,
    response: appointment,
  }),
];
