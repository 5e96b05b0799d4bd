import { describe, expect, test } from 'vitest';
import { sql } from 'kysely';
import { DIALECTS } from '../support/dialects.ts';
import { useTestApi } from '../support/api.ts';

const STAFF = 'staff@demo-clinic.test';
const CLINICIAN = 'clinician@demo-clinic.test';

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** The Monday `weeks` weeks after this week's Monday. */
function mondayIn(weeks: number): string {
  const today = new Date().toISOString().slice(0, 10);
  return addDays(today, -((new Date().getUTCDay() + 6) % 7) + 7 * weeks);
}

/** Statuses of responses, counted: { 201: 1, 409: 49 }. */
const tally = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

describe.each(DIALECTS)('scheduling under contention (%s)', (dialect) => {
  const api = useTestApi(dialect);
  const clinicianId = () => api().seed.users[CLINICIAN] as string;

  /** Patients of the demo clinic, inserted directly (their creation is not what is under test). */
  async function patients(count: number, tag: string): Promise<string[]> {
    const rows = await api()
      .db.insertInto('patients')
      .values(
        Array.from({ length: count }, (_, i) => ({
          account_id: api().seed.accounts['Demo Clinic'] as string,
          first_name: `C${i}`,
          last_name: `Race${tag}`,
          email: `race.${tag}.${i}.${dialect}@example.com`,
        })),
      )
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  async function slotsOn(day: string): Promise<string[]> {
    const response = await api().request(
      'GET',
      `/v1/availability?clinicianId=${clinicianId()}&from=${day}&to=${day}&limit=100`,
      { token: await api().token(STAFF) },
    );
    expect(response.status).toBe(200);
    return response.body.items.map((s: { startsAt: string }) => s.startsAt);
  }

  const scheduledAt = async (startsAt: string) =>
    api()
      .db.selectFrom('appointments')
      .selectAll()
      .where('clinician_id', '=', clinicianId())
      .where('status', '=', 'scheduled')
      .where('date_time', '=', new Date(startsAt))
      .execute();

  test('50 concurrent bookings of one slot over HTTP: exactly one 201, 49 409s with next free slots, no 500', async () => {
    const day = mondayIn(2);
    const [slot, next] = await slotsOn(day);
    const ids = await patients(50, 'book');
    const token = await api().token(STAFF);
    const responses = await Promise.all(
      ids.map((patientId) =>
        fetch(`${api().url}/v1/appointments`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ patientId, clinicianId: clinicianId(), startsAt: slot, appointmentType: 'virtual' }),
        }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { patientId?: string; nextFreeSlots?: { startsAt: string }[] },
        })),
      ),
    );
    expect(tally(responses.map((r) => r.status))).toEqual({ 201: 1, 409: 49 });
    for (const loser of responses.filter((r) => r.status === 409))
      expect(loser.body.nextFreeSlots?.[0]?.startsAt).toBe(next);
    const winner = responses.find((r) => r.status === 201);
    const rows = await scheduledAt(slot as string);
    expect(rows.map((r) => r.patient_id)).toEqual([winner?.body.patientId]);
    const created = await api().db.selectFrom('appointments').select('id').where('patient_id', 'in', ids).execute();
    expect(created).toHaveLength(1);
    // One confirmation e-mail, to the winner only.
    const mails = await api()
      .db.selectFrom('email_outbox')
      .select('to_address')
      .where('kind', '=', 'appointment_confirmation')
      .where('to_address', 'like', `race.book.%.${dialect}@example.com`)
      .execute();
    expect(mails).toHaveLength(1);
  });

  test('reschedules and new bookings racing for one slot: one wins, every loser keeps its old slot', async () => {
    const day = addDays(mondayIn(2), 1);
    const slots = await slotsOn(day);
    const target = slots[13] as string;
    const ids = await patients(20, 'move');
    const token = await api().token(STAFF);
    // Ten appointments in slots 0–9, then ten reschedules to slot 13 racing ten new bookings of it.
    const booked: { id: string; startsAt: string }[] = [];
    for (let i = 0; i < 10; i += 1) {
      const response = await api().request('POST', '/v1/appointments', {
        token,
        body: { patientId: ids[i], clinicianId: clinicianId(), startsAt: slots[i], appointmentType: 'virtual' },
      });
      expect(response.status).toBe(201);
      booked.push({ id: response.body.id, startsAt: response.body.startsAt });
    }
    const call = (path: string, body: unknown) =>
      fetch(`${api().url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => ({ path, status: r.status, body: await r.json() }));
    const responses = await Promise.all([
      ...booked.map((a) => call(`/v1/appointments/${a.id}/reschedule`, { startsAt: target })),
      ...ids
        .slice(10)
        .map((patientId) =>
          call('/v1/appointments', {
            patientId,
            clinicianId: clinicianId(),
            startsAt: target,
            appointmentType: 'in-person',
          }),
        ),
    ]);
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200 || s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    expect((await scheduledAt(target)).length).toBe(1);

    const rows = await api()
      .db.selectFrom('appointments')
      .selectAll()
      .where(
        'id',
        'in',
        booked.map((a) => a.id),
      )
      .execute();
    const winner = responses.find((r) => r.status === 200);
    for (const a of booked) {
      const row = rows.find((r) => r.id === a.id);
      if (winner && winner.path.includes(a.id)) {
        expect(row?.status).toBe('rescheduled');
      } else {
        // The loser's transaction rolled back: still scheduled in its own slot.
        expect(row?.status).toBe('scheduled');
        expect(new Date(row?.date_time as Date).toISOString()).toBe(a.startsAt);
      }
    }
    const scheduledCount = await api()
      .db.selectFrom('appointments')
      .select(sql<number>`count(*)`.as('n'))
      .where('patient_id', 'in', ids)
      .where('status', '=', 'scheduled')
      .executeTakeFirstOrThrow();
    expect(Number(scheduledCount.n)).toBe(winner ? 10 : 11);
  });

  test('concurrent reschedules of one appointment to different slots: one succeeds, the appointment is moved once', async () => {
    const day = addDays(mondayIn(2), 2);
    const slots = await slotsOn(day);
    const [patientId] = await patients(1, 'twice');
    const token = await api().token(CLINICIAN);
    const created = await api().request('POST', '/v1/appointments', {
      token,
      body: { patientId, clinicianId: clinicianId(), startsAt: slots[0], appointmentType: 'virtual' },
    });
    const responses = await Promise.all(
      slots
        .slice(1, 9)
        .map((startsAt) =>
          api().request('POST', `/v1/appointments/${created.body.id}/reschedule`, { token, body: { startsAt } }),
        ),
    );
    expect(tally(responses.map((r) => r.status))).toEqual({ 200: 1, 409: 7 });
    const rows = await api()
      .db.selectFrom('appointments')
      .select(['status', 'rescheduled_from_id'])
      .where('patient_id', '=', patientId as string)
      .execute();
    expect(rows.map((r) => r.status).sort()).toEqual(['rescheduled', 'scheduled']);
  });
});
