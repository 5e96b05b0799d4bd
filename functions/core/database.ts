/**
 * Kysely table types. Column names are SCHEMA.md's; tables are mapped as SCHEMA_NOTES.md says.
 * `Generated<T>` marks columns with database defaults. Instants are timestamptz (Date), dates are
 * `date` (Date from both pg and the Data API; format them with `isoDate`), JSON columns are jsonb.
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateColumn = ColumnType<Date | string, string, string>;
type Json<T = unknown> = ColumnType<T, string, string>;
type JsonWithDefault<T = unknown> = ColumnType<T, string | undefined, string>;

export type UserRole = 'super_admin' | 'account_admin' | 'clinician' | 'office_staff';
export const USER_ROLES: readonly UserRole[] = ['super_admin', 'account_admin', 'clinician', 'office_staff'];
export type AccountStatus = 'active' | 'inactive' | 'suspended';
export type UserStatus = 'active' | 'inactive' | 'invited' | 'suspended';
export type PatientStatus = 'active' | 'inactive' | 'archived';

export interface AccountsTable {
  id: Generated<string>;
  name: string;
  status: ColumnType<AccountStatus, AccountStatus | undefined, AccountStatus>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  subscription_tier: string | null;
  max_users: number | null;
  /** Non-clinical clinic settings (e.g. display name in e-mails). Added by 001 as the API needs it. */
  settings: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  /** Replaces the document's password_hash: credentials live in Cognito / the local identity provider. */
  cognito_sub: string;
  first_name: string | null;
  last_name: string | null;
  role: UserRole;
  /** Null only for super_admin (platform operators belong to no clinic). */
  account_id: string | null;
  status: ColumnType<UserStatus, UserStatus | undefined, UserStatus>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  last_login: Timestamp | null;
}

export interface PatientsTable {
  id: Generated<string>;
  account_id: string;
  first_name: string;
  last_name: string;
  email: string | null;
  phone: string | null;
  date_of_birth: DateColumn | null;
  provider_id: string | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  status: ColumnType<PatientStatus, PatientStatus | undefined, PatientStatus>;
  /** Idempotency key of the import row that created the patient (null when created otherwise). */
  import_key: string | null;
}

export type ChatSessionStatus = 'in_progress' | 'completed' | 'abandoned';
export interface ChatSessionsTable {
  id: Generated<string>;
  patient_id: string;
  status: ColumnType<ChatSessionStatus, ChatSessionStatus | undefined, ChatSessionStatus>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  completed_at: Timestamp | null;
  source: string;
  invite_id: string | null;
  question_bank_version: string | null;
  risk_profile: Json | null;
  profile_notes: Json<string[]> | null;
  last_activity_at: GeneratedTimestamp;
}

export interface ChatQuestionsTable {
  id: Generated<number>;
  text: string;
  question_type: string;
  options: Json | null;
  next_question_logic: Json | null;
  category: string | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  is_active: ColumnType<boolean, boolean | undefined, boolean>;
  key: string | null;
  bank_version: string | null;
  position: number | null;
  allow_unknown: ColumnType<boolean, boolean | undefined, boolean>;
  constraints: JsonWithDefault<Record<string, unknown>>;
  loop_name: string | null;
}

export interface ChatAnswersTable {
  id: Generated<string>;
  session_id: string;
  question_id: number;
  /** JSON text of the answer; JSON `null` is "I don't know". */
  answer: string | null;
  created_at: GeneratedTimestamp;
  iteration: ColumnType<number, number | undefined, number>;
  updated_at: GeneratedTimestamp;
}

export type InviteStatus = 'pending' | 'completed' | 'expired' | 'revoked';
export interface InvitesTable {
  id: Generated<string>;
  patient_id: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  /** SHA-256 (hex) of the token; the token itself is never stored. */
  token_hash: string;
  provider_id: string | null;
  status: ColumnType<InviteStatus, InviteStatus | undefined, InviteStatus>;
  created_at: GeneratedTimestamp;
  expires_at: Timestamp;
  completed_at: Timestamp | null;
  account_id: string;
  /** Bumped on resend and revoke: a workflow execution of an older version changes nothing. */
  lifecycle_version: ColumnType<number, number | undefined, number>;
  last_sent_at: Timestamp | null;
  reminder_sent_at: Timestamp | null;
  revoked_at: Timestamp | null;
  reminder_token_hash: string | null;
}

export interface EligibilityResultsTable {
  id: Generated<string>;
  patient_id: string;
  /** The patient's tenant, added by 014 (lists filter on it without joining patients). */
  account_id: string;
  session_id: string | null;
  is_eligible: boolean;
  nccn_eligible: boolean;
  /** numeric(7,4): arrives as a string from pg and the Data API alike. */
  tc_score: string | null;
  factors: Json;
  created_at: GeneratedTimestamp;
  provider_reviewed: ColumnType<boolean, boolean | undefined, boolean>;
  provider_id: string | null;
  review_notes: string | null;
  outcome: string | null;
  ruleset: string | null;
  review_agrees: boolean | null;
  reviewed_at: Timestamp | null;
}

