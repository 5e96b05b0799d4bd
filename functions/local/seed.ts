import type { Db } from '../core/db.ts';
import type { UserRole } from '../core/database.ts';
import { asDate, asUuid } from '../core/sql.ts';
import { patientIdentityKey } from '../patients/patient-import.ts';
import { seedAvailability } from '../scheduling/availability.repository.ts';
import { randomUUID } from 'node:crypto';
import { syncReferenceData } from '../reference-data.ts';

/** The demo data `npm start` and the tests rely on. Seeding twice changes nothing. */
export const SEED_CLINICS = [
  { name: 'Demo Clinic', domain: 'demo-clinic.test' },
  { name: 'Lakeside Clinic', domain: 'lakeside-clinic.test' },
] as const;

const STAFF: { local: string; role: UserRole; firstName: string; lastName: string }[] = [
  { local: 'admin', role: 'account_admin', firstName: 'Alex', lastName: 'Admin' },
  { local: 'clinician', role: 'clinician', firstName: 'Casey', lastName: 'Clinician' },
  { local: 'staff', role: 'office_staff', firstName: 'Sam', lastName: 'Staff' },
];

const DEMO_PATIENTS = [
  { firstName: 'Maria', lastName: 'Garcia', dateOfBirth: '1978-04-12' },
  { firstName: 'Ruth', lastName: 'Cohen', dateOfBirth: '1969-11-03' },
  { firstName: 'Linda', lastName: 'Nguyen', dateOfBirth: '1985-07-21' },
];

export const SUPER_ADMIN_EMAIL = 'superadmin@genascope.test';

export function seededEmails(): { email: string; role: UserRole; clinic: string | null }[] {
  return [
    { email: SUPER_ADMIN_EMAIL, role: 'super_admin', clinic: null },
    ...SEED_CLINICS.flatMap((clinic) =>
      STAFF.map((s) => ({ email: `${s.local}@${clinic.domain}`, role: s.role, clinic: clinic.name })),
    ),
  ];
}

async function ensureAccount(db: Db, name: string): Promise<string> {
  const existing = await db.selectFrom('accounts').select('id').where('name', '=', name).executeTakeFirst();
  if (existing) return existing.id;
  const created = await db
    .insertInto('accounts')
    .values({ name, subscription_tier: 'standard', max_users: 50 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return created.id;
}

async function ensureUser(
  db: Db,
  user: { email: string; role: UserRole; firstName: string; lastName: string; accountId: string | null },
): Promise<string> {
  const row = await db
    .insertInto('users')
    .values({
      email: user.email,
      cognito_sub: randomUUID(),
      first_name: user.firstName,
      last_name: user.lastName,
      role: user.role,
      account_id: user.accountId ? asUuid(user.accountId) : null,
    })
    .onConflict((oc) => oc.column('email').doUpdateSet({ email: user.email }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface SeedResult {
  accounts: Record<string, string>;
  users: Record<string, string>;
}

export async function seedDemoData(db: Db): Promise<SeedResult> {
  await syncReferenceData(db);
  const result: SeedResult = { accounts: {}, users: {} };
  result.users[SUPER_ADMIN_EMAIL] = await ensureUser(db, {
    email: SUPER_ADMIN_EMAIL,
    role: 'super_admin',
    firstName: 'Sasha',
    lastName: 'Super',
    accountId: null,
  });
  for (const clinic of SEED_CLINICS) {
    const accountId = await ensureAccount(db, clinic.name);
    result.accounts[clinic.name] = accountId;
    for (const s of STAFF) {
      const email = `${s.local}@${clinic.domain}`;
      result.users[email] = await ensureUser(db, {
        email,
        role: s.role,
        firstName: s.firstName,
        lastName: s.lastName,
        accountId,
      });
    }
    const clinicianId = result.users[`clinician@${clinic.domain}`] as string;
    for (const p of DEMO_PATIENTS) {
      const email = `${p.firstName.toLowerCase()}.${p.lastName.toLowerCase()}@patients.${clinic.domain}`;
      await db
        .insertInto('patients')
        .values({
          account_id: asUuid(accountId),
          first_name: p.firstName,
          last_name: p.lastName,
          email,
          date_of_birth: asDate(p.dateOfBirth),
          provider_id: asUuid(clinicianId),
          import_key: patientIdentityKey({ email, lastName: p.lastName, dateOfBirth: p.dateOfBirth }),
        })
        .onConflict((oc) => oc.columns(['account_id', 'import_key']).where('import_key', 'is not', null).doNothing())
        .execute();
    }
  }
  await seedAvailability(
    db,
    SEED_CLINICS.map((clinic) => result.users[`clinician@${clinic.domain}`] as string),
  );
  return result;
}
