import { createAreaHandler } from '../core/http/area-handler.ts';
import { created, ok, staffActor, type OperationRequest, defineOperations } from '../core/http/types.ts';
import { patientRoutes } from './patients.routes.ts';
import * as service from './patients.service.ts';

const context = (r: OperationRequest) => ({ actor: staffActor(r.actor), requestId: r.requestId });

const operations = defineOperations(patientRoutes, {
  listPatients: async (r) => ok(await service.listPatients(r.db, context(r), r.query)),
  createPatient: async (r) => {
    const patient = await service.createPatient(r.db, context(r), r.body);
    return created(patient, `/v1/patients/${patient.id}`);
  },
  importPatients: async (r) =>
    ok(await service.importPatients(r.db, context(r), { body: r.body, accountId: r.query.accountId })),
  getPatient: async (r) => ok(await service.getPatient(r.db, context(r), r.params.patientId)),
  updatePatient: async (r) => ok(await service.updatePatient(r.db, context(r), r.params.patientId, r.body)),
  archivePatient: async (r) => ok(await service.archivePatient(r.db, context(r), r.params.patientId)),
  getPatientTimeline: async (r) => ok(await service.patientTimeline(r.db, context(r), r.params.patientId, r.query)),
});

export const handler = createAreaHandler(operations);
