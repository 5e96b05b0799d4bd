import type { Migration } from 'kysely';
import * as m001 from './001_initial_schema.ts';
import * as m002 from './002_chat_system.ts';
import * as m003 from './003_invite_system.ts';
import * as m004 from './004_eligibility_analysis.ts';
import * as m005 from './005_lab_integration.ts';
import * as m006 from './006_appointments.ts';
import * as m007 from './007_audit_events.ts';
import * as m008 from './008_invite_lifecycle.ts';
import * as m009 from './009_chat_state.ts';
import * as m010 from './010_email_outbox.ts';
import * as m011 from './011_scheduling.ts';
import * as m012 from './012_eligibility_review.ts';
import * as m013 from './013_lab_workflow.ts';
import * as m014 from './014_read_paths.ts';
import * as m015 from './015_list_indexes.ts';
import * as m016 from './016_patient_search.ts';

/** Every migration, by name, in order. A test checks that each file in this folder is registered here. */
export const migrations: Record<string, Migration> = {
  '001_initial_schema': m001,
  '002_chat_system': m002,
  '003_invite_system': m003,
  '004_eligibility_analysis': m004,
  '005_lab_integration': m005,
  '006_appointments': m006,
  '007_audit_events': m007,
  '008_invite_lifecycle': m008,
  '009_chat_state': m009,
  '010_email_outbox': m010,
  '011_scheduling': m011,
  '012_eligibility_review': m012,
  '013_lab_workflow': m013,
  '014_read_paths': m014,
  '015_list_indexes': m015,
  '016_patient_search': m016,
};
