import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { sql } from 'kysely';
import { DIALECTS } from '../support/dialects.ts';
import { useTestApi, type TestApi } from '../support/api.ts';

const tokenOf = (link: string) => link.split('/').pop() as string;

async function latestMailTo(api: TestApi, to: string) {
  const outbox = await api.request('GET', `/dev/outbox?to=${encodeURIComponent(to)}`);
  return outbox.body.items[0] as { subject: string; text: string; html: string; kind: string } | undefined;
}

describe.each(DIALECTS)('invites (%s)', (dialect) => {
  const api = useTestApi(dialect);
  let n = 0;
  const newPatient = () => {
    n += 1;
    return { firstName: `Ann${n}`, lastName: 'Lee', email: `ann.lee.${n}.${dialect}@example.com` };
  };

  test('creating an invite for a new patient stores only the token hash and e-mails the link', async () => {
    const token = await api().token('clinician@demo-clinic.test');
    const body = newPatient();
    const created = await api().request('POST', '/v1/invites', { token, body });
    expect(created.status).toBe(201);
    expect(created.body.link).toMatch(/^https:\/\/patients\.genascope\.test\/invite\/[A-Za-z0-9_-]{43}$/);
    expect(created.body.status).toBe('pending');
    const secret = tokenOf(created.body.link);
    const row = await api()
      .db.selectFrom('invites')
      .selectAll()
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(secret);
    const patient = await api()
      .db.selectFrom('patients')
      .selectAll()
      .where('id', '=', created.body.patientId)
      .executeTakeFirstOrThrow();
    expect(patient.account_id).toBe(api().seed.accounts['Demo Clinic']);
    const mail = await latestMailTo(api(), body.email);
    expect(mail?.subject).toContain('Demo Clinic');
    expect(mail?.text).toContain(created.body.link);
    const audit = await api()
      .db.selectFrom('audit_events')
      .selectAll()
      .where('resource_id', '=', created.body.id)
      .where('action', '=', 'invite.create')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.patient_id).toBe(created.body.patientId);
  });

  test('patient-supplied names are escaped in the HTML e-mail', async () => {
    const token = await api().token('staff@demo-clinic.test');
    const body = { ...newPatient(), firstName: '<script>alert(1)</script>' };
    const created = await api().request('POST', '/v1/invites', { token, body });
    expect(created.status).toBe(201);
    const mail = await latestMailTo(api(), body.email);
    expect(mail?.html).toContain('&lt;script&gt;');
    expect(mail?.html).not.toContain('<script>');
  });

  test('verify and accept; accepting again resumes the same session', async () => {
    const token = await api().token('clinician@demo-clinic.test');
    const body = newPatient();
    const created = await api().request('POST', '/v1/invites', { token, body });
    const secret = tokenOf(created.body.link);
    const verified = await api().request('GET', `/v1/public/invites/${secret}`);
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({
      clinicName: 'Demo Clinic',
      patientFirstName: body.firstName,
      expiresAt: created.body.expiresAt,
    });
    const first = await api().request('POST', `/v1/public/invites/${secret}/accept`);
    expect(first.status).toBe(200);
    expect(first.body.sessionToken.split('.')).toHaveLength(3);
    const second = await api().request('POST', `/v1/public/invites/${secret}/accept`);
    expect(second.body.sessionId).toBe(first.body.sessionId);
  });

  test('unknown, malformed, revoked, expired and superseded tokens all answer the same 404', async () => {
    const token = await api().token('clinician@demo-clinic.test');
    const revoked = await api().request('POST', '/v1/invites', { token, body: newPatient() });
    expect((await api().request('POST', `/v1/invites/${revoked.body.id}/revoke`, { token })).body.status).toBe(
      'revoked',
    );
    const expired = await api().request('POST', '/v1/invites', { token, body: newPatient() });
    await api()
      .db.updateTable('invites')
      .set({ expires_at: sql`now() - interval '1 minute'` })
      .where('id', '=', expired.body.id)
      .execute();
    const resent = await api().request('POST', '/v1/invites', { token, body: newPatient() });
    const renewed = await api().request('POST', `/v1/invites/${resent.body.id}/resend`, {
      token,
      body: { expiresInDays: 7 },
    });
    expect(renewed.status).toBe(200);
    expect(tokenOf(renewed.body.link)).not.toBe(tokenOf(resent.body.link));
    const bodies = [];
    for (const secret of [
      'x'.repeat(43),
      'not a token',
      tokenOf(revoked.body.link),
      tokenOf(expired.body.link),
      tokenOf(resent.body.link),
    ]) {
      const verify = await api().request('GET', `/v1/public/invites/${encodeURIComponent(secret)}`);
      const accept = await api().request('POST', `/v1/public/invites/${encodeURIComponent(secret)}/accept`);
      expect(verify.status).toBe(404);
      expect(accept.status).toBe(404);
      bodies.push(verify.body.detail, accept.body.detail);
    }
    expect(new Set(bodies).size).toBe(1);
    expect((await api().request('GET', `/v1/public/invites/${tokenOf(renewed.body.link)}`)).status).toBe(200);
  });

  test('listing by status: expired includes pending invites past expiresAt', async () => {
    const token = await api().token('admin@demo-clinic.test');
    const stale = await api().request('POST', '/v1/invites', { token, body: newPatient() });
    await api()
      .db.updateTable('invites')
      .set({ expires_at: sql`now() - interval '1 hour'` })
      .where('id', '=', stale.body.id)
      .execute();
    const expired = await api().request('GET', '/v1/invites?status=expired&limit=100', { token });
    expect(expired.body.items.map((i: { id: string }) => i.id)).toContain(stale.body.id);
    expect(expired.body.items.find((i: { id: string }) => i.id === stale.body.id).status).toBe('expired');
    const pending = await api().request('GET', '/v1/invites?status=pending&limit=100', { token });
    expect(pending.body.items.map((i: { id: string }) => i.id)).not.toContain(stale.body.id);
    const dashboard = await api().request('GET', '/v1/dashboard/pending-invites?limit=100', { token });
    expect(dashboard.body.items.map((i: { id: string }) => i.id)).not.toContain(stale.body.id);
  });

  test('bad input is a 422 naming the field and writes nothing', async () => {
    const token = await api().token('clinician@demo-clinic.test');
    const before = await api()
      .db.selectFrom('invites')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const missing = await api().request('POST', '/v1/invites', { token, body: { firstName: 'A' } });
    expect(missing.status).toBe(422);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toContain('body.patientId');
    const tooLong = await api().request('POST', '/v1/invites', { token, body: { ...newPatient(), expiresInDays: 31 } });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.errors.map((e: { field: string }) => e.field)).toContain('body.expiresInDays');
    const after = await api()
      .db.selectFrom('invites')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  test('a second pending invite for the same patient is refused; another clinic cannot see or use ids', async () => {
    const token = await api().token('clinician@demo-clinic.test');
    const created = await api().request('POST', '/v1/invites', { token, body: newPatient() });
    const again = await api().request('POST', '/v1/invites', { token, body: { patientId: created.body.patientId } });
    expect(again.status).toBe(409);
    const other = await api().token('clinician@lakeside-clinic.test');
    expect((await api().request('GET', `/v1/invites/${created.body.id}`, { token: other })).status).toBe(404);
    expect((await api().request('POST', `/v1/invites/${created.body.id}/resend`, { token: other })).status).toBe(404);
    expect((await api().request('POST', `/v1/invites/${created.body.id}/revoke`, { token: other })).status).toBe(404);
    expect(
      (await api().request('POST', '/v1/invites', { token: other, body: { patientId: created.body.patientId } }))
        .status,
    ).toBe(404);
    const list = await api().request('GET', '/v1/invites?limit=100', { token: other });
    expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(created.body.id);
  });

  test('bulk creation reports each row and keeps the valid ones', async () => {
    const token = await api().token('staff@demo-clinic.test');
    const good = newPatient();
    const response = await api().request('POST', '/v1/invites/bulk', {
      token,
      body: { invites: [good, { firstName: 'NoEmail' }, newPatient()] },
    });
    expect(response.status).toBe(200);
    expect(response.body.summary).toEqual({ total: 3, created: 2, failed: 1 });
    expect(response.body.rows[1].status).toBe('failed');
    expect(response.body.rows[1].errors[0].field).toMatch(/^invites\[1\]/);
    expect(response.body.rows[0].invite.link).toMatch(/\/invite\//);
  });

  test('bulk rows are checked as if sent one by one: a repeated patient is invited once, refused rows create nothing', async () => {
    const token = await api().token('clinician@demo-clinic.test');
    const twice = newPatient();
    const badProvider = newPatient();
    const lakeside = await api().token('clinician@lakeside-clinic.test');
    const foreign = await api().request('POST', '/v1/invites', {
      token: lakeside,
      body: { ...newPatient(), sendEmail: false },
    });
    const unknownProvider = '00000000-0000-4000-8000-000000000000';
    const response = await api().request('POST', '/v1/invites/bulk', {
      token,
      body: {
        invites: [
          { ...badProvider, providerId: unknownProvider },
          twice,
          { ...twice, firstName: 'Again' },
          { patientId: foreign.body.patientId },
          { ...badProvider, providerId: api().seed.users['clinician@demo-clinic.test'] },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(response.body.summary).toEqual({ total: 5, created: 2, failed: 3 });
    expect(response.body.rows.map((r: { status: string; httpStatus?: number }) => r.httpStatus ?? r.status)).toEqual([
      422,
      'created',
      409,
      404,
      'created',
    ]);
    expect(response.body.rows[0].errors[0].field).toBe('body.providerId');
    const created = [response.body.rows[1].invite, response.body.rows[4].invite];
    expect(created[0].firstName).toBe(twice.firstName);
    // The refused first row created no patient: the last row created the only one.
    const patients = await api()
      .db.selectFrom('patients')
      .select(['id', 'provider_id'])
      .where('email', '=', badProvider.email)
      .execute();
    expect(patients).toEqual([
      { id: created[1].patientId, provider_id: api().seed.users['clinician@demo-clinic.test'] },
    ]);
    for (const invite of created) {
      const audit = await api()
        .db.selectFrom('audit_events')
        .selectAll()
        .where('resource_id', '=', invite.id)
        .execute();
      expect(audit.map((a) => [a.action, a.patient_id, a.account_id])).toEqual([
        ['invite.create', invite.patientId, api().seed.accounts['Demo Clinic']],
      ]);
      expect((await latestMailTo(api(), invite.email))?.text).toContain(invite.link);
    }
    const pending = await api()
      .db.selectFrom('invites')
      .select('id')
      .where('patient_id', '=', created[0].patientId)
      .execute();
    expect(pending).toHaveLength(1);
  });

  test('new-patient details naming a registered patient invite that patient; an unknown provider is a 422 that creates nothing', async () => {
    const token = await api().token('staff@demo-clinic.test');
    const body = newPatient();
    const first = await api().request('POST', '/v1/invites', { token, body: { ...body, sendEmail: false } });
    expect((await api().request('POST', `/v1/invites/${first.body.id}/revoke`, { token })).status).toBe(200);
    const again = await api().request('POST', '/v1/invites', {
      token,
      body: { ...body, email: body.email.toUpperCase() },
    });
    expect(again.status).toBe(201);
    expect(again.body.patientId).toBe(first.body.patientId);

    const stranger = newPatient();
    const refused = await api().request('POST', '/v1/invites', {
      token,
      body: { ...stranger, providerId: api().seed.users['clinician@lakeside-clinic.test'] },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].field).toBe('body.providerId');
    expect(
      await api().db.selectFrom('patients').select('id').where('email', '=', stranger.email).execute(),
    ).toHaveLength(0);
  });

  test("super_admin invites name the clinic; audit rows carry the patient's clinic", async () => {
    const token = await api().token('superadmin@genascope.test');
    const missing = await api().request('POST', '/v1/invites', { token, body: newPatient() });
    expect(missing.status).toBe(422);
    expect(missing.body.errors[0].field).toBe('body.accountId');
    const lakeside = api().seed.accounts['Lakeside Clinic'];
    const created = await api().request('POST', '/v1/invites', {
      token,
      body: { ...newPatient(), accountId: lakeside },
    });
    expect(created.status).toBe(201);
    expect(created.body.accountId).toBe(lakeside);
    const resent = await api().request('POST', `/v1/invites/${created.body.id}/resend`, {
      token,
      body: { sendEmail: false },
    });
    expect(resent.status).toBe(200);
    const audit = await api()
      .db.selectFrom('audit_events')
      .selectAll()
      .where('resource_id', '=', created.body.id)
      .orderBy('occurred_at')
      .execute();
    expect(audit.map((a) => [a.action, a.account_id, a.patient_id])).toEqual([
      ['invite.create', lakeside, created.body.patientId],
      ['invite.resend', lakeside, created.body.patientId],
    ]);
  });

  test('resending: revoked and completed invites are a 409, no address to send to a 422; nothing changes', async () => {
    const token = await api().token('admin@demo-clinic.test');
    const revoked = await api().request('POST', '/v1/invites', { token, body: newPatient() });
    await api().request('POST', `/v1/invites/${revoked.body.id}/revoke`, { token });
    const refused = await api().request('POST', `/v1/invites/${revoked.body.id}/resend`, { token, body: {} });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toBe('A revoked invite cannot be resent');
    const row = await api()
      .db.selectFrom('invites')
      .select(['status', 'lifecycle_version'])
      .where('id', '=', revoked.body.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('revoked');

    const patient = await api().request('POST', '/v1/patients', { token, body: { firstName: 'No', lastName: 'Mail' } });
    expect(patient.status).toBe(201);
    const invite = await api().request('POST', '/v1/invites', {
      token,
      body: { patientId: patient.body.id, sendEmail: false },
    });
    expect(invite.status).toBe(201);
    const noAddress = await api().request('POST', `/v1/invites/${invite.body.id}/resend`, { token, body: {} });
    expect(noAddress.status).toBe(422);
    expect(noAddress.body.errors[0].field).toBe('body.sendEmail');
    const resends = await api()
      .db.selectFrom('audit_events')
      .select('id')
      .where('resource_id', '=', invite.body.id)
      .where('action', '=', 'invite.resend')
      .execute();
    expect(resends).toHaveLength(0);
  });

  test('accepting is audited against the session it resumes or starts', async () => {
    const token = await api().token('clinician@demo-clinic.test');
    const created = await api().request('POST', '/v1/invites', { token, body: newPatient() });
    const first = await api().request('POST', `/v1/public/invites/${tokenOf(created.body.link)}/accept`);
    const second = await api().request('POST', `/v1/public/invites/${tokenOf(created.body.link)}/accept`);
    expect(second.body.sessionId).toBe(first.body.sessionId);
    const audit = await api()
      .db.selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'invite.accept')
      .where('patient_id', '=', created.body.patientId)
      .execute();
    expect(audit.map((a) => [a.resource_type, a.resource_id, a.account_id, a.actor_type])).toEqual([
      ['chat_session', first.body.sessionId, api().seed.accounts['Demo Clinic'], 'system'],
      ['chat_session', first.body.sessionId, api().seed.accounts['Demo Clinic'], 'system'],
    ]);
  });

  test('a patient session token opens no staff route', async () => {
    const token = await api().token('clinician@demo-clinic.test');
    const created = await api().request('POST', '/v1/invites', { token, body: newPatient() });
    const accepted = await api().request('POST', `/v1/public/invites/${tokenOf(created.body.link)}/accept`);
    const asPatient = await api().request('GET', '/v1/invites', { token: accepted.body.sessionToken });
    expect(asPatient.status).toBe(401);
  });
});
