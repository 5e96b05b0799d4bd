import type { PatientActor, StaffActor } from '../core/auth/actor.ts';
import { createAreaHandler } from '../core/http/area-handler.ts';
import { created, ok, staffActor, type OperationRequest, defineOperations } from '../core/http/types.ts';
import * as appointments from './appointments.service.ts';
import * as availability from './availability.service.ts';
import { schedulingRoutes } from './scheduling.routes.ts';

/** `staff_or_patient` routes: the authenticator guarantees a staff or patient actor; this narrows the type. */
function tenantActor(r: OperationRequest): StaffActor | PatientActor {
  if (r.actor.kind !== 'staff' && r.actor.kind !== 'patient')
    throw new Error('Scheduling route reached without a staff or patient actor');
  return r.actor;
}

const context = (r: OperationRequest) => ({ actor: tenantActor(r), requestId: r.requestId });
const staffContext = (r: OperationRequest) => ({ actor: staffActor(r.actor), requestId: r.requestId });

const operations = defineOperations(schedulingRoutes, {
  getClinicianAvailability: async (r) => ok(await availability.getAvailability(r.db, context(r), r.params.clinicianId)),
  putClinicianAvailability: async (r) =>
    ok(await availability.putAvailability(r.db, staffContext(r), r.params.clinicianId, r.body)),
  listFreeSlots: async (r) => ok(await availability.listFreeSlots(r.db, context(r), r.query)),
  createAppointment: async (r) => {
    const appointment = await appointments.bookAppointment(r.db, context(r), r.body);
    return created(appointment, `/v1/appointments/${appointment.id}`);
  },
  listAppointments: async (r) => ok(await appointments.listAppointments(r.db, context(r), r.query)),
  getAppointment: async (r) => ok(await appointments.getAppointment(r.db, context(r), r.params.appointmentId)),
  rescheduleAppointment: async (r) =>
    ok(await appointments.rescheduleAppointment(r.db, context(r), r.params.appointmentId, r.body)),
  cancelAppointment: async (r) =>
    ok(await appointments.cancelAppointment(r.db, context(r), r.params.appointmentId, r.body)),
  updateAppointment: async (r) =>
    ok(await appointments.updateAppointment(r.db, staffContext(r), r.params.appointmentId, r.body)),
});

export const handler = createAreaHandler(operations);
