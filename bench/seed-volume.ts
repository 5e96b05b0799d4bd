import { sql } from 'kysely';
import type { Db } from '../functions/core/db.ts';
import { seedAvailability } from '../functions/scheduling/availability.repository.ts';

/**
 * Bulk data for the benchmark, generated inside PostgreSQL (INSERT … SELECT over generate_series), on top of the
 * demo seed: 50 clinics (Demo Clinic, Lakeside Clinic and 48 "Bench Clinic NN"), each with an admin, four
 * clinicians (with the demo availability pattern) and two office staff, and 100,000 patients, 2,000 per clinic.
 *
 * Per patient, from one random draw `u` (fixed seed, so every run builds the same shape):
 *   u < 0.50  invite completed, completed chat session, eligibility result (60 % reviewed)
 *   u < 0.65  invite pending (unexpired); half of them with an in-progress session (active in the last 20 days)
 *   u < 0.75  invite expired; a third of them with an abandoned session
 *   u < 0.80  invite revoked
 *   else      not invited
 * 30 % of completed assessments have a lab order (≈ 15,000: 60 % completed with a final result, 25 % processing,
 * 5 % ordered, 10 % cancelled); 20 % of patients have an appointment (≈ 20,000, 40 days back to ~14 days ahead,
 * non-overlapping per clinician); 3 audit events per patient (300,000). Patient status: 95 % active, 3 % inactive,
 * 2 % archived. Chat answers and e-mails are not generated (only read by session id / by dev routes).
 *
 * JSON payloads (RiskProfile, eligibility factors, insurance, lab result data) are copied from rows that a real
 * journey through the API produced (`templates`), so every generated row reads back through the API.
 */
export interface VolumeTemplates {
  /** A completed chat session (risk_profile, profile_notes, question_bank_version). */
  sessionId: string;
  /** Its eligibility result (factors, ruleset, tc_score). */
  eligibilityResultId: string;
  /** A lab order (insurance_information). */
  labOrderId: string;
  /** A lab result received by webhook (result_data, raw_result). */
  labResultId: string;
}

export interface VolumeOptions {
  accounts: number;
  patients: number;
}

export interface VolumeCounts {
  table: string;
  rows: number;
}

const FIRST_NAMES = [
  'Maria',
  'Ruth',
  'Linda',
  'Susan',
  'Karen',
  'Nancy',
  'Lisa',
  'Betty',
  'Sandra',
  'Ashley',
  'Emily',
  'Donna',
  'Michelle',
  'Carol',
  'Amanda',
  'Melissa',
  'Deborah',
  'Stephanie',
  'Rebecca',
  'Sharon',
  'Laura',
  'Cynthia',
  'Amy',
  'Kathleen',
  'Angela',
  'Anna',
  'Brenda',
  'Pamela',
  'Emma',
  'Nicole',
  'Helen',
  'Samantha',
  'Katherine',
  'Christine',
  'Debra',
  'Rachel',
  'Carolyn',
  'Janet',
  'James',
  'Robert',
  'John',
  'Michael',
  'David',
  'William',
  'Richard',
  'Joseph',
  'Thomas',
  'Daniel',
  'Paul',
  'Mark',
];
const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Perez',
  'Thompson',
  'White',
  'Harris',
  'Sanchez',
  'Clark',
  'Ramirez',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
  'Torres',
  'Nguyen',
  'Hill',
  'Flores',
  'Green',
  'Adams',
  'Nelson',
  'Baker',
  'Hall',
  'Rivera',
  'Campbell',
  'Mitchell',
  'Carter',
  'Roberts',
  'Cohen',
  'Gardner',
  'Garrett',
  'Goldberg',
  'Kim',
  'Patel',
  'Shapiro',
  'Murphy',
  'Cook',
  'Rogers',
];

const textArray = (values: readonly string[]) =>
  sql.raw(`array[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(',')}]::text[]`);

