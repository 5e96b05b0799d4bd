import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { migrations } from '../../migrations/index.ts';
import { migrator } from '../../functions/core/migrate.ts';
import type { Db } from '../../functions/core/db.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
const KYSELY_TABLES = ['kysely_migration', 'kysely_migration_lock'];

/** The tables each migration creates (and its `down` drops). */
const TABLES_BY_MIGRATION: Record<string, string[]> = {
  '001_initial_schema': ['accounts', 'users', 'patients'],
  '002_chat_system': ['chat_sessions', 'chat_questions', 'chat_answers'],
  '003_invite_system': ['invites'],
  '004_eligibility_analysis': ['eligibility_results'],
  '005_lab_integration': ['lab_orders', 'lab_results'],
  '006_appointments': ['appointments', 'recurring_availability'],
  '007_audit_events': ['audit_events'],
  '008_invite_lifecycle': [],
  '009_chat_state': [],
  '010_email_outbox': ['email_outbox'],
  '011_scheduling': [],
  '012_eligibility_review': [],
  '013_lab_workflow': ['labs', 'lab_tests', 'webhook_deliveries'],
  '014_read_paths': [],
  '015_list_indexes': [],
  '016_patient_search': [],
};
const NAMES = Object.keys(migrations);

async function publicTables(db: Db): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE'
    order by table_name
  `.execute(db);
  return rows.map((row) => row.table_name);
}

/** Tables expected once the first `count` migrations have run. */
function tablesAfter(count: number): string[] {
  return [...KYSELY_TABLES, ...NAMES.slice(0, count).flatMap((name) => TABLES_BY_MIGRATION[name] ?? [])].sort();
}

/** Columns, indexes and constraints of the public schema, to compare before and after a down/up round trip. */
async function schemaSnapshot(db: Db): Promise<unknown> {
  const columns = await sql`
    select table_name, column_name, data_type, character_maximum_length, is_nullable, column_default, is_identity
    from information_schema.columns where table_schema = 'public' order by table_name, column_name
  `.execute(db);
  const indexes = await sql`select indexdef from pg_indexes where schemaname = 'public' order by indexdef`.execute(db);
  const constraints = await sql`
    select conrelid::regclass::text as table_name, conname, pg_get_constraintdef(oid) as definition
    from pg_constraint where connamespace = 'public'::regnamespace order by 1, 2
  `.execute(db);
  return { columns: columns.rows, indexes: indexes.rows, constraints: constraints.rows };
}

describe('migration registry', () => {
  test('every migration file is registered under its file name, in order', () => {
    const files = readdirSync(MIGRATIONS_DIR)
      .filter((file) => file.endsWith('.ts') && file !== 'index.ts')
      .map((file) => file.slice(0, -'.ts'.length))
      .sort();
    expect(NAMES).toEqual(files);
    expect(NAMES).toEqual([...NAMES].sort());
    for (const name of NAMES) {
      expect(typeof migrations[name]?.up, name).toBe('function');
      expect(typeof migrations[name]?.down, name).toBe('function');
    }
  });

  test('this test knows the tables of every migration', () => {
    expect(Object.keys(TABLES_BY_MIGRATION)).toEqual(NAMES);
  });
});

describe('migrating a fresh database', () => {
  let fresh: TestDatabase;
  beforeAll(async () => {
    fresh = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => {
    await fresh?.destroy();
  });

  test('up to latest, down one by one to nothing, and up one by one again', async () => {
    const db = fresh.db;
    const m = migrator(db);

    const latest = await m.migrateToLatest();
    expect(latest.error).toBeUndefined();
    expect(latest.results?.map((r) => [r.migrationName, r.status])).toEqual(NAMES.map((name) => [name, 'Success']));
    expect(await publicTables(db)).toEqual(tablesAfter(NAMES.length));
    const migrated = await schemaSnapshot(db);

    for (let count = NAMES.length; count > 0; count--) {
      const down = await m.migrateDown();
      expect(down.error).toBeUndefined();
      expect(down.results).toEqual([{ migrationName: NAMES[count - 1], direction: 'Down', status: 'Success' }]);
      expect(await publicTables(db)).toEqual(tablesAfter(count - 1));
    }
    const nothingLeft = await m.migrateDown();
    expect(nothingLeft.error).toBeUndefined();
    expect(nothingLeft.results).toEqual([]);
    expect((await m.getMigrations()).filter((migration) => migration.executedAt !== undefined)).toEqual([]);
    expect(await publicTables(db)).toEqual(KYSELY_TABLES);

    for (let count = 1; count <= NAMES.length; count++) {
      const up = await m.migrateUp();
      expect(up.error).toBeUndefined();
      expect(up.results).toEqual([{ migrationName: NAMES[count - 1], direction: 'Up', status: 'Success' }]);
      expect(await publicTables(db)).toEqual(tablesAfter(count));
    }
    expect(await schemaSnapshot(db)).toEqual(migrated);
  });
});

describe('appointments_no_overlap', () => {
  let testDatabase: TestDatabase;
  let db: Db;
  let patientId: string;
  let accountId: string;
  let clinicianIds: [string, string];

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    db = testDatabase.db;
    const account = await db
      .insertInto('accounts')
      .values({ name: 'Clinic' })
      .returning('id')
      .executeTakeFirstOrThrow();
    accountId = account.id;
    const clinicians = await db
      .insertInto('users')
      .values(
        [1, 2].map((n) => ({
          email: `clinician${n}@clinic.test`,
          cognito_sub: `sub-${n}`,
          role: 'clinician' as const,
          account_id: account.id,
        })),
      )
      .returning('id')
      .execute();
    clinicianIds = [clinicians[0]!.id, clinicians[1]!.id];
    const patient = await db
      .insertInto('patients')
      .values({ account_id: account.id, first_name: 'Ada', last_name: 'Example' })
      .returning('id')
      .executeTakeFirstOrThrow();
    patientId = patient.id;
  });
  afterAll(async () => {
    await testDatabase?.destroy();
  });

  /** A 30-minute appointment on Monday 2030-01-07 at `time` New York time (UTC-5 in January). */
  function book(code: string, time: string, clinicianId = clinicianIds[0]) {
    return db
      .insertInto('appointments')
      .values({
        patient_id: patientId,
        account_id: accountId,
        clinician_id: clinicianId,
        date: '2030-01-07',
        time,
        date_time: `2030-01-07T${time}:00-05:00`,
        duration_minutes: 30,
        time_zone: 'America/New_York',
        appointment_type: 'virtual',
        confirmation_code: code,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  }
  const overlap = { code: '23P01', constraint: 'appointments_no_overlap' };

  test('one clinician cannot have overlapping scheduled appointments; cancelled ones free the slot', async () => {
    const first = await book('A0001', '10:00');
    await expect(book('A0002', '10:15')).rejects.toMatchObject(overlap);
    await expect(book('A0003', '10:00')).rejects.toMatchObject(overlap);
    // Ranges are half-open: back-to-back slots do not overlap; another clinician is independent.
    await expect(book('A0004', '10:30')).resolves.toBeDefined();
    await expect(book('A0005', '10:00', clinicianIds[1])).resolves.toBeDefined();

    await db.updateTable('appointments').set({ status: 'cancelled' }).where('id', '=', first.id).execute();
    await expect(book('A0006', '10:00')).resolves.toBeDefined();
    // Scheduling the cancelled one again now collides with its replacement.
    await expect(
      db.updateTable('appointments').set({ status: 'scheduled' }).where('id', '=', first.id).execute(),
    ).rejects.toMatchObject(overlap);
  });
});
