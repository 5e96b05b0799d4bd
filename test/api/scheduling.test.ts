import { describe, expect, test } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { useTestApi } from '../support/api.ts';
import { seedDemoData } from '../../functions/local/seed.ts';

const ADMIN = 'admin@demo-clinic.test';
const CLINICIAN = 'clinician@demo-clinic.test';
const STAFF = 'staff@demo-clinic.test';
const SUPER = 'superadmin@genascope.test';
const LAKE_CLINICIAN = 'clinician@lakeside-clinic.test';
const LAKE_STAFF = 'staff@lakeside-clinic.test';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const CODE = /^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{8}$/;
const MINUTE = 60_000;

const tokenOf = (link: string) => link.split('/').pop() as string;
const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** The Monday `weeks` weeks after this week's Monday. */
function mondayIn(weeks: number): string {
  const today = new Date().toISOString().slice(0, 10);
  return addDays(today, -((new Date().getUTCDay() + 6) % 7) + 7 * weeks);
}
/** The first `weekday` (0 = Sunday) on or after `date`. */
const onOrAfter = (date: string, weekday: number) =>
  addDays(date, (weekday - new Date(`${date}T00:00:00Z`).getUTCDay() + 7) % 7);
/** The next US daylight-saving changes (second Sunday of March, first Sunday of November) after now. */
function nextUsChanges(): { springForward: string; fallBack: string } {
  const year = new Date().getUTCFullYear() + 1;
  return { springForward: addDays(onOrAfter(`${year}-03-01`, 0), 7), fallBack: onOrAfter(`${year}-11-01`, 0) };
}

interface Slot {
  clinicianId: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
}

