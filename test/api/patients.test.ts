import { beforeAll, describe, expect, test } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { useTestApi, type ApiResponse } from '../support/api.ts';

const SUPER = 'superadmin@genascope.test';
const ADMIN = 'admin@demo-clinic.test';
const CLINICIAN = 'clinician@demo-clinic.test';
const STAFF = 'staff@demo-clinic.test';
const DEMO_STAFF = [ADMIN, CLINICIAN, STAFF];
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

const cursorOf = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field).sort();

interface PatientDto {
  id: string;
  accountId: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  dateOfBirth: string | null;
  providerId: string | null;
  status: string;
  createdAt: string;
}
type Page = { items: PatientDto[]; nextCursor: string | null };

describe.each(DIALECTS)('patients (%s)', (dialect) => {
  const api = useTestApi(dialect);
  const demo = () => api().seed.accounts['Demo Clinic'] as string;
  const lakeside = () => api().seed.accounts['Lakeside Clinic'] as string;
  const userId = (email: string) => api().seed.users[email] as string;
  const patientRow = (id: string) =>
    api().db.selectFrom('patients').selectAll().where('id', '=', id).executeTakeFirst();
  const countPatients = async () =>
    Number(
      (
        await api()
          .db.selectFrom('patients')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const auditFor = (requestId: string | null) =>
    api()
      .db.selectFrom('audit_events')
      .selectAll()
      .where('request_id', '=', requestId as string)
      .orderBy('patient_id')
      .execute();

  /** One Lakeside patient, for cross-clinic probes. */
  let foreignPatient: string;
  /** Patients created in one import: they share one created_at (one transaction). */
  let batchIds: string[];

  beforeAll(async () => {
    const lakesideClinician = await api().token('clinician@lakeside-clinic.test');
    const created = await api().request('POST', '/v1/patients', {
      token: lakesideClinician,
      body: { firstName: 'Lake', lastName: 'Foreign', email: 'lake.foreign@example.com', dateOfBirth: '1970-01-01' },
    });
    expect(created.status).toBe(201);
    foreignPatient = created.body.id;
    const batch = await api().request('POST', '/v1/patients/import', {
      token: await api().token(CLINICIAN),
      body: ['Anders', 'Baker', 'Baxter', 'Bell', 'Carter', 'Zimmer'].map((lastName, i) => ({
        first_name: `Imp${i}`,
        last_name: lastName,
        email: `imp${i}@example.com`,
        date_of_birth: `1980-01-0${i + 1}`,
        provider_email: i % 2 === 0 ? CLINICIAN : '',
      })),
    });
    expect(batch.status).toBe(200);
    expect(batch.body.summary.created).toBe(6);
    batchIds = batch.body.rows.map((r: { patientId: string }) => r.patientId);
  });

  async function allPages(token: string, query: string, limit: number): Promise<PatientDto[][]> {
    const pages: PatientDto[][] = [];
    let cursor: string | null = null;
    do {
      const response: ApiResponse<Page> = await api().request(
        'GET',
        `/v1/patients?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`,
        { token },
      );
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(limit);
      pages.push(response.body.items);
      cursor = response.body.nextCursor;
    } while (cursor && pages.length < 50);
    expect(cursor).toBeNull();
    return pages;
  }

  describe('list', () => {
    test('every staff role sees its own clinic’s patients only; super_admin sees all', async () => {
      for (const email of DEMO_STAFF) {
        const response = await api().request('GET', '/v1/patients?limit=100', { token: await api().token(email) });
        expect(response.status).toBe(200);
        expect(response.body.items.length).toBeGreaterThanOrEqual(9);
        expect(response.body.items.every((p: PatientDto) => p.accountId === demo())).toBe(true);
        expect(response.body.items.map((p: PatientDto) => p.id)).not.toContain(foreignPatient);
      }
      const all = await api().request('GET', '/v1/patients?limit=100', { token: await api().token(SUPER) });
      const accounts = new Set(all.body.items.map((p: PatientDto) => p.accountId));
      expect(accounts).toEqual(new Set([demo(), lakeside()]));
      const onlyLakeside = await api().request('GET', `/v1/patients?limit=100&accountId=${lakeside()}`, {
        token: await api().token(SUPER),
      });
      expect(onlyLakeside.body.items.every((p: PatientDto) => p.accountId === lakeside())).toBe(true);
      // accountId does not widen a clinic user's scope.
      const widened = await api().request('GET', `/v1/patients?limit=100&accountId=${lakeside()}`, {
        token: await api().token(STAFF),
      });
      expect(widened.body.items.every((p: PatientDto) => p.accountId === demo())).toBe(true);
    });

    test('sort=lastName pages through all patients in name order without overlap', async () => {
      const token = await api().token(STAFF);
      const everything = (await api().request('GET', '/v1/patients?limit=100', { token })).body.items as PatientDto[];
      const pages = await allPages(token, '&sort=lastName', 2);
      const flat = pages.flat();
      expect(flat.map((p) => p.id)).toEqual(everything.map((p) => p.id));
      expect(new Set(flat.map((p) => p.id)).size).toBe(flat.length);
      const names = flat.map((p) => p.lastName);
      expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      expect(names.slice(0, 3)).toEqual(['Anders', 'Baker', 'Baxter']);
    });

    test('sort=createdAt pages newest first without overlap or gaps, also within one import batch', async () => {
      const token = await api().token(STAFF);
      const expected = (
        await api()
          .db.selectFrom('patients')
          .select(['id'])
          .where('account_id', '=', demo())
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .execute()
      ).map((r) => r.id);
      for (const limit of [1, 2, 4]) {
        const flat = (await allPages(token, '&sort=createdAt', limit)).flat();
        expect(new Set(flat.map((p) => p.id)).size).toBe(flat.length);
        expect(flat.map((p) => p.id)).toEqual(expected);
      }
      const first = (await api().request('GET', '/v1/patients?sort=createdAt&limit=100', { token })).body
        .items as PatientDto[];
      const times = first.map((p) => p.createdAt);
      expect(times).toEqual([...times].sort().reverse());
      expect(first.map((p) => p.id)).toEqual(expect.arrayContaining(batchIds));
    });

    test('q filters by last name, first name or e-mail prefix, case-insensitively', async () => {
      const token = await api().token(CLINICIAN);
      const byLast = await api().request('GET', '/v1/patients?q=ba', { token });
      expect(byLast.body.items.map((p: PatientDto) => p.lastName).sort()).toEqual(['Baker', 'Baxter']);
      const byFirst = await api().request('GET', '/v1/patients?q=MARIA', { token });
      expect(byFirst.body.items.map((p: PatientDto) => p.lastName)).toEqual(['Garcia']);
      const byEmail = await api().request('GET', '/v1/patients?q=imp3%40', { token });
      expect(byEmail.body.items.map((p: PatientDto) => p.lastName)).toEqual(['Bell']);
      // Prefix, not substring, and wildcards are literal.
      expect((await api().request('GET', '/v1/patients?q=arcia', { token })).body.items).toEqual([]);
      expect((await api().request('GET', '/v1/patients?q=%25', { token })).body.items).toEqual([]);
      expect((await api().request('GET', '/v1/patients?q=_', { token })).body.items).toEqual([]);
      // Another clinic's patient does not match.
      expect((await api().request('GET', '/v1/patients?q=Foreign', { token })).body.items).toEqual([]);
      const paged = await allPages(token, '&q=b', 1);
      expect(paged.flat().map((p) => p.lastName)).toEqual(['Baker', 'Baxter', 'Bell']);
    });

    test('status and providerId filters', async () => {
      const token = await api().token(CLINICIAN);
      const clinicianId = userId(CLINICIAN);
      const byProvider = await api().request('GET', `/v1/patients?providerId=${clinicianId}&limit=100`, { token });
      const lastNames = byProvider.body.items.map((p: PatientDto) => p.lastName);
      expect(lastNames).toEqual(expect.arrayContaining(['Anders', 'Baxter', 'Carter', 'Garcia', 'Cohen', 'Nguyen']));
      expect(lastNames).not.toContain('Baker');
      expect(byProvider.body.items.every((p: PatientDto) => p.providerId === clinicianId)).toBe(true);
      const lakesideProvider = await api().request(
        'GET',
        `/v1/patients?providerId=${userId('clinician@lakeside-clinic.test')}`,
        { token },
      );
      expect(lakesideProvider.body.items).toEqual([]);

      const zimmer = batchIds[5] as string;
      expect(
        (await api().request('PATCH', `/v1/patients/${zimmer}`, { token, body: { status: 'inactive' } })).status,
      ).toBe(200);
      const inactive = await api().request('GET', '/v1/patients?status=inactive', { token });
      expect(inactive.body.items.map((p: PatientDto) => p.id)).toEqual([zimmer]);
      const active = await api().request('GET', '/v1/patients?status=active&limit=100', { token });
      expect(active.body.items.map((p: PatientDto) => p.id)).not.toContain(zimmer);
    });

    test('invalid list parameters answer 400 naming each query field', async () => {
      const token = await api().token(CLINICIAN);
      for (const [query, fields] of [
        ['limit=0', ['query.limit']],
        ['limit=101', ['query.limit']],
        ['limit=ten', ['query.limit']],
        ['sort=firstName', ['query.sort']],
        ['status=deleted', ['query.status']],
        ['providerId=casey', ['query.providerId']],
        ['cursor=not%20a%20cursor', ['query.cursor']],
        ['cursor=eyJub3QiOiJhIGtleSJ9', ['query.cursor']],
        ['q=', ['query.q']],
        // Hand-made or mismatched cursors are refused before they reach the database.
        [`sort=createdAt&cursor=${cursorOf(['Garcia', UNKNOWN_ID])}`, ['query.cursor']],
        [`sort=createdAt&cursor=${cursorOf(['2026-02-30 10:00:00+00', UNKNOWN_ID])}`, ['query.cursor']],
        [`sort=createdAt&cursor=${cursorOf(['2026-01-01 10:00:00+00', 'not-a-uuid'])}`, ['query.cursor']],
        [`sort=lastName&cursor=${cursorOf(['Garcia', 'not-a-uuid'])}`, ['query.cursor']],
        [`sort=lastName&cursor=${cursorOf([5, UNKNOWN_ID])}`, ['query.cursor']],
        ['limit=0&sort=x&status=y', ['query.limit', 'query.sort', 'query.status']],
      ] as const) {
        const response = await api().request('GET', `/v1/patients?${query}`, { token });
        expect(response.status, query).toBe(400);
        expect(fieldsOf(response.body), query).toEqual([...fields].sort());
      }
    });

    test('listing writes one patient.list audit event per patient shown', async () => {
      const token = await api().token(STAFF);
      const response = await api().request('GET', '/v1/patients?limit=3&sort=lastName', { token });
      const audit = await auditFor(response.headers.get('x-request-id'));
      expect(audit.map((a) => a.patient_id).sort()).toEqual(response.body.items.map((p: PatientDto) => p.id).sort());
      for (const event of audit)
        expect(event).toMatchObject({
          action: 'patient.list',
          actor_type: 'user',
          actor_id: userId(STAFF),
          account_id: demo(),
        });
    });
  });

  describe('create', () => {
    test('every staff role registers patients in its own clinic; the change is audited', async () => {
      for (const [i, email] of DEMO_STAFF.entries()) {
        const response = await api().request('POST', '/v1/patients', {
          token: await api().token(email),
          body: {
            firstName: 'New',
            lastName: `Patient${i}`,
            email: `New.Patient${i}@Example.com`,
            phone: '+1 555 010 0000',
            dateOfBirth: '1990-05-17',
            providerId: userId(CLINICIAN),
          },
        });
        expect(response.status, email).toBe(201);
        expect(response.headers.get('location')).toBe(`/v1/patients/${response.body.id}`);
        expect(response.body).toMatchObject({
          accountId: demo(),
          email: `new.patient${i}@example.com`,
          dateOfBirth: '1990-05-17',
          providerId: userId(CLINICIAN),
          status: 'active',
        });
        expect(await patientRow(response.body.id)).toMatchObject({
          account_id: demo(),
          last_name: `Patient${i}`,
          phone: '+1 555 010 0000',
        });
        const audit = await auditFor(response.headers.get('x-request-id'));
        expect(audit).toEqual([
          expect.objectContaining({
            action: 'patient.create',
            actor_id: userId(email),
            patient_id: response.body.id,
            resource_id: response.body.id,
            account_id: demo(),
          }),
        ]);
      }
    });

    test('super_admin must name the clinic', async () => {
      const token = await api().token(SUPER);
      const missing = await api().request('POST', '/v1/patients', {
        token,
        body: { firstName: 'No', lastName: 'Clinic' },
      });
      expect(missing.status).toBe(422);
      expect(fieldsOf(missing.body)).toEqual(['body.accountId']);
      const named = await api().request('POST', '/v1/patients', {
        token,
        body: { firstName: 'Yes', lastName: 'Clinic', accountId: lakeside() },
      });
      expect(named.status).toBe(201);
      expect(named.body.accountId).toBe(lakeside());
    });

    test('a clinic user cannot place a patient in another clinic', async () => {
      const response = await api().request('POST', '/v1/patients', {
        token: await api().token(CLINICIAN),
        body: { firstName: 'Placed', lastName: 'Elsewhere', accountId: lakeside() },
      });
      // The clinic user's own account wins; the patient never lands in Lakeside.
      if (response.status === 201) expect(response.body.accountId).toBe(demo());
      else expect(response.status).toBeGreaterThanOrEqual(400);
      const inLakeside = await api()
        .db.selectFrom('patients')
        .select('id')
        .where('last_name', '=', 'Elsewhere')
        .where('account_id', '=', lakeside())
        .execute();
      expect(inLakeside).toEqual([]);
    });

    test('invalid bodies answer 422 naming each field and write nothing', async () => {
      const token = await api().token(CLINICIAN);
      const [patients, audit] = [
        await countPatients(),
        await api().db.selectFrom('audit_events').select('id').execute(),
      ];
      const response = await api().request('POST', '/v1/patients', {
        token,
        body: {
          firstName: '  ',
          lastName: 'Ok',
          email: 'nope',
          phone: 'call me',
          dateOfBirth: '2999-01-01',
          providerId: 'casey',
          ssn: '123',
        },
      });
      expect(response.status).toBe(422);
      expect(fieldsOf(response.body)).toEqual([
        'body.dateOfBirth',
        'body.email',
        'body.firstName',
        'body.phone',
        'body.providerId',
        'body.ssn',
      ]);
      const old = await api().request('POST', '/v1/patients', {
        token,
        body: { firstName: 'Old', lastName: 'Timer', dateOfBirth: '1899-12-31' },
      });
      expect(old.status).toBe(422);
      expect(fieldsOf(old.body)).toEqual(['body.dateOfBirth']);
      const control = await api().request('POST', '/v1/patients', {
        token,
        body: { firstName: 'Bad\u0007Bell', lastName: 'Ok' },
      });
      expect(control.status).toBe(422);
      expect(fieldsOf(control.body)).toEqual(['body.firstName']);
      const notObject = await api().request('POST', '/v1/patients', { token, body: ['firstName'] });
      expect(notObject.status).toBe(422);
      expect(await countPatients()).toBe(patients);
      expect(await api().db.selectFrom('audit_events').select('id').execute()).toHaveLength(audit.length);
    });

    test('a provider from another clinic or not a clinician answers 422', async () => {
      const token = await api().token(CLINICIAN);
      const before = await countPatients();
      for (const providerId of [userId('clinician@lakeside-clinic.test'), userId(STAFF), UNKNOWN_ID]) {
        const response = await api().request('POST', '/v1/patients', {
          token,
          body: { firstName: 'Pro', lastName: 'Vider', providerId },
        });
        expect(response.status).toBe(422);
        expect(fieldsOf(response.body)).toEqual(['body.providerId']);
      }
      expect(await countPatients()).toBe(before);
    });

    test('the same e-mail, last name and date of birth twice in a clinic answers 409; another clinic may have them', async () => {
      const body = {
        firstName: 'Maria',
        lastName: 'GARCIA',
        email: 'Maria.Garcia@patients.demo-clinic.test',
        dateOfBirth: '1978-04-12',
      };
      const before = await countPatients();
      const duplicate = await api().request('POST', '/v1/patients', { token: await api().token(STAFF), body });
      expect(duplicate.status).toBe(409);
      expect(await countPatients()).toBe(before);
      const elsewhere = await api().request('POST', '/v1/patients', {
        token: await api().token('staff@lakeside-clinic.test'),
        body,
      });
      expect(elsewhere.status).toBe(201);
    });
  });

  describe('read, change, archive, timeline', () => {
    let patientId: string;
    beforeAll(async () => {
      const created = await api().request('POST', '/v1/patients', {
        token: await api().token(STAFF),
        body: {
          firstName: 'Tina',
          lastName: 'Timeline',
          email: 'tina.timeline@example.com',
          dateOfBirth: '1975-03-03',
        },
      });
      patientId = created.body.id;
    });

    test('every staff role reads a patient; each read is audited with actor, patient and request id', async () => {
      for (const email of [...DEMO_STAFF, SUPER]) {
        const response = await api().request('GET', `/v1/patients/${patientId}`, { token: await api().token(email) });
        expect(response.status, email).toBe(200);
        expect(response.body).toMatchObject({
          id: patientId,
          firstName: 'Tina',
          lastName: 'Timeline',
          email: 'tina.timeline@example.com',
          dateOfBirth: '1975-03-03',
        });
        const audit = await auditFor(response.headers.get('x-request-id'));
        expect(audit).toEqual([
          expect.objectContaining({
            action: 'patient.read',
            actor_type: 'user',
            actor_id: userId(email),
            patient_id: patientId,
            account_id: demo(),
            resource_type: 'patient',
          }),
        ]);
      }
    });

    test("another clinic's patient answers 404 exactly like an unknown id, for every patient route", async () => {
      const token = await api().token(ADMIN);
      const before = await patientRow(foreignPatient);
      for (const id of [foreignPatient, UNKNOWN_ID]) {
        const responses = [
          await api().request('GET', `/v1/patients/${id}`, { token }),
          await api().request('PATCH', `/v1/patients/${id}`, { token, body: { firstName: 'Changed' } }),
          await api().request('POST', `/v1/patients/${id}/archive`, { token }),
          await api().request('GET', `/v1/patients/${id}/timeline`, { token }),
        ];
        for (const response of responses) {
          expect(response.status).toBe(404);
          expect(response.body).toMatchObject({ title: 'Not Found', detail: 'Patient not found' });
        }
      }
      expect(await patientRow(foreignPatient)).toEqual(before);
    });

    test('a malformed patient id answers 400 naming path.patientId', async () => {
      const token = await api().token(CLINICIAN);
      for (const [method, path] of [
        ['GET', '/v1/patients/123'],
        ['PATCH', '/v1/patients/123'],
        ['POST', '/v1/patients/123/archive'],
        ['GET', '/v1/patients/123/timeline'],
      ] as const) {
        const response = await api().request(method, path, {
          token,
          ...(method === 'PATCH' ? { body: { firstName: 'X' } } : {}),
        });
        expect(response.status).toBe(400);
        expect(fieldsOf(response.body)).toEqual(['path.patientId']);
      }
    });

    test('every staff role updates a patient; the change is stored and audited', async () => {
      for (const [i, email] of DEMO_STAFF.entries()) {
        const response = await api().request('PATCH', `/v1/patients/${patientId}`, {
          token: await api().token(email),
          body: { phone: `555-010${i}`, providerId: userId(CLINICIAN) },
        });
        expect(response.status, email).toBe(200);
        expect(response.body).toMatchObject({ phone: `555-010${i}`, providerId: userId(CLINICIAN), firstName: 'Tina' });
        expect(await patientRow(patientId)).toMatchObject({ phone: `555-010${i}`, provider_id: userId(CLINICIAN) });
        const audit = await auditFor(response.headers.get('x-request-id'));
        expect(audit).toEqual([
          expect.objectContaining({ action: 'patient.update', actor_id: userId(email), patient_id: patientId }),
        ]);
      }
      const cleared = await api().request('PATCH', `/v1/patients/${patientId}`, {
        token: await api().token(CLINICIAN),
        body: { phone: null, providerId: null },
      });
      expect(cleared.body).toMatchObject({ phone: null, providerId: null });
    });

    test('invalid patches answer 422 and change nothing', async () => {
      const token = await api().token(CLINICIAN);
      const before = await patientRow(patientId);
      const empty = await api().request('PATCH', `/v1/patients/${patientId}`, { token, body: {} });
      expect(empty.status).toBe(422);
      expect(fieldsOf(empty.body)).toEqual(['body']);
      const invalid = await api().request('PATCH', `/v1/patients/${patientId}`, {
        token,
        body: { lastName: '', email: 'x@', status: 'archived', accountId: lakeside() },
      });
      expect(invalid.status).toBe(422);
      expect(fieldsOf(invalid.body)).toEqual(['body.accountId', 'body.email', 'body.lastName', 'body.status']);
      const foreignProvider = await api().request('PATCH', `/v1/patients/${patientId}`, {
        token,
        body: { providerId: userId('clinician@lakeside-clinic.test') },
      });
      expect(foreignProvider.status).toBe(422);
      expect(fieldsOf(foreignProvider.body)).toEqual(['body.providerId']);
      const clash = await api().request('PATCH', `/v1/patients/${patientId}`, {
        token,
        body: { email: 'maria.garcia@patients.demo-clinic.test', lastName: 'Garcia', dateOfBirth: '1978-04-12' },
      });
      expect(clash.status).toBe(409);
      expect(await patientRow(patientId)).toEqual(before);
    });

    test('the timeline shows the patient_created event and is audited', async () => {
      for (const email of DEMO_STAFF) {
        const response = await api().request('GET', `/v1/patients/${patientId}/timeline`, {
          token: await api().token(email),
        });
        expect(response.status).toBe(200);
        expect(response.body.patientId).toBe(patientId);
        expect(response.body.items).toEqual([
          expect.objectContaining({
            type: 'patient_created',
            id: patientId,
            summary: 'Patient registered',
            status: 'active',
          }),
        ]);
        expect(response.body.items[0].at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        expect(response.body.nextCursor).toBeNull();
        const audit = await auditFor(response.headers.get('x-request-id'));
        expect(audit).toEqual([
          expect.objectContaining({ action: 'patient.timeline.read', actor_id: userId(email), patient_id: patientId }),
        ]);
      }
      const bad = await api().request('GET', `/v1/patients/${patientId}/timeline?limit=500`, {
        token: await api().token(STAFF),
      });
      expect(bad.status).toBe(400);
      expect(fieldsOf(bad.body)).toEqual(['query.limit']);
      const badCursor = await api().request(
        'GET',
        `/v1/patients/${patientId}/timeline?cursor=${cursorOf(['yesterday', patientId])}`,
        { token: await api().token(STAFF) },
      );
      expect(badCursor.status).toBe(400);
      expect(fieldsOf(badCursor.body)).toEqual(['query.cursor']);
    });

    test('the timeline pages events of one instant without gaps or overlap', async () => {
      // A session recorded at the very instant the patient was created (as one transaction would), and one later.
      const sameInstant = await api()
        .db.insertInto('chat_sessions')
        .values((eb) => ({
          patient_id: patientId,
          source: 'provider',
          created_at: eb.selectFrom('patients').select('created_at').where('id', '=', patientId),
        }))
        .returning('id')
        .executeTakeFirstOrThrow();
      const later = await api()
        .db.insertInto('chat_sessions')
        .values({ patient_id: patientId, source: 'direct' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const token = await api().token(CLINICIAN);
      const full = await api().request('GET', `/v1/patients/${patientId}/timeline`, { token });
      expect(full.body.items.map((e: { type: string }) => e.type)).toEqual([
        'chat_session',
        expect.any(String),
        expect.any(String),
      ]);
      expect(full.body.items[0].id).toBe(later.id);
      expect(full.body.items.map((e: { id: string }) => e.id).sort()).toEqual(
        [patientId, sameInstant.id, later.id].sort(),
      );
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page: ApiResponse<{ items: { id: string }[]; nextCursor: string | null }> = await api().request(
          'GET',
          `/v1/patients/${patientId}/timeline?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
          { token },
        );
        expect(page.status).toBe(200);
        paged.push(...page.body.items.map((e) => e.id));
        cursor = page.body.nextCursor;
      } while (cursor && paged.length < 10);
      expect(paged).toEqual(full.body.items.map((e: { id: string }) => e.id));
      await api().db.deleteFrom('chat_sessions').where('patient_id', '=', patientId).execute();
    });

    test("super_admin reads, changes, archives and sees the timeline of any clinic's patient", async () => {
      const token = await api().token(SUPER);
      const created = await api().request('POST', '/v1/patients', {
        token,
        body: { firstName: 'Op', lastName: 'Managed', dateOfBirth: '1950-05-05', accountId: lakeside() },
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      expect((await api().request('GET', `/v1/patients/${id}`, { token })).status).toBe(200);
      const changed = await api().request('PATCH', `/v1/patients/${id}`, {
        token,
        body: { providerId: userId('clinician@lakeside-clinic.test') },
      });
      expect(changed.status).toBe(200);
      expect((await patientRow(id))?.provider_id).toBe(userId('clinician@lakeside-clinic.test'));
      // The provider must belong to the patient's clinic, also for super_admin.
      const wrongClinic = await api().request('PATCH', `/v1/patients/${id}`, {
        token,
        body: { providerId: userId(CLINICIAN) },
      });
      expect(wrongClinic.status).toBe(422);
      const timeline = await api().request('GET', `/v1/patients/${id}/timeline`, { token });
      expect(timeline.body.items.map((e: { type: string }) => e.type)).toEqual(['patient_created']);
      const archived = await api().request('POST', `/v1/patients/${id}/archive`, { token });
      expect(archived.status).toBe(200);
      expect((await patientRow(id))?.status).toBe('archived');
      const audit = await api()
        .db.selectFrom('audit_events')
        .select(['action', 'actor_id', 'account_id'])
        .where('patient_id', '=', id)
        .orderBy('occurred_at')
        .execute();
      expect(audit.map((a) => a.action)).toEqual([
        'patient.create',
        'patient.read',
        'patient.update',
        'patient.timeline.read',
        'patient.archive',
      ]);
      expect(audit.every((a) => a.actor_id === userId(SUPER) && a.account_id === lakeside())).toBe(true);
    });

    test('office_staff may not archive (403, unchanged); clinician and account_admin may', async () => {
      const staff = await api().token(STAFF);
      const refused = await api().request('POST', `/v1/patients/${patientId}/archive`, { token: staff });
      expect(refused.status).toBe(403);
      expect((await patientRow(patientId))?.status).toBe('active');
      expect(
        await api()
          .db.selectFrom('audit_events')
          .select('id')
          .where('patient_id', '=', patientId)
          .where('action', '=', 'patient.archive')
          .execute(),
      ).toEqual([]);

      const archived = await api().request('POST', `/v1/patients/${patientId}/archive`, {
        token: await api().token(CLINICIAN),
      });
      expect(archived.status).toBe(200);
      expect(archived.body.status).toBe('archived');
      expect((await patientRow(patientId))?.status).toBe('archived');
      const audit = await auditFor(archived.headers.get('x-request-id'));
      expect(audit).toEqual([
        expect.objectContaining({ action: 'patient.archive', actor_id: userId(CLINICIAN), patient_id: patientId }),
      ]);

      const other = await api().request('POST', '/v1/patients', {
        token: staff,
        body: { firstName: 'Arch', lastName: 'Ived', dateOfBirth: '1960-06-06' },
      });
      const byAdmin = await api().request('POST', `/v1/patients/${other.body.id}/archive`, {
        token: await api().token(ADMIN),
      });
      expect(byAdmin.status).toBe(200);
      expect((await patientRow(other.body.id))?.status).toBe('archived');

      // Archived patients cannot be edited, and show up under status=archived.
      const edit = await api().request('PATCH', `/v1/patients/${patientId}`, {
        token: staff,
        body: { firstName: 'Revived' },
      });
      expect(edit.status).toBe(409);
      expect((await patientRow(patientId))?.first_name).toBe('Tina');
      const list = await api().request('GET', '/v1/patients?status=archived', { token: staff });
      expect(list.body.items.map((p: PatientDto) => p.id).sort()).toEqual([patientId, other.body.id].sort());
    });
  });
});
