import { describe, expect, test } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { useTestApi, type ApiResponse } from '../support/api.ts';

const SUPER = 'superadmin@genascope.test';
const ADMIN = 'admin@demo-clinic.test';
const CLINICIAN = 'clinician@demo-clinic.test';
const STAFF = 'staff@demo-clinic.test';
const HEADER = 'first_name,last_name,email,phone,date_of_birth,provider_email';

interface ReportRow {
  row: number;
  status: 'created' | 'duplicate' | 'invalid';
  patientId?: string;
  errors?: { field: string; message: string }[];
}
interface Report {
  summary: { total: number; created: number; duplicate: number; invalid: number };
  rows: ReportRow[];
  /** Present when the answer is a problem instead. */
  errors?: { field: string; message: string }[];
  detail?: string;
}

const csv = (...rows: string[]) => [HEADER, ...rows].join('\n') + '\n';

describe.each(DIALECTS)('patient import (%s)', (dialect) => {
  const api = useTestApi(dialect);
  const demo = () => api().seed.accounts['Demo Clinic'] as string;
  const lakeside = () => api().seed.accounts['Lakeside Clinic'] as string;
  const userId = (email: string) => api().seed.users[email] as string;

  const importCsv = async (email: string, body: string, query = ''): Promise<ApiResponse<Report>> =>
    api().request('POST', `/v1/patients/import${query}`, {
      token: await api().token(email),
      rawBody: body,
      headers: { 'content-type': 'text/csv' },
    });
  const importJson = async (email: string, body: unknown, query = ''): Promise<ApiResponse<Report>> =>
    api().request('POST', `/v1/patients/import${query}`, { token: await api().token(email), body });

  const countPatients = async (accountId?: string) => {
    let query = api()
      .db.selectFrom('patients')
      .select((eb) => eb.fn.countAll<number>().as('n'));
    if (accountId) query = query.where('account_id', '=', accountId);
    return Number((await query.executeTakeFirstOrThrow()).n);
  };
  const countAudit = async () =>
    Number(
      (
        await api()
          .db.selectFrom('audit_events')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const patientByEmail = (email: string) =>
    api().db.selectFrom('patients').selectAll().where('email', '=', email).executeTakeFirst();

  test('a CSV creates one patient per row, maps provider_email to the clinician, and audits each', async () => {
    const body = csv(
      'Olivia,Ortiz,olivia.ortiz@example.com,+1 555 0100,1981-02-03,clinician@demo-clinic.test',
      'Peter,"Park, Jr",PETER.PARK@example.com,,1990-12-31,',
      'Quinn,Quade,,555-0102,1975-07-07,',
    );
    const before = await countPatients(demo());
    const response = await importCsv(STAFF, body);
    expect(response.status).toBe(200);
    expect(response.body.summary).toEqual({ total: 3, created: 3, duplicate: 0, invalid: 0 });
    expect(response.body.rows.map((r) => [r.row, r.status])).toEqual([
      [1, 'created'],
      [2, 'created'],
      [3, 'created'],
    ]);
    expect(await countPatients(demo())).toBe(before + 3);

    const olivia = await patientByEmail('olivia.ortiz@example.com');
    expect(olivia).toMatchObject({
      id: response.body.rows[0]?.patientId,
      account_id: demo(),
      first_name: 'Olivia',
      phone: '+1 555 0100',
      provider_id: userId(CLINICIAN),
      status: 'active',
    });
    const peter = await patientByEmail('peter.park@example.com');
    expect(peter).toMatchObject({
      id: response.body.rows[1]?.patientId,
      last_name: 'Park, Jr',
      phone: null,
      provider_id: null,
    });
    const quinn = await api()
      .db.selectFrom('patients')
      .selectAll()
      .where('id', '=', response.body.rows[2]?.patientId as string)
      .executeTakeFirstOrThrow();
    expect(quinn).toMatchObject({ email: null, last_name: 'Quade', account_id: demo() });

    const fetched = await api().request('GET', `/v1/patients/${olivia?.id}`, { token: await api().token(STAFF) });
    expect(fetched.body.dateOfBirth).toBe('1981-02-03');

    const audit = await api()
      .db.selectFrom('audit_events')
      .selectAll()
      .where('request_id', '=', response.headers.get('x-request-id') as string)
      .execute();
    expect(audit.map((a) => a.patient_id).sort()).toEqual(response.body.rows.map((r) => r.patientId).sort());
    for (const event of audit)
      expect(event).toMatchObject({ action: 'patient.import', actor_id: userId(STAFF), account_id: demo() });
  });

  test('invalid rows are reported with their reasons while the valid rows are kept', async () => {
    const body = csv(
      'Rita,Reyes,rita.reyes@example.com,,1970-01-01,',
      'Sven,,sven@example.com,,1970-01-02,',
      'Tara,Tran,not-an-email,,1970-01-03,',
      'Uma,Usher,uma@example.com,,2999-01-01,',
      'Vic,Vance,vic@example.com,,1970-02-30,',
      'Wes,Wong,,,,',
      'Xena,Xu,xena@example.com,,1970-01-06,clinician@lakeside-clinic.test',
      'Yara,Young,yara@example.com,,1970-01-07,staff@demo-clinic.test',
      'Zed,Zane,zed@example.com',
      'Abe,Ames,abe@example.com,call me,1970-01-09,',
      'Bea,Bose,bea@example.com,,1970-01-10,',
    );
    const before = await countPatients();
    const response = await importCsv(CLINICIAN, body);
    expect(response.status).toBe(200);
    expect(response.body.summary).toEqual({ total: 11, created: 2, duplicate: 0, invalid: 9 });
    const byRow = new Map(response.body.rows.map((r) => [r.row, r]));
    expect(byRow.get(1)).toMatchObject({ status: 'created', patientId: expect.any(String) });
    expect(byRow.get(11)).toMatchObject({ status: 'created', patientId: expect.any(String) });
    const reasons = (row: number) => byRow.get(row)?.errors?.map((e) => e.field);
    expect(byRow.get(2)?.status).toBe('invalid');
    expect(reasons(2)).toEqual(['last_name']);
    expect(reasons(3)).toEqual(['email']);
    expect(reasons(4)).toEqual(['date_of_birth']);
    expect(reasons(5)).toEqual(['date_of_birth']);
    expect(reasons(6)).toEqual(['email']);
    expect(byRow.get(6)?.errors?.[0]?.message).toContain('date_of_birth');
    expect(reasons(7)).toEqual(['provider_email']);
    expect(reasons(8)).toEqual(['provider_email']);
    expect(reasons(9)).toEqual(['row']);
    expect(reasons(10)).toEqual(['phone']);
    for (const row of [2, 3, 4, 5, 6, 7, 8, 9, 10]) {
      expect(byRow.get(row)?.status).toBe('invalid');
      expect(byRow.get(row)?.patientId).toBeUndefined();
      expect(byRow.get(row)?.errors?.every((e) => e.message.length > 0)).toBe(true);
    }
    expect(await countPatients()).toBe(before + 2);
    expect(await patientByEmail('rita.reyes@example.com')).toBeDefined();
    expect(await patientByEmail('bea@example.com')).toBeDefined();
    for (const email of [
      'sven@example.com',
      'uma@example.com',
      'vic@example.com',
      'xena@example.com',
      'yara@example.com',
      'zed@example.com',
      'abe@example.com',
    ]) {
      expect(await patientByEmail(email)).toBeUndefined();
    }
  });

  test('re-sending the same file is idempotent: every valid row is a duplicate of its patient, nothing is written', async () => {
    const body = csv(
      'Cleo,Cruz,cleo.cruz@example.com,,1960-03-03,',
      'Dara,Dunn,,,1961-04-04,clinician@demo-clinic.test',
      'Eli,,eli@example.com,,1962-05-05,',
    );
    const first = await importCsv(ADMIN, body);
    expect(first.body.summary).toEqual({ total: 3, created: 2, duplicate: 0, invalid: 1 });
    const [patients, audit] = [await countPatients(), await countAudit()];

    const second = await importCsv(ADMIN, body);
    expect(second.status).toBe(200);
    expect(second.body.summary).toEqual({ total: 3, created: 0, duplicate: 2, invalid: 1 });
    expect(second.body.rows[0]).toEqual({ row: 1, status: 'duplicate', patientId: first.body.rows[0]?.patientId });
    expect(second.body.rows[1]).toEqual({ row: 2, status: 'duplicate', patientId: first.body.rows[1]?.patientId });
    expect(second.body.rows[2]).toMatchObject({ row: 3, status: 'invalid' });
    expect(await countPatients()).toBe(patients);
    expect(await countAudit()).toBe(audit);

    // Matching ignores the case of the e-mail and last name, and the row's position in the file.
    const reordered = await importCsv(
      ADMIN,
      csv('Dara,DUNN,,,1961-04-04,', 'Cleo,cruz,Cleo.Cruz@Example.com,,1960-03-03,'),
    );
    expect(reordered.body.rows.map((r) => [r.status, r.patientId])).toEqual([
      ['duplicate', first.body.rows[1]?.patientId],
      ['duplicate', first.body.rows[0]?.patientId],
    ]);
    expect(await countPatients()).toBe(patients);
  });

  test('rows repeated within one file and patients registered before are duplicates', async () => {
    const body = csv(
      'Fay,Fox,fay.fox@example.com,,1955-05-05,',
      'Fay,Fox,FAY.FOX@example.com,555-0199,1955-05-05,',
      'Maria,Garcia,maria.garcia@patients.demo-clinic.test,,1978-04-12,',
    );
    const seededMaria = await patientByEmail('maria.garcia@patients.demo-clinic.test');
    const before = await countPatients();
    const response = await importCsv(STAFF, body);
    expect(response.body.summary).toEqual({ total: 3, created: 1, duplicate: 2, invalid: 0 });
    const [fay, fayAgain, maria] = response.body.rows;
    expect(fay?.status).toBe('created');
    expect(fayAgain).toEqual({ row: 2, status: 'duplicate', patientId: fay?.patientId });
    expect(maria).toEqual({ row: 3, status: 'duplicate', patientId: seededMaria?.id });
    expect(await countPatients()).toBe(before + 1);
    expect((await patientByEmail('fay.fox@example.com'))?.phone).toBeNull();
  });

  test('the same people are new patients in another clinic', async () => {
    const body = csv(
      'Maria,Garcia,maria.garcia@patients.demo-clinic.test,,1978-04-12,',
      'Gus,Gray,gus.gray@example.com,,1950-01-01,clinician@lakeside-clinic.test',
    );
    const before = await countPatients(lakeside());
    const response = await importCsv('staff@lakeside-clinic.test', body);
    expect(response.body.summary).toEqual({ total: 2, created: 2, duplicate: 0, invalid: 0 });
    expect(await countPatients(lakeside())).toBe(before + 2);
    const gus = await api()
      .db.selectFrom('patients')
      .selectAll()
      .where('id', '=', response.body.rows[1]?.patientId as string)
      .executeTakeFirstOrThrow();
    expect(gus).toMatchObject({ account_id: lakeside(), provider_id: userId('clinician@lakeside-clinic.test') });
  });

  test('a spreadsheet export with a BOM and CRLF line endings imports', async () => {
    const body = `\uFEFF${HEADER}\r\nHana,Hill,hana.hill@example.com,,1988-08-08,\r\n\r\nIra,Ives,ira.ives@example.com,,1989-09-09,\r\n`;
    const response = await importCsv(CLINICIAN, body);
    expect(response.status).toBe(200);
    expect(response.body.summary).toEqual({ total: 2, created: 2, duplicate: 0, invalid: 0 });
    expect(await patientByEmail('hana.hill@example.com')).toMatchObject({ first_name: 'Hana' });
  });

  test('a malformed CSV answers 400 and writes nothing', async () => {
    const [patients, audit] = [await countPatients(), await countAudit()];
    const response = await importCsv(
      STAFF,
      csv('Jo,"Jones,jo@example.com,,1970-01-01,', 'Kim,Kerr,kim@example.com,,1970-01-01,'),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body.errors).toEqual([{ field: 'body', message: 'Malformed CSV' }]);
    expect(await countPatients()).toBe(patients);
    expect(await countAudit()).toBe(audit);
    expect(await patientByEmail('kim@example.com')).toBeUndefined();
  });

  test('a wrong header answers 422 naming the columns and writes nothing', async () => {
    const before = await countPatients();
    const unknownColumn = await importCsv(STAFF, `${HEADER},ssn\nLi,Lu,li@example.com,,1970-01-01,,123-45-6789\n`);
    expect(unknownColumn.status).toBe(422);
    expect(unknownColumn.body.errors).toEqual([{ field: 'header.ssn', message: 'Unknown column' }]);
    const renamed = await importCsv(STAFF, 'firstname,lastname,email\nLi,Lu,li@example.com\n');
    expect(renamed.status).toBe(422);
    expect(renamed.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'header.firstname', message: 'Unknown column' },
        { field: 'header.lastname', message: 'Unknown column' },
        { field: 'header.first_name', message: 'Required column missing' },
        { field: 'header.last_name', message: 'Required column missing' },
      ]),
    );
    expect(renamed.body.errors).toHaveLength(4);
    const headerless = await importCsv(STAFF, 'Li,Lu,li@example.com,,1970-01-01,\n');
    expect(headerless.status).toBe(422);
    const empty = await importCsv(STAFF, '');
    expect(empty.status).toBe(422);
    expect(empty.body.errors?.map((e: { field: string }) => e.field)).toEqual(['body']);
    expect(await countPatients()).toBe(before);
    expect(await patientByEmail('li@example.com')).toBeUndefined();
  });

  test('other content types answer 415', async () => {
    const before = await countPatients();
    const response = await api().request('POST', '/v1/patients/import', {
      token: await api().token(STAFF),
      rawBody: csv('Mo,Moss,mo@example.com,,1970-01-01,'),
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(415);
    expect(response.body.detail).toContain('text/csv');
    expect(await countPatients()).toBe(before);
  });

  test('a JSON array imports the same way, with per-row reasons and idempotence', async () => {
    const rows = [
      {
        first_name: 'Nia',
        last_name: 'Nash',
        email: 'nia.nash@example.com',
        date_of_birth: '1971-01-01',
        provider_email: CLINICIAN,
      },
      { first_name: 'Omar', last_name: 'Oak', date_of_birth: '1972-02-02', phone: null },
      { first_name: 'Pia', last_name: 'Pike', email: 'pia@example.com', nickname: 'P' },
      { first_name: 'Ray' },
      42,
    ];
    const before = await countPatients();
    const response = await importJson(CLINICIAN, rows);
    expect(response.status).toBe(200);
    expect(response.body.summary).toEqual({ total: 5, created: 2, duplicate: 0, invalid: 3 });
    expect(response.body.rows.map((r) => r.status)).toEqual(['created', 'created', 'invalid', 'invalid', 'invalid']);
    expect(response.body.rows[2]?.errors?.map((e) => e.field)).toEqual(['nickname']);
    expect(response.body.rows[3]?.errors?.map((e) => e.field)).toEqual(['last_name']);
    expect(response.body.rows[4]?.errors?.map((e) => e.field)).toEqual(['row']);
    expect(await countPatients()).toBe(before + 2);
    expect(await patientByEmail('nia.nash@example.com')).toMatchObject({ provider_id: userId(CLINICIAN) });

    const again = await importJson(CLINICIAN, rows);
    expect(again.body.summary).toEqual({ total: 5, created: 0, duplicate: 2, invalid: 3 });
    expect(again.body.rows.slice(0, 2).map((r) => r.patientId)).toEqual(
      response.body.rows.slice(0, 2).map((r) => r.patientId),
    );
    expect(await countPatients()).toBe(before + 2);
  });

  test('an import of several insert chunks creates and audits every row once, and re-importing it finds each patient', async () => {
    const rows = Array.from({ length: 1201 }, (_, i) => ({
      first_name: 'Bulk',
      last_name: `Chunked${i}`,
      date_of_birth: '1966-06-06',
    }));
    const before = await countPatients(demo());
    const first = await importJson(STAFF, rows);
    expect(first.status).toBe(200);
    expect(first.body.summary).toEqual({ total: 1201, created: 1201, duplicate: 0, invalid: 0 });
    expect(await countPatients(demo())).toBe(before + 1201);
    const audit = await api()
      .db.selectFrom('audit_events')
      .select(['resource_id', 'patient_id'])
      .where('request_id', '=', first.headers.get('x-request-id') as string)
      .execute();
    expect(audit.map((a) => a.patient_id).sort()).toEqual(first.body.rows.map((r) => r.patientId).sort());
    expect(audit.every((a) => a.resource_id === a.patient_id)).toBe(true);

    const again = await importJson(STAFF, rows);
    expect(again.body.summary).toEqual({ total: 1201, created: 0, duplicate: 1201, invalid: 0 });
    expect(again.body.rows.map((r) => r.patientId)).toEqual(first.body.rows.map((r) => r.patientId));
  });

  test('a JSON body that is not an array, or too long, answers 422 and writes nothing', async () => {
    const before = await countPatients();
    const object = await importJson(STAFF, { first_name: 'Not', last_name: 'Array' });
    expect(object.status).toBe(422);
    expect(object.body.errors?.map((e: { field: string }) => e.field)).toEqual(['body']);
    const tooMany = await importJson(
      STAFF,
      Array.from({ length: 5001 }, (_, i) => ({
        first_name: 'Many',
        last_name: `Rows${i}`,
        date_of_birth: '1970-01-01',
      })),
    );
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.errors?.map((e: { field: string }) => e.field)).toEqual(['body']);
    expect(await countPatients()).toBe(before);
  });

  test('every staff role may import; super_admin names the clinic in query.accountId', async () => {
    for (const [i, email] of [ADMIN, CLINICIAN, STAFF].entries()) {
      const response = await importJson(email, [
        { first_name: 'Role', last_name: `Importer${i}`, date_of_birth: '1966-06-06' },
      ]);
      expect(response.status, email).toBe(200);
      expect(response.body.summary.created).toBe(1);
    }
    const missing = await importJson(SUPER, [
      { first_name: 'Super', last_name: 'Import', date_of_birth: '1966-06-06' },
    ]);
    expect(missing.status).toBe(422);
    expect(missing.body.errors?.map((e: { field: string }) => e.field)).toEqual(['query.accountId']);
    const badId = await importJson(
      SUPER,
      [{ first_name: 'Super', last_name: 'Import', date_of_birth: '1966-06-06' }],
      '?accountId=lakeside',
    );
    expect(badId.status).toBe(400);
    expect(badId.body.errors?.map((e: { field: string }) => e.field)).toEqual(['query.accountId']);
    const named = await importJson(
      SUPER,
      [{ first_name: 'Super', last_name: 'Import', date_of_birth: '1966-06-06' }],
      `?accountId=${lakeside()}`,
    );
    expect(named.status).toBe(200);
    const row = await api()
      .db.selectFrom('patients')
      .selectAll()
      .where('id', '=', named.body.rows[0]?.patientId as string)
      .executeTakeFirstOrThrow();
    expect(row.account_id).toBe(lakeside());
  });

  test("a clinic user's accountId query cannot import into another clinic", async () => {
    const before = await countPatients(lakeside());
    const response = await importJson(
      ADMIN,
      [{ first_name: 'Cross', last_name: 'Clinic', date_of_birth: '1944-04-04' }],
      `?accountId=${lakeside()}`,
    );
    if (response.status === 200) {
      const row = await api()
        .db.selectFrom('patients')
        .selectAll()
        .where('id', '=', response.body.rows[0]?.patientId as string)
        .executeTakeFirstOrThrow();
      expect(row.account_id).toBe(demo());
    } else {
      expect(response.status).toBeGreaterThanOrEqual(400);
    }
    expect(await countPatients(lakeside())).toBe(before);
  });

  test('without a token the import answers 401 and writes nothing', async () => {
    const before = await countPatients();
    const response = await api().request('POST', '/v1/patients/import', {
      rawBody: csv('No,Token,no.token@example.com,,1970-01-01,'),
      headers: { 'content-type': 'text/csv' },
    });
    expect(response.status).toBe(401);
    expect(await countPatients()).toBe(before);
  });
});