describe.each(DIALECTS)('scheduling (%s)', (dialect) => {
  const api = useTestApi(dialect);
  const userId = (email: string) => api().seed.users[email] as string;
  const clinicianId = () => userId(CLINICIAN);
  let n = 0;

  /** A new patient of a clinic (through an invite) and a session token for them. */
  async function newPatient(domain = 'demo-clinic.test') {
    n += 1;
    const email = `sched.${n}.${dialect}@example.com`;
    const invite = await api().request('POST', '/v1/invites', {
      token: await api().token(`staff@${domain}`),
      body: { firstName: `Pat${n}`, lastName: 'Sched', email },
    });
    expect(invite.status).toBe(201);
    const accepted = await api().request('POST', `/v1/public/invites/${tokenOf(invite.body.link)}/accept`);
    expect(accepted.status).toBe(200);
    return { id: invite.body.patientId as string, email, sessionToken: accepted.body.sessionToken as string };
  }

  async function slotsBetween(
    from: string,
    to: string,
    options: { token?: string; clinician?: string } = {},
  ): Promise<Slot[]> {
    const token = options.token ?? (await api().token(STAFF));
    const response = await api().request(
      'GET',
      `/v1/availability?clinicianId=${options.clinician ?? clinicianId()}&from=${from}&to=${to}&limit=100`,
      { token },
    );
    expect(response.status).toBe(200);
    return response.body.items;
  }

  async function book(body: Record<string, unknown>, token?: string) {
    return api().request('POST', '/v1/appointments', {
      token: token ?? (await api().token(STAFF)),
      body: { clinicianId: clinicianId(), appointmentType: 'virtual', ...body },
    });
  }

  const appointmentRow = (id: string) =>
    api().db.selectFrom('appointments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const mailsTo = async (to: string) =>
    (await api().request('GET', `/dev/outbox?to=${encodeURIComponent(to)}`)).body.items as {
      kind: string;
      subject: string;
      text: string;
      html: string;
      attachments: { filename: string; contentType: string; content: string }[];
    }[];
  const icsOf = (mail: { attachments: { content: string }[] } | undefined) =>
    Buffer.from(mail?.attachments[0]?.content ?? '', 'base64')
      .toString('utf8')
      .replace(/\r\n /g, '');
  const auditFor = (requestId: string | null) =>
    api()
      .db.selectFrom('audit_events')
      .selectAll()
      .where('request_id', '=', requestId as string)
      .execute();

  describe('availability', () => {
    test('the demo seed gives each clinician a weekday pattern, and seeding again changes nothing', async () => {
      for (const email of [CLINICIAN, LAKE_CLINICIAN]) {
        const response = await api().request('GET', `/v1/clinicians/${userId(email)}/availability`, {
          token: await api().token(email.replace('clinician', 'staff')),
        });
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({
          clinicianId: userId(email),
          timeZone: 'America/New_York',
          slotMinutes: 30,
          startDate: null,
          validUntil: null,
          rules: [{ daysOfWeek: [0, 1, 2, 3, 4], timeSlots: ['09:00-16:00'] }],
        });
      }
      const before = await api().db.selectFrom('recurring_availability').selectAll().orderBy('id').execute();
      await seedDemoData(api().db);
      expect(await api().db.selectFrom('recurring_availability').selectAll().orderBy('id').execute()).toEqual(before);
    });

    test('a clinician replaces their own pattern; office staff any clinician of the clinic; others are refused', async () => {
      const lake = userId(LAKE_CLINICIAN);
      const path = `/v1/clinicians/${lake}/availability`;
      const pattern = {
        timeZone: 'Asia/Kolkata',
        slotMinutes: 45,
        startDate: '2030-01-01',
        validUntil: '2030-06-30',
        rules: [{ daysOfWeek: [2, 0], timeSlots: ['13:00-15:00', '09:00'] }],
      };
      const saved = await api().request('PUT', path, { token: await api().token(LAKE_CLINICIAN), body: pattern });
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({
        clinicianId: lake,
        timeZone: 'Asia/Kolkata',
        slotMinutes: 45,
        startDate: '2030-01-01',
        validUntil: '2030-06-30',
        rules: [{ daysOfWeek: [0, 2], timeSlots: ['09:00', '13:00-15:00'] }],
      });
      expect(saved.body.updatedAt).toEqual(expect.any(String));
      const read = await api().request('GET', path, { token: await api().token(LAKE_STAFF) });
      expect(read.body).toEqual(saved.body);
      // Monday 2030-01-07 in Kolkata: 09:00 and 13:00, 13:45 (14:30 would end after 15:00).
      const slots = await slotsBetween('2030-01-07', '2030-01-07', {
        token: await api().token(LAKE_STAFF),
        clinician: lake,
      });
      expect(slots).toEqual(
        ['03:30', '07:30', '08:15'].map((t) => ({
          clinicianId: lake,
          startsAt: `2030-01-07T${t}:00.000Z`,
          endsAt: new Date(Date.parse(`2030-01-07T${t}:00Z`) + 45 * MINUTE).toISOString(),
          timeZone: 'Asia/Kolkata',
        })),
      );

      // Office staff may edit any clinician of their clinic, with the one-rule shorthand.
      const byStaff = await api().request('PUT', path, {
        token: await api().token(LAKE_STAFF),
        body: { timeZone: 'America/Chicago', daysOfWeek: [0, 1, 2, 3, 4], timeSlots: ['08:00-12:00'] },
      });
      expect(byStaff.status).toBe(200);
      expect(byStaff.body).toMatchObject({
        timeZone: 'America/Chicago',
        slotMinutes: 30,
        startDate: null,
        validUntil: null,
        rules: [{ daysOfWeek: [0, 1, 2, 3, 4], timeSlots: ['08:00-12:00'] }],
      });
      expect(
        await api().db.selectFrom('recurring_availability').select('id').where('clinician_id', '=', lake).execute(),
      ).toHaveLength(1);

      // Another clinic's clinician is 404 for every role; another clinician of the same clinic is 403 for a clinician.
      for (const email of [CLINICIAN, STAFF, ADMIN]) {
        expect((await api().request('PUT', path, { token: await api().token(email), body: pattern })).status).toBe(404);
        expect((await api().request('GET', path, { token: await api().token(email) })).status).toBe(404);
      }
      const colleague = await api().request('POST', '/v1/users', {
        token: await api().token(ADMIN),
        body: {
          email: `colleague.${dialect}@demo-clinic.test`,
          firstName: 'Cora',
          lastName: 'Colleague',
          role: 'clinician',
        },
      });
      expect(colleague.status).toBe(201);
      const asClinician = await api().request('PUT', `/v1/clinicians/${colleague.body.id}/availability`, {
        token: await api().token(CLINICIAN),
        body: pattern,
      });
      expect(asClinician.status).toBe(403);
      const asAdmin = await api().request('PUT', `/v1/clinicians/${colleague.body.id}/availability`, {
        token: await api().token(ADMIN),
        body: pattern,
      });
      expect(asAdmin.status).toBe(200);
      // A user who is not a clinician has no calendar.
      expect(
        (
          await api().request('GET', `/v1/clinicians/${userId(STAFF)}/availability`, {
            token: await api().token(ADMIN),
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await api().request('PUT', `/v1/clinicians/${UNKNOWN_ID}/availability`, {
            token: await api().token(SUPER),
            body: pattern,
          })
        ).status,
      ).toBe(404);
      const audit = await api()
        .db.selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'availability.update')
        .where('resource_id', '=', lake)
        .execute();
      expect(audit).toHaveLength(2);
    });

    test('invalid patterns are 422s naming the field, and change nothing', async () => {
      const path = `/v1/clinicians/${clinicianId()}/availability`;
      const token = await api().token(CLINICIAN);
      const before = await api().request('GET', path, { token });
      const cases: [Record<string, unknown>, string][] = [
        [{ timeZone: 'Mars/Olympus', rules: [] }, 'body.timeZone'],
        [{ timeZone: '+05:00', rules: [] }, 'body.timeZone'],
        [{ timeZone: 'UTC', rules: [{ daysOfWeek: [7], timeSlots: ['09:00'] }] }, 'body.rules[0].daysOfWeek[0]'],
        [{ timeZone: 'UTC', rules: [{ daysOfWeek: [1, 1], timeSlots: ['09:00'] }] }, 'body.rules[0].daysOfWeek'],
        [{ timeZone: 'UTC', rules: [{ daysOfWeek: [1], timeSlots: ['9am'] }] }, 'body.rules[0].timeSlots[0]'],
        [
          { timeZone: 'UTC', slotMinutes: 60, rules: [{ daysOfWeek: [1], timeSlots: ['09:00-10:00', '11:00-11:30'] }] },
          'body.rules[0].timeSlots[1]',
        ],
        [{ timeZone: 'UTC', slotMinutes: 3, rules: [] }, 'body.slotMinutes'],
        [{ timeZone: 'UTC', startDate: '2030-02-01', validUntil: '2030-01-01', rules: [] }, 'body.validUntil'],
        [{ timeZone: 'UTC', daysOfWeek: [1] }, 'body.daysOfWeek'],
        [{ timeZone: 'UTC' }, 'body.rules'],
      ];
      for (const [body, field] of cases) {
        const response = await api().request('PUT', path, { token, body });
        expect(response.status, JSON.stringify(body)).toBe(422);
        expect(fieldsOf(response.body), JSON.stringify(body)).toContain(field);
      }
      expect((await api().request('GET', path, { token })).body).toEqual(before.body);
    });

    test('free slots keep the local wall time across both daylight-saving changes, in UTC', async () => {
      const { springForward, fallBack } = nextUsChanges();
      const spring = await slotsBetween(addDays(springForward, -2), addDays(springForward, 1));
      const local = (s: Slot) =>
        new Intl.DateTimeFormat('en-GB', {
          timeZone: 'America/New_York',
          weekday: 'short',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        }).format(new Date(s.startsAt));
      expect(spring).toHaveLength(28);
      expect(
        spring.every(
          (s) => s.timeZone === 'America/New_York' && Date.parse(s.endsAt) - Date.parse(s.startsAt) === 30 * MINUTE,
        ),
      ).toBe(true);
      expect(spring[0]?.startsAt).toBe(`${addDays(springForward, -2)}T14:00:00.000Z`);
      expect(spring[14]?.startsAt).toBe(`${addDays(springForward, 1)}T13:00:00.000Z`);
      expect(spring.map(local).slice(12, 16)).toEqual(['Fri 15:00', 'Fri 15:30', 'Mon 09:00', 'Mon 09:30']);
      const fall = await slotsBetween(addDays(fallBack, -2), addDays(fallBack, 1));
      expect(fall).toHaveLength(28);
      expect(fall[0]?.startsAt).toBe(`${addDays(fallBack, -2)}T13:00:00.000Z`);
      expect(fall[14]?.startsAt).toBe(`${addDays(fallBack, 1)}T14:00:00.000Z`);
      // Through the skipped and the repeated hour: a pattern over 00:00–04:00 on Sundays.
      const owl = await api().request('POST', '/v1/users', {
        token: await api().token(ADMIN),
        body: { email: `owl.${dialect}@demo-clinic.test`, firstName: 'Night', lastName: 'Owl', role: 'clinician' },
      });
      const put = await api().request('PUT', `/v1/clinicians/${owl.body.id}/availability`, {
        token: await api().token(STAFF),
        body: { timeZone: 'America/New_York', daysOfWeek: [6], timeSlots: ['00:00-04:00'] },
      });
      expect(put.status).toBe(200);
      const night = async (day: string) =>
        (await slotsBetween(day, day, { clinician: owl.body.id })).map((s) => s.startsAt.slice(11, 16));
      expect(await night(springForward)).toEqual(['05:00', '05:30', '06:00', '06:30', '07:00', '07:30']);
      expect(await night(fallBack)).toEqual(['04:00', '04:30', '05:00', '05:30', '07:00', '07:30', '08:00', '08:30']);
      // Instants work too: the same Friday as a UTC range.
      const friday = addDays(fallBack, -2);
      const byInstant = await slotsBetween(`${friday}T13:00:00Z`, `${friday}T14:00:00Z`);
      expect(byInstant.map((s) => s.startsAt)).toEqual([`${friday}T13:00:00.000Z`, `${friday}T13:30:00.000Z`]);
    });

    test('booked slots are not offered; pages follow the cursor; ranges are validated', async () => {
      const monday = mondayIn(3);
      const patient = await newPatient();
      const before = await slotsBetween(monday, monday);
      expect(before).toHaveLength(14);
      const booked = await book({ patientId: patient.id, startsAt: before[2]?.startsAt });
      expect(booked.status).toBe(201);
      const after = await slotsBetween(monday, monday);
      expect(after.map((s) => s.startsAt)).toEqual(before.filter((_, i) => i !== 2).map((s) => s.startsAt));

      const token = await api().token(CLINICIAN);
      const first = await api().request(
        'GET',
        `/v1/availability?clinicianId=${clinicianId()}&from=${monday}&to=${monday}&limit=5`,
        { token },
      );
      expect(first.body.items).toHaveLength(5);
      const second = await api().request(
        'GET',
        `/v1/availability?clinicianId=${clinicianId()}&from=${monday}&to=${monday}&limit=10&cursor=${first.body.nextCursor}`,
        { token },
      );
      expect(second.body.nextCursor).toBeNull();
      expect([...first.body.items, ...second.body.items]).toEqual(after);

      const tooLong = await api().request(
        'GET',
        `/v1/availability?clinicianId=${clinicianId()}&from=${monday}&to=${addDays(monday, 62)}`,
        { token },
      );
      expect(tooLong.status).toBe(422);
      expect(fieldsOf(tooLong.body)).toEqual(['query.to']);
      expect(
        (
          await api().request(
            'GET',
            `/v1/availability?clinicianId=${clinicianId()}&from=${monday}&to=${addDays(monday, 61)}&limit=1`,
            { token },
          )
        ).status,
      ).toBe(200);
      expect(
        (
          await api().request(
            'GET',
            `/v1/availability?clinicianId=${clinicianId()}&from=${monday}&to=${addDays(monday, -1)}`,
            { token },
          )
        ).status,
      ).toBe(422);
      const malformed = await api().request('GET', `/v1/availability?clinicianId=${clinicianId()}&from=next-week`, {
        token,
      });
      expect(malformed.status).toBe(400);
      expect(fieldsOf(malformed.body)).toEqual(['query.from']);
      // Past slots are never offered.
      const past = await slotsBetween(mondayIn(-2), mondayIn(-1));
      expect(past).toEqual([]);
    });
  });

  describe('booking', () => {
    test('201 with a confirmation code, clinician-local date and time, an e-mail with an iCalendar invitation, and an audit row', async () => {
      const patient = await newPatient();
      const [slot] = await slotsBetween(addDays(mondayIn(4), 1), addDays(mondayIn(4), 1));
      const response = await book({
        patientId: patient.id,
        startsAt: slot?.startsAt,
        appointmentType: 'in-person',
        notes: 'Needs an interpreter',
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('location')).toBe(`/v1/appointments/${response.body.id}`);
      expect(response.body).toMatchObject({
        patientId: patient.id,
        clinicianId: clinicianId(),
        accountId: api().seed.accounts['Demo Clinic'],
        appointmentType: 'in-person',
        status: 'scheduled',
        dateTime: slot?.startsAt,
        startsAt: slot?.startsAt,
        endsAt: slot?.endsAt,
        durationMinutes: 30,
        date: addDays(mondayIn(4), 1),
        time: '09:00',
        timeZone: 'America/New_York',
        notes: 'Needs an interpreter',
        rescheduledFromId: null,
      });
      expect(response.body.confirmationCode).toMatch(CODE);
      const row = await appointmentRow(response.body.id);
      expect(row.confirmation_code).toBe(response.body.confirmationCode);
      expect(String(row.time).slice(0, 5)).toBe('09:00');

      const [mail] = await mailsTo(patient.email);
      expect(mail?.kind).toBe('appointment_confirmation');
      expect(mail?.text).toContain(response.body.confirmationCode);
      expect(mail?.text).toContain('9:00');
      // No health information and no staff notes in the e-mail.
      expect(`${mail?.subject} ${mail?.text} ${mail?.html} ${icsOf(mail)}`).not.toMatch(
        /interpreter|genetic|cancer|counsel/i,
      );
      expect(mail?.attachments[0]?.contentType).toContain('text/calendar');
      const ics = icsOf(mail);
      expect(ics).toContain('METHOD:REQUEST');
      expect(ics).toContain(`DTSTART:${slot?.startsAt.replace(/[-:]/g, '').replace('.000', '')}`);
      expect(ics).toContain(
        `ATTENDEE;CN="Pat${n}";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:${patient.email}`,
      );

      const audit = await auditFor(response.headers.get('x-request-id'));
      expect(audit).toEqual([
        expect.objectContaining({
          action: 'appointment.create',
          resource_type: 'appointment',
          resource_id: response.body.id,
          patient_id: patient.id,
          actor_type: 'user',
          actor_id: userId(STAFF),
        }),
      ]);
    });

    test('a taken slot is a 409 with the next free slots of that clinician', async () => {
      const [first, second] = [await newPatient(), await newPatient()];
      const day = addDays(mondayIn(4), 2);
      const slots = await slotsBetween(day, day);
      expect((await book({ patientId: first.id, startsAt: slots[0]?.startsAt })).status).toBe(201);
      const taken = await book({ patientId: second.id, startsAt: slots[0]?.startsAt });
      expect(taken.status).toBe(409);
      expect(taken.headers.get('content-type')).toContain('application/problem+json');
      expect(taken.body.detail).toMatch(/no longer available/);
      expect(taken.body.nextFreeSlots).toEqual(slots.slice(1, 6));
      // The loser has no appointment.
      const rows = await api().db.selectFrom('appointments').select('id').where('patient_id', '=', second.id).execute();
      expect(rows).toEqual([]);
    });

    test('outside availability, in the past, an archived patient, another clinic: refused and nothing written', async () => {
      const patient = await newPatient();
      const monday = mondayIn(5);
      const [slot] = await slotsBetween(monday, monday);
      const count = async () => (await api().db.selectFrom('appointments').select('id').execute()).length;
      const before = await count();
      const offGrid = await book({
        patientId: patient.id,
        startsAt: new Date(Date.parse(slot?.startsAt ?? '') + 15 * MINUTE).toISOString(),
      });
      expect(offGrid.status).toBe(422);
      expect(fieldsOf(offGrid.body)).toEqual(['body.startsAt']);
      const saturday = await book({ patientId: patient.id, startsAt: `${addDays(monday, 5)}T15:00:00Z` });
      expect(saturday.status).toBe(422);
      const evening = await book({ patientId: patient.id, startsAt: `${monday}T23:00:00Z` });
      expect(evening.status).toBe(422);
      const past = await book({ patientId: patient.id, startsAt: `${mondayIn(-1)}T14:00:00Z` });
      expect(past.status).toBe(422);
      expect(past.body.errors).toEqual([{ field: 'body.startsAt', message: 'must be in the future' }]);
      const badType = await book({ patientId: patient.id, startsAt: slot?.startsAt, appointmentType: 'phone' });
      expect(badType.status).toBe(422);
      expect(fieldsOf(badType.body)).toEqual(['body.appointmentType']);
      const noPatient = await book({ startsAt: slot?.startsAt });
      expect(noPatient.status).toBe(422);
      expect(fieldsOf(noPatient.body)).toEqual(['body.patientId']);

      const lakePatient = await newPatient('lakeside-clinic.test');
      for (const probe of [
        { patientId: patient.id, clinicianId: userId(LAKE_CLINICIAN), startsAt: slot?.startsAt },
        { patientId: lakePatient.id, startsAt: slot?.startsAt },
        { patientId: UNKNOWN_ID, startsAt: slot?.startsAt },
        { patientId: patient.id, clinicianId: userId(STAFF), startsAt: slot?.startsAt },
      ]) {
        const response = await book(probe);
        expect(response.status, JSON.stringify(probe)).toBe(404);
      }
      // super_admin books across clinics, but never a clinician of another clinic than the patient's.
      expect(
        (await book({ patientId: lakePatient.id, startsAt: slot?.startsAt }, await api().token(SUPER))).status,
      ).toBe(404);

      const archived = await newPatient();
      expect(
        (await api().request('POST', `/v1/patients/${archived.id}/archive`, { token: await api().token(CLINICIAN) }))
          .status,
      ).toBe(200);
      const refused = await book({ patientId: archived.id, startsAt: slot?.startsAt });
      expect(refused.status).toBe(409);
      expect(refused.body.detail).toMatch(/archived/);
      expect(await count()).toBe(before);
    });
  });

  describe('appointments', () => {
    test('list with filters and pages, get, and the patient timeline; reads are audited', async () => {
      const patient = await newPatient();
      const week = mondayIn(6);
      const days = [week, addDays(week, 1), addDays(week, 2)];
      const ids: string[] = [];
      for (const day of days) {
        const [slot] = await slotsBetween(day, day);
        const created = await book({ patientId: patient.id, startsAt: slot?.startsAt });
        expect(created.status).toBe(201);
        ids.push(created.body.id);
      }
      const token = await api().token(CLINICIAN);
      const all = await api().request('GET', `/v1/appointments?patientId=${patient.id}`, { token });
      expect(all.body.items.map((a: { id: string }) => a.id)).toEqual(ids);
      const page1 = await api().request('GET', `/v1/appointments?patientId=${patient.id}&limit=2`, { token });
      const page2 = await api().request(
        'GET',
        `/v1/appointments?patientId=${patient.id}&limit=2&cursor=${page1.body.nextCursor}`,
        { token },
      );
      expect([...page1.body.items, ...page2.body.items].map((a: { id: string }) => a.id)).toEqual(ids);
      expect(page2.body.nextCursor).toBeNull();
      for (const cursor of ['garbage!', Buffer.from(JSON.stringify([1, 'x'])).toString('base64url')]) {
        const bad = await api().request('GET', `/v1/appointments?cursor=${cursor}`, { token });
        expect(bad.status).toBe(400);
        expect(fieldsOf(bad.body)).toEqual(['query.cursor']);
        expect((await api().request('GET', `/v1/availability?cursor=${cursor}`, { token })).status).toBe(400);
      }
      const byDate = await api().request(
        'GET',
        `/v1/appointments?patientId=${patient.id}&from=${days[1]}&to=${days[1]}`,
        { token },
      );
      expect(byDate.body.items.map((a: { id: string }) => a.id)).toEqual([ids[1]]);
      const byInstant = await api().request(
        'GET',
        `/v1/appointments?clinicianId=${clinicianId()}&patientId=${patient.id}&from=${days[1]}T00:00:00Z`,
        { token },
      );
      expect(byInstant.body.items.map((a: { id: string }) => a.id)).toEqual(ids.slice(1));
      const cancelledOnly = await api().request('GET', `/v1/appointments?patientId=${patient.id}&status=cancelled`, {
        token,
      });
      expect(cancelledOnly.body.items).toEqual([]);
      const audit = await auditFor(all.headers.get('x-request-id'));
      expect(audit.map((a) => [a.action, a.resource_id]).sort()).toEqual(
        ids.map((id) => ['appointment.list', id]).sort(),
      );

      const got = await api().request('GET', `/v1/appointments/${ids[0]}`, { token });
      expect(got.status).toBe(200);
      expect(got.body).toEqual(all.body.items[0]);
      expect(await auditFor(got.headers.get('x-request-id'))).toEqual([
        expect.objectContaining({ action: 'appointment.read', patient_id: patient.id }),
      ]);

      const timeline = await api().request('GET', `/v1/patients/${patient.id}/timeline?limit=100`, { token });
      expect(
        timeline.body.items
          .filter((e: { type: string }) => e.type === 'appointment')
          .map((e: { id: string }) => e.id)
          .sort(),
      ).toEqual([...ids].sort());

      // Another clinic sees none of it.
      const lake = await api().token(LAKE_STAFF);
      expect((await api().request('GET', `/v1/appointments/${ids[0]}`, { token: lake })).status).toBe(404);
      expect(
        (await api().request('GET', `/v1/appointments?patientId=${patient.id}`, { token: lake })).body.items,
      ).toEqual([]);
      expect((await api().request('GET', `/v1/appointments/${UNKNOWN_ID}`, { token })).status).toBe(404);
      expect((await api().request('GET', '/v1/appointments/not-a-uuid', { token })).status).toBe(400);
    });

    test('reschedule moves to a free slot in one step; a taken slot changes nothing', async () => {
      const [a, b] = [await newPatient(), await newPatient()];
      const day = addDays(mondayIn(7), 3);
      const slots = await slotsBetween(day, day);
      const first = await book({ patientId: a.id, startsAt: slots[0]?.startsAt });
      const other = await book({ patientId: b.id, startsAt: slots[1]?.startsAt });
      const token = await api().token(STAFF);
      const before = await appointmentRow(first.body.id);

      const blocked = await api().request('POST', `/v1/appointments/${first.body.id}/reschedule`, {
        token,
        body: { startsAt: slots[1]?.startsAt },
      });
      expect(blocked.status).toBe(409);
      expect(blocked.body.nextFreeSlots[0]).toEqual(slots[2]);
      expect(await appointmentRow(first.body.id)).toEqual(before);
      expect(
        await api()
          .db.selectFrom('appointments')
          .select('id')
          .where('rescheduled_from_id', '=', first.body.id)
          .execute(),
      ).toEqual([]);

      const moved = await api().request('POST', `/v1/appointments/${first.body.id}/reschedule`, {
        token,
        body: { startsAt: slots[5]?.startsAt },
      });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({
        status: 'scheduled',
        startsAt: slots[5]?.startsAt,
        time: '11:30',
        rescheduledFromId: first.body.id,
        patientId: a.id,
        appointmentType: 'virtual',
      });
      expect(moved.body.id).not.toBe(first.body.id);
      expect(moved.body.confirmationCode).toMatch(CODE);
      const old = await api().request('GET', `/v1/appointments/${first.body.id}`, { token });
      expect(old.body).toMatchObject({ status: 'rescheduled', rescheduledToId: moved.body.id });
      // The old slot is free again, the new one is taken.
      const free = (await slotsBetween(day, day)).map((s) => s.startsAt);
      expect(free).toContain(slots[0]?.startsAt);
      expect(free).not.toContain(slots[5]?.startsAt);
      expect(free).not.toContain(slots[1]?.startsAt);
      // The e-mail updates the same calendar event.
      const [mail, original] = await mailsTo(a.email);
      expect(mail?.kind).toBe('appointment_rescheduled');
      const uid = /UID:(.+)/.exec(icsOf(original))?.[1];
      expect(icsOf(mail)).toContain(`UID:${uid}`);
      expect(icsOf(mail)).toContain('SEQUENCE:1');

      const again = await api().request('POST', `/v1/appointments/${first.body.id}/reschedule`, {
        token,
        body: { startsAt: slots[6]?.startsAt },
      });
      expect(again.status).toBe(409);
      const same = await api().request('POST', `/v1/appointments/${other.body.id}/reschedule`, {
        token,
        body: { startsAt: slots[1]?.startsAt },
      });
      expect(same.status).toBe(422);
      const offGrid = await api().request('POST', `/v1/appointments/${other.body.id}/reschedule`, {
        token,
        body: { startsAt: `${day}T03:00:00Z` },
      });
      expect(offGrid.status).toBe(422);
      expect((await appointmentRow(other.body.id)).status).toBe('scheduled');
    });

    test('cancel frees the slot and sends a calendar cancellation; outcomes are recorded once the appointment has started', async () => {
      const patient = await newPatient();
      const day = addDays(mondayIn(8), 4);
      const [slot] = await slotsBetween(day, day);
      const created = await book({ patientId: patient.id, startsAt: slot?.startsAt });
      const token = await api().token(STAFF);
      const early = await api().request('PATCH', `/v1/appointments/${created.body.id}`, {
        token,
        body: { status: 'completed' },
      });
      expect(early.status).toBe(409);

      const cancelled = await api().request('POST', `/v1/appointments/${created.body.id}/cancel`, {
        token,
        body: { reason: 'Patient request' },
      });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', cancellationReason: 'Patient request' });
      expect(cancelled.body.cancelledAt).toEqual(expect.any(String));
      expect((await slotsBetween(day, day))[0]).toEqual(slot);
      const [mail] = await mailsTo(patient.email);
      expect(mail?.kind).toBe('appointment_cancelled');
      expect(mail?.text).not.toContain('Patient request');
      expect(icsOf(mail)).toContain('METHOD:CANCEL');
      expect(icsOf(mail)).toContain('SEQUENCE:1');
      const twice = await api().request('POST', `/v1/appointments/${created.body.id}/cancel`, { token });
      expect(twice.status).toBe(200);
      expect(twice.body).toEqual(cancelled.body);
      expect((await mailsTo(patient.email)).map((m) => m.kind)).toEqual([
        'appointment_cancelled',
        'appointment_confirmation',
        'invite',
      ]);
      expect(
        (
          await api().request('POST', `/v1/appointments/${created.body.id}/reschedule`, {
            token,
            body: { startsAt: slot?.startsAt },
          })
        ).status,
      ).toBe(409);

      // An appointment that has started: outcome and notes.
      const rebooked = await book({ patientId: patient.id, startsAt: slot?.startsAt });
      expect(rebooked.status).toBe(201);
      await api()
        .db.updateTable('appointments')
        .set({ date_time: new Date(Date.now() - 60 * MINUTE), date: mondayIn(-1) })
        .where('id', '=', rebooked.body.id)
        .execute();
      const done = await api().request('PATCH', `/v1/appointments/${rebooked.body.id}`, {
        token: await api().token(CLINICIAN),
        body: { status: 'no_show', notes: 'Called twice' },
      });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ status: 'no_show', notes: 'Called twice' });
      expect((await auditFor(done.headers.get('x-request-id'))).map((a) => a.action)).toEqual(['appointment.no_show']);
      expect((await api().request('POST', `/v1/appointments/${rebooked.body.id}/cancel`, { token })).status).toBe(409);
      const invalid = await api().request('PATCH', `/v1/appointments/${rebooked.body.id}`, {
        token,
        body: { status: 'cancelled' },
      });
      expect(invalid.status).toBe(422);
      expect((await api().request('PATCH', `/v1/appointments/${rebooked.body.id}`, { token, body: {} })).status).toBe(
        422,
      );
    });
  });

  describe('patient session tokens', () => {
    test("a patient books, lists, reschedules and cancels only their own appointments; someone else's answer 404", async () => {
      const [me, someone] = [await newPatient(), await newPatient()];
      const day = addDays(mondayIn(9), 1);
      const slots = await slotsBetween(day, day, { token: me.sessionToken });
      expect(slots).toHaveLength(14);
      const theirs = await book({ patientId: someone.id, startsAt: slots[0]?.startsAt });
      expect(theirs.status).toBe(201);
      const theirRow = await appointmentRow(theirs.body.id);

      const mine = await book({ startsAt: slots[1]?.startsAt }, me.sessionToken);
      expect(mine.status).toBe(201);
      expect(mine.body.patientId).toBe(me.id);
      expect((await book({ patientId: someone.id, startsAt: slots[2]?.startsAt }, me.sessionToken)).status).toBe(404);

      const list = await api().request('GET', '/v1/appointments?limit=100', { token: me.sessionToken });
      expect(list.status).toBe(200);
      expect(list.body.items.map((a: { id: string }) => a.id)).toEqual([mine.body.id]);
      expect(
        (await api().request('GET', `/v1/appointments?patientId=${someone.id}`, { token: me.sessionToken })).body.items,
      ).toEqual([]);

      const probes = [
        await api().request('GET', `/v1/appointments/${theirs.body.id}`, { token: me.sessionToken }),
        await api().request('POST', `/v1/appointments/${theirs.body.id}/reschedule`, {
          token: me.sessionToken,
          body: { startsAt: slots[3]?.startsAt },
        }),
        await api().request('POST', `/v1/appointments/${theirs.body.id}/cancel`, { token: me.sessionToken, body: {} }),
      ];
      for (const probe of probes) {
        expect(probe.status).toBe(404);
        expect(probe.body.detail).toBe('Appointment not found');
      }
      expect(await appointmentRow(theirs.body.id)).toEqual(theirRow);
      // Staff-only routes do not accept a session token.
      expect(
        (
          await api().request('PATCH', `/v1/appointments/${mine.body.id}`, {
            token: me.sessionToken,
            body: { notes: 'x' },
          })
        ).status,
      ).toBe(401);
      expect(
        (
          await api().request('PUT', `/v1/clinicians/${clinicianId()}/availability`, {
            token: me.sessionToken,
            body: { timeZone: 'UTC', rules: [] },
          })
        ).status,
      ).toBe(401);

      const read = await api().request('GET', `/v1/appointments/${mine.body.id}`, { token: me.sessionToken });
      expect(read.status).toBe(200);
      expect(await auditFor(read.headers.get('x-request-id'))).toEqual([
        expect.objectContaining({ action: 'appointment.read', actor_type: 'patient', patient_id: me.id }),
      ]);
      const moved = await api().request('POST', `/v1/appointments/${mine.body.id}/reschedule`, {
        token: me.sessionToken,
        body: { startsAt: slots[4]?.startsAt },
      });
      expect(moved.status).toBe(200);
      const cancelled = await api().request('POST', `/v1/appointments/${moved.body.id}/cancel`, {
        token: me.sessionToken,
        body: {},
      });
      expect(cancelled.body.status).toBe('cancelled');
    });

    test("another clinic's clinician and patient ids answer 404 to a patient session", async () => {
      const lakePatient = await newPatient('lakeside-clinic.test');
      const demoClinician = clinicianId();
      expect(
        (
          await api().request('GET', `/v1/clinicians/${demoClinician}/availability`, {
            token: lakePatient.sessionToken,
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await api().request('GET', `/v1/availability?clinicianId=${demoClinician}`, {
            token: lakePatient.sessionToken,
          })
        ).status,
      ).toBe(404);
      const own = await api().request('GET', `/v1/availability?from=${mondayIn(10)}&to=${mondayIn(10)}`, {
        token: lakePatient.sessionToken,
      });
      expect(own.status).toBe(200);
      expect(new Set(own.body.items.map((s: Slot) => s.clinicianId))).toEqual(new Set([userId(LAKE_CLINICIAN)]));
      const [slot] = await slotsBetween(mondayIn(10), mondayIn(10));
      const response = await book({ startsAt: slot?.startsAt, clinicianId: demoClinician }, lakePatient.sessionToken);
      expect(response.status).toBe(404);
      expect(response.body.detail).toBe('Clinician not found');
    });
  });

  describe('reschedule in one statement', () => {
    test("a new slot that overlaps the appointment's own time is free: the old appointment gives it up in the same statement", async () => {
      const lake = userId(LAKE_CLINICIAN);
      const token = await api().token(LAKE_STAFF);
      const path = `/v1/clinicians/${lake}/availability`;
      const hourly = (timeSlots: string[]) => ({
        timeZone: 'UTC',
        slotMinutes: 60,
        rules: [{ daysOfWeek: [0, 1, 2, 3, 4, 5, 6], timeSlots }],
      });
      expect((await api().request('PUT', path, { token, body: hourly(['09:00-12:00']) })).status).toBe(200);
      const patient = await newPatient('lakeside-clinic.test');
      const day = mondayIn(12);
      const booked = await api().request('POST', '/v1/appointments', {
        token,
        body: {
          patientId: patient.id,
          clinicianId: lake,
          startsAt: `${day}T10:00:00.000Z`,
          appointmentType: 'virtual',
        },
      });
      expect(booked.status).toBe(201);
      // The clinician's hours shift by half an hour: 10:30–11:30 overlaps the booked 10:00–11:00.
      expect((await api().request('PUT', path, { token, body: hourly(['09:30-12:30']) })).status).toBe(200);
      const moved = await api().request('POST', `/v1/appointments/${booked.body.id}/reschedule`, {
        token,
        body: { startsAt: `${day}T10:30:00.000Z` },
      });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({
        status: 'scheduled',
        startsAt: `${day}T10:30:00.000Z`,
        endsAt: `${day}T11:30:00.000Z`,
        rescheduledFromId: booked.body.id,
      });
      expect((await appointmentRow(booked.body.id)).status).toBe('rescheduled');
      const audit = await auditFor(moved.headers.get('x-request-id'));
      expect(audit.map((a) => [a.action, a.resource_id]).sort()).toEqual([
        ['appointment.create', moved.body.id],
        ['appointment.reschedule', booked.body.id],
      ]);
      for (const row of audit)
        expect(row).toMatchObject({
          actor_type: 'user',
          patient_id: patient.id,
          account_id: api().seed.accounts['Lakeside Clinic'],
        });
    });
  });
});