export type LabOrderStatus = 'ordered' | 'processing' | 'completed' | 'cancelled';
export interface LabOrdersTable {
  id: Generated<string>;
  patient_id: string;
  provider_id: string;
  eligibility_result_id: string | null;
  test_type: string;
  lab_id: string;
  status: ColumnType<LabOrderStatus, LabOrderStatus | undefined, LabOrderStatus>;
  ordered_at: GeneratedTimestamp;
  external_order_id: string | null;
  insurance_information: Json | null;
  notes: string | null;
  /** Added by 013: the patient's account (tenant scope of every lab query). */
  account_id: string;
  /** Step Functions execution of the order's lifecycle (`lab-order-<id>`). */
  execution_name: string | null;
  /** Task token of the execution while it waits for the lab's result; cleared once used. */
  task_token: string | null;
  submitted_at: Timestamp | null;
  overdue_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  updated_at: GeneratedTimestamp;
}

export type LabResultStatus = 'pending' | 'available' | 'reviewed';
export interface LabResultsTable {
  id: Generated<string>;
  order_id: string;
  status: ColumnType<LabResultStatus, LabResultStatus | undefined, LabResultStatus>;
  result_data: Json | null;
  raw_result: string | null;
  received_at: Timestamp | null;
  reviewed_at: Timestamp | null;
  reviewer_id: string | null;
  clinical_significance: string | null;
  /** Added by 013: one row per report version; amended and corrected reports add a version. */
  version: ColumnType<number, number | undefined, number>;
  report_status: LabReportStatus | null;
  /** The reviewing clinician's notes. */
  notes: string | null;
  /** The version this one replaces. */
  supersedes_id: string | null;
  /** When the ordering clinician was told that this version arrived. */
  notified_at: Timestamp | null;
}

export type LabReportStatus = 'preliminary' | 'final' | 'amended' | 'corrected';

/** Added by 013: the lab catalogue (reference data; super_admin manages it). */
export interface LabsTable {
  id: string;
  name: string;
  is_active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface LabTestsTable {
  id: Generated<string>;
  lab_id: string;
  test_type: string;
  name: string;
  genes: JsonWithDefault<string[]>;
  is_active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

/** Added by 013: accepted lab webhook deliveries, unique per lab and `webhook-id`. */
export interface WebhookDeliveriesTable {
  id: Generated<string>;
  lab_id: string;
  webhook_id: string;
  received_at: GeneratedTimestamp;
  order_id: string | null;
  result_id: string | null;
  outcome: 'processed';
}

export interface AppointmentsTable {
  id: Generated<string>;
  patient_id: string;
  /** The patient's tenant, added by 014 (lists filter on it without joining patients). */
  account_id: string;
  clinician_id: string;
  /** Clinician-local date and time of `date_time`. */
  date: DateColumn;
  time: string;
  date_time: Timestamp;
  duration_minutes: number;
  time_zone: string;
  appointment_type: 'virtual' | 'in-person';
  status: ColumnType<string, string | undefined, string>;
  notes: string | null;
  confirmation_code: string;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  /** Added by 011. */
  cancelled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  cancellation_reason: ColumnType<string | null, string | null | undefined, string | null>;
  /** The appointment this one replaced (that row's status is `rescheduled`). */
  rescheduled_from_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** iCalendar UID kept across reschedules (null on rows from before 011: derived from the id). */
  calendar_uid: ColumnType<string | null, string | null | undefined, string | null>;
  calendar_sequence: ColumnType<number, number | undefined, number>;
}

export interface RecurringAvailabilityTable {
  id: Generated<string>;
  clinician_id: string;
  day_of_week: number | null;
  time: string | null;
  start_date: DateColumn | null;
  end_date: DateColumn | null;
  valid_until: DateColumn | null;
  /** jsonb array of 0 (Monday) … 6 (Sunday). */
  days_of_week: Json<number[]>;
  /** jsonb array of "HH:MM" slot starts or "HH:MM-HH:MM" ranges. */
  time_slots: Json<string[]>;
  time_zone: string;
  slot_minutes: number;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export type AuditActorType = 'user' | 'patient' | 'system' | 'lab';
export interface AuditEventsTable {
  id: Generated<string>;
  occurred_at: GeneratedTimestamp;
  /** Tenant of the data touched (null for platform-level actions). */
  account_id: string | null;
  actor_type: AuditActorType;
  /** users.id for staff, chat_sessions.id for patients, a lab id or workflow name otherwise. */
  actor_id: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  patient_id: string | null;
  request_id: string | null;
}

export interface EmailOutboxTable {
  id: Generated<string>;
  account_id: string | null;
  kind: string;
  related_id: string | null;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  attachments: JsonWithDefault<{ filename: string; contentType: string; content: string }[]>;
  provider_message_id: string | null;
  created_at: GeneratedTimestamp;
}

export interface Database {
  accounts: AccountsTable;
  users: UsersTable;
  patients: PatientsTable;
  chat_sessions: ChatSessionsTable;
  chat_questions: ChatQuestionsTable;
  chat_answers: ChatAnswersTable;
  invites: InvitesTable;
  eligibility_results: EligibilityResultsTable;
  lab_orders: LabOrdersTable;
  lab_results: LabResultsTable;
  labs: LabsTable;
  lab_tests: LabTestsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  appointments: AppointmentsTable;
  recurring_availability: RecurringAvailabilityTable;
  audit_events: AuditEventsTable;
  email_outbox: EmailOutboxTable;
}