/** Generates the volume; returns the resulting row counts of the tenant tables. */
export async function seedVolume(
  db: Db,
  templates: VolumeTemplates,
  options: VolumeOptions,
  log: (message: string) => void,
): Promise<VolumeCounts[]> {
  const perAccount = Math.floor(options.patients / options.accounts);
  await db.connection().execute(async (conn) => {
    const step = async (label: string, query: ReturnType<typeof sql>) => {
      const started = performance.now();
      const result = await query.execute(conn);
      log(`  ${label}: ${result.numAffectedRows ?? ''} rows in ${Math.round(performance.now() - started)} ms`);
    };
    await sql`select setseed(0.42)`.execute(conn);

    // Clinics: the demo ones plus "Bench Clinic NN" up to options.accounts; room for the users the bench creates.
    await step(
      'accounts',
      sql`insert into accounts (name, subscription_tier, max_users, created_at)
          select 'Bench Clinic ' || lpad(n::text, 2, '0'), 'standard', 1000, now() - interval '800 days'
          from generate_series(1, ${sql.lit(options.accounts)} - (select count(*)::int from accounts)) n`,
    );
    await sql`update accounts set max_users = 1000`.execute(conn);

    // Staff: every clinic gets up to 1 admin, 4 clinicians and 2 office staff.
    await step(
      'users',
      sql`insert into users (email, cognito_sub, first_name, last_name, role, account_id)
          select format('%s%s@%s.test', r.local, r.k, lower(replace(a.name, ' ', '-'))), gen_random_uuid()::text, r.first, 'Bench', r.role, a.id
          from accounts a
          cross join (values ('admin', 1, 'account_admin', 'Avery'), ('clinician', 1, 'clinician', 'Casey'), ('clinician', 2, 'clinician', 'Jordan'),
                             ('clinician', 3, 'clinician', 'Morgan'), ('clinician', 4, 'clinician', 'Riley'), ('staff', 1, 'office_staff', 'Sam'),
                             ('staff', 2, 'office_staff', 'Quinn')) r(local, k, role, first)
          where (select count(*) from users u where u.account_id = a.id and u.role = r.role) < (select count(*) from (values ('admin', 1, 'account_admin'), ('clinician', 1, 'clinician'), ('clinician', 2, 'clinician'), ('clinician', 3, 'clinician'), ('clinician', 4, 'clinician'), ('staff', 1, 'office_staff'), ('staff', 2, 'office_staff')) x(l, k, role) where x.role = r.role and x.k <= r.k)
          on conflict (email) do nothing`,
    );

    // Patients: up to perAccount per clinic, each with one of the clinic's clinicians as provider.
    await step(
      'patients',
      sql`insert into patients (account_id, first_name, last_name, email, phone, date_of_birth, provider_id, created_at, updated_at, status)
          select a.id, f.name, l.name,
                 lower(f.name || '.' || l.name || '.' || g || '.' || substr(a.id::text, 1, 6) || '@example.com'),
                 '+1555' || lpad((floor(random() * 10000000))::int::text, 7, '0'),
                 date '1940-01-01' + floor(random() * 23000)::int,
                 c.ids[1 + floor(random() * array_length(c.ids, 1))::int],
                 t.created_at, t.created_at,
                 case when t.s < 0.02 then 'archived' when t.s < 0.05 then 'inactive' else 'active' end
          from accounts a
          join (select account_id, array_agg(id order by id) ids from users where role = 'clinician' group by account_id) c on c.account_id = a.id
          cross join lateral generate_series(1, ${sql.lit(perAccount)} - (select count(*)::int from patients p where p.account_id = a.id)) g
          cross join lateral (select now() - random() * interval '730 days' as created_at, random() as s, random() as fr, random() as lr where g > 0) t
          cross join lateral (select (${textArray(FIRST_NAMES)})[1 + floor(t.fr * ${sql.lit(FIRST_NAMES.length)})::int] as name) f
          cross join lateral (select (${textArray(LAST_NAMES)})[1 + floor(t.lr * ${sql.lit(LAST_NAMES.length)})::int] as name) l`,
    );

    // One draw per patient decides its journey; the bench's own demo patients (3 per demo clinic) take part too.
    await sql`create temp table bench_plan as
              select p.id as patient_id, p.account_id, p.provider_id, p.created_at, random() as u, random() as u2, random() as u3, random() as u4, random() as u5, random() as u6,
                     p.created_at + random() * least(interval '60 days', now() - p.created_at) as invited_at
              from patients p`.execute(conn);

    await step(
      'invites',
      sql`insert into invites (account_id, patient_id, email, first_name, last_name, token_hash, provider_id, status, created_at, expires_at, completed_at, last_sent_at, revoked_at, lifecycle_version)
          select b.account_id, b.patient_id, p.email, p.first_name, p.last_name,
                 encode(sha256(convert_to('bench-' || b.patient_id::text, 'UTF8')), 'hex'), b.provider_id,
                 case when b.u < 0.50 then 'completed' when b.u < 0.65 then 'pending' when b.u < 0.75 then 'expired' else 'revoked' end,
                 case when b.u >= 0.50 and b.u < 0.65 then now() - b.u2 * interval '10 days' else b.invited_at end,
                 case when b.u >= 0.50 and b.u < 0.65 then now() + interval '4 days' + b.u2 * interval '9 days' else b.invited_at + interval '14 days' end,
                 case when b.u < 0.50 then b.invited_at + b.u2 * interval '5 days' end,
                 b.invited_at,
                 case when b.u >= 0.75 then b.invited_at + interval '2 days' end,
                 1
          from bench_plan b join patients p on p.id = b.patient_id
          where b.u < 0.80`,
    );

    await step(
      'chat_sessions',
      sql`insert into chat_sessions (patient_id, status, created_at, updated_at, completed_at, source, invite_id, question_bank_version, risk_profile, profile_notes, last_activity_at)
          select b.patient_id,
                 case when b.u < 0.50 then 'completed' when b.u < 0.65 then 'in_progress' else 'abandoned' end,
                 i.created_at + interval '1 hour',
                 coalesce(i.completed_at, now() - b.u3 * interval '20 days'),
                 i.completed_at,
                 'invite', i.id, t.question_bank_version,
                 case when b.u < 0.50 then t.risk_profile end,
                 case when b.u < 0.50 then t.profile_notes end,
                 case when b.u < 0.50 then i.completed_at when b.u < 0.65 then now() - b.u3 * interval '20 days' else i.created_at + interval '2 hours' end
          from bench_plan b
          join invites i on i.patient_id = b.patient_id
          cross join (select question_bank_version, risk_profile, profile_notes from chat_sessions where id = cast(${templates.sessionId} as uuid)) t
          where b.u < 0.50 or (b.u < 0.65 and b.u2 < 0.5) or (b.u >= 0.65 and b.u < 0.75 and b.u2 < 0.33)`,
    );

    await step(
      'eligibility_results',
      sql`insert into eligibility_results (patient_id, account_id, session_id, is_eligible, nccn_eligible, tc_score, factors, created_at, provider_reviewed, provider_id, review_notes, outcome, ruleset, review_agrees, reviewed_at)
          select s.patient_id, b.account_id, s.id,
                 o.outcome in ('meets', 'may_consider'), o.outcome = 'meets', t.tc_score, t.factors, s.completed_at,
                 b.u3 < 0.6,
                 case when b.u3 < 0.6 then b.provider_id end,
                 case when b.u3 < 0.6 then 'Reviewed in clinic' end,
                 o.outcome, t.ruleset,
                 case when b.u3 < 0.6 then true end,
                 case when b.u3 < 0.6 then s.completed_at + interval '2 days' end
          from chat_sessions s
          join bench_plan b on b.patient_id = s.patient_id
          cross join lateral (select case when b.u4 < 0.3 then 'meets' when b.u4 < 0.4 then 'may_consider' when b.u4 < 0.5 then 'needs_review' else 'not_met' end as outcome) o
          cross join (select tc_score, factors, ruleset from eligibility_results where id = cast(${templates.eligibilityResultId} as uuid)) t
          where s.status = 'completed' and s.id <> cast(${templates.sessionId} as uuid)`,
    );

    await step(
      'lab_orders',
      sql`insert into lab_orders (id, patient_id, provider_id, eligibility_result_id, test_type, lab_id, status, ordered_at, external_order_id, insurance_information, notes, account_id, execution_name, submitted_at, cancelled_at, updated_at)
          select x.id, x.patient_id, x.provider_id, x.result_id, x.test_type, x.lab_id, x.status, x.ordered_at,
                 case when x.status in ('processing', 'completed') then 'EXT-' || upper(substr(md5(x.id::text), 1, 12)) end,
                 t.insurance_information, null, x.account_id, 'lab-order-' || x.id,
                 case when x.status in ('processing', 'completed') then x.ordered_at + interval '5 minutes' end,
                 case when x.status = 'cancelled' then x.ordered_at + interval '1 day' end,
                 x.ordered_at + interval '1 day'
          from (
            select gen_random_uuid() as id, r.patient_id, coalesce(r.provider_id, b.provider_id) as provider_id, r.id as result_id, b.account_id,
                   (array['breast-ovarian-panel', 'lynch-panel', 'comprehensive-panel', 'single-site'])[1 + floor(b.u2 * 4)::int] as test_type,
                   case when b.u3 < 0.8 then 'sandbox' else 'cedar-genomics' end as lab_id,
                   case when b.u5 < 0.6 then 'completed' when b.u5 < 0.85 then 'processing' when b.u5 < 0.9 then 'ordered' else 'cancelled' end as status,
                   r.created_at + interval '3 days' as ordered_at
            from eligibility_results r join bench_plan b on b.patient_id = r.patient_id
            where b.u4 < 0.3 and r.id <> cast(${templates.eligibilityResultId} as uuid)
          ) x
          cross join (select insurance_information from lab_orders where id = cast(${templates.labOrderId} as uuid)) t`,
    );

    await step(
      'lab_results',
      sql`insert into lab_results (order_id, status, result_data, raw_result, received_at, reviewed_at, reviewer_id, clinical_significance, version, report_status, notes, notified_at)
          select o.id, case when b.u6 < 0.7 then 'reviewed' else 'available' end, t.result_data, t.raw_result,
                 o.ordered_at + interval '14 days',
                 case when b.u6 < 0.7 then o.ordered_at + interval '15 days' end,
                 case when b.u6 < 0.7 then o.provider_id end,
                 t.clinical_significance, 1, 'final',
                 case when b.u6 < 0.7 then 'Discussed with patient' end,
                 o.ordered_at + interval '14 days'
          from lab_orders o join bench_plan b on b.patient_id = o.patient_id
          cross join (select result_data, raw_result, clinical_significance from lab_results where id = cast(${templates.labResultId} as uuid)) t
          where o.status = 'completed' and o.id <> cast(${templates.labOrderId} as uuid)`,
    );

    // Appointments: the k-th appointment of a clinician starts 13 h after the (k-1)-th, so none overlap.
    await step(
      'appointments',
      sql`insert into appointments (patient_id, account_id, clinician_id, date, time, date_time, duration_minutes, time_zone, appointment_type, status, notes, confirmation_code, created_at, updated_at, cancelled_at, cancellation_reason)
          select x.patient_id, x.account_id, x.provider_id,
                 (x.date_time at time zone 'America/New_York')::date, (x.date_time at time zone 'America/New_York')::time,
                 x.date_time, 30, 'America/New_York',
                 case when x.u2 < 0.7 then 'virtual' else 'in-person' end,
                 x.status, null, 'B' || lpad(x.n::text, 9, '0'),
                 x.date_time - interval '10 days', x.date_time - interval '10 days',
                 case when x.status = 'cancelled' then x.date_time - interval '2 days' end,
                 case when x.status = 'cancelled' then 'Patient request' end
          from (
            select b.patient_id, b.account_id, b.provider_id, b.u2, row_number() over (order by b.patient_id) as n,
                   date_trunc('hour', now() - interval '40 days') + (row_number() over (partition by b.provider_id order by b.patient_id)) * interval '13 hours' as date_time,
                   case when b.u3 < 0.1 then 'cancelled'
                        when date_trunc('hour', now() - interval '40 days') + (row_number() over (partition by b.provider_id order by b.patient_id)) * interval '13 hours' > now() then 'scheduled'
                        when b.u3 < 0.2 then 'no_show' else 'completed' end as status
            from bench_plan b
            where b.u4 >= 0.6 and b.u4 < 0.8 and b.provider_id is not null
          ) x`,
    );

    await step(
      'audit_events',
      sql`insert into audit_events (occurred_at, account_id, actor_type, actor_id, action, resource_type, resource_id, patient_id, request_id)
          select b.created_at + (k * random()) * interval '20 days', b.account_id, 'user', b.provider_id::text,
                 (array['patient.create', 'patient.read', 'patient.update'])[k], 'patient', b.patient_id::text, b.patient_id, gen_random_uuid()::text
          from bench_plan b cross join generate_series(1, 3) k`,
    );
    await sql`drop table bench_plan`.execute(conn);
  });

  // Every new clinician gets the demo availability pattern (weekdays 09:00–16:00 New York).
  const clinicians = await db.selectFrom('users').select('id').where('role', '=', 'clinician').execute();
  await seedAvailability(
    db,
    clinicians.map((c) => c.id),
  );

  const started = performance.now();
  await sql`vacuum analyze`.execute(db);
  log(`  vacuum analyze in ${Math.round(performance.now() - started)} ms`);

  const tables = [
    'accounts',
    'users',
    'patients',
    'invites',
    'chat_sessions',
    'eligibility_results',
    'lab_orders',
    'lab_results',
    'appointments',
    'audit_events',
    'recurring_availability',
  ] as const;
  const counts: VolumeCounts[] = [];
  for (const table of tables) {
    const row = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
    counts.push({ table, rows: row.rows[0]?.n ?? 0 });
  }
  return counts;
}
