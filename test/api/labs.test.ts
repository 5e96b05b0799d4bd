import { describe, expect, test } from 'vitest';
import { sql } from 'kysely';
import { DIALECTS } from '../support/dialects.ts';
import { useTestApi, type TestApi } from '../support/api.ts';
import { capturedLogs } from '../setup-env.ts';

const CLINICIAN = 'clinician@demo-clinic.test';
const STAFF = 'staff@demo-clinic.test';
const ADMIN = 'admin@demo-clinic.test';
const OTHER_CLINICIAN = 'clinician@lakeside-clinic.test';
const SUPER = 'superadmin@genascope.test';

const insurance = {
  payer: 'Acme Health',
  memberId: 'XJH123456789',
  groupNumber: 'GRP-1001',
  policyHolder: { relationship: 'self' },
};

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function demoPatient(api: TestApi, clinic = 'Demo Clinic', lastName = 'Garcia') {
  const row = await api.db
    .selectFrom('patients')
    .select(['id', 'account_id', 'first_name', 'last_name'])
    .where('account_id', '=', api.seed.accounts[clinic] as string)
    .where('last_name', '=', lastName)
    .executeTakeFirstOrThrow();
  return row;
}

const execution = (api: TestApi, orderId: string) =>
  api.app.workflows.executions.find((e) => e.name === `lab-order-${orderId}`);

describe.each(DIALECTS)('labs (%s)', (dialect) => {
  const api = useTestApi(dialect);

  async function order(body: Record<string, unknown>, email = CLINICIAN) {
    return api().request('POST', '/v1/lab-orders', { token: await api().token(email), body });
  }

  async function processingOrder(lastName = 'Garcia', testType = 'breast-ovarian-panel') {
    const patient = await demoPatient(api(), 'Demo Clinic', lastName);
    const created = await order({ patientId: patient.id, labId: 'sandbox', testType, insuranceInformation: insurance });
    expect(created.status).toBe(201);
    const token = await api().token(CLINICIAN);
    await waitFor(
      'submission',
      async () =>
        (await api().request('GET', `/v1/lab-orders/${created.body.id}`, { token })).body.status === 'processing',
    );
    await waitFor(
      'the task token',
      async () => api().app.workflows.waitingTokens(`lab-order-${created.body.id}`).length > 0,
    );
    return { patient, order: created.body as { id: string } };
  }

  test('GET /v1/lab-tests: the seeded catalogue for every staff role; super_admin manages tests', async () => {
    for (const email of [CLINICIAN, STAFF, ADMIN, SUPER]) {
      const list = await api().request('GET', '/v1/lab-tests?limit=100', { token: await api().token(email) });
      expect(list.status).toBe(200);
      const breast = list.body.items.find(
        (t: { labId: string; testType: string }) => t.labId === 'sandbox' && t.testType === 'breast-ovarian-panel',
      );
      expect(breast.genes).toEqual([
        'BRCA1',
        'BRCA2',
        'PALB2',
        'CDH1',
        'PTEN',
        'TP53',
        'ATM',
        'CHEK2',
        'BARD1',
        'BRIP1',
        'RAD51C',
        'RAD51D',
      ]);
      const lynch = list.body.items.find(
        (t: { labId: string; testType: string }) => t.labId === 'cedar-genomics' && t.testType === 'lynch-panel',
      );
      expect(lynch.genes).toEqual(['MLH1', 'MSH2', 'MSH6', 'PMS2', 'EPCAM']);
      expect(list.body.items.map((t: { testType: string }) => t.testType)).toEqual(
        expect.arrayContaining(['comprehensive-panel', 'single-site']),
      );
    }
    const token = await api().token(CLINICIAN);
    const page1 = await api().request('GET', '/v1/lab-tests?limit=3', { token });
    const page2 = await api().request('GET', `/v1/lab-tests?limit=3&cursor=${page1.body.nextCursor}`, { token });
    expect(page1.body.items).toHaveLength(3);
    expect(page2.body.items[0].id).not.toBe(page1.body.items[2].id);
    const sandboxOnly = await api().request('GET', '/v1/lab-tests?labId=cedar-genomics', { token });
    expect(new Set(sandboxOnly.body.items.map((t: { labId: string }) => t.labId))).toEqual(new Set(['cedar-genomics']));

    const body = { labId: 'sandbox', testType: `hboc-${dialect}`, name: 'HBOC core', genes: ['BRCA1', 'BRCA2'] };
    expect((await api().request('POST', '/v1/lab-tests', { token, body })).status).toBe(403);
    const superToken = await api().token(SUPER);
    const created = await api().request('POST', '/v1/lab-tests', { token: superToken, body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      labId: 'sandbox',
      labName: 'Sandbox Genetics Laboratory',
      genes: ['BRCA1', 'BRCA2'],
      isActive: true,
    });
    expect((await api().request('POST', '/v1/lab-tests', { token: superToken, body })).status).toBe(409);
    expect(
      (await api().request('POST', '/v1/lab-tests', { token: superToken, body: { ...body, labId: 'no-such-lab' } }))
        .status,
    ).toBe(422);
    expect(
      (
        await api().request('POST', '/v1/lab-tests', {
          token: superToken,
          body: { ...body, testType: 'x2', genes: ['BRCA1', 'BRCA1'] },
        })
      ).status,
    ).toBe(422);
    const withdrawn = await api().request('PATCH', `/v1/lab-tests/${created.body.id}`, {
      token: superToken,
      body: { isActive: false },
    });
    expect(withdrawn.body.isActive).toBe(false);
    const visible = await api().request('GET', '/v1/lab-tests?limit=100', { token });
    expect(visible.body.items.map((t: { id: string }) => t.id)).not.toContain(created.body.id);
    const all = await api().request('GET', '/v1/lab-tests?limit=100&includeInactive=true', { token: superToken });
    expect(all.body.items.map((t: { id: string }) => t.id)).toContain(created.body.id);
    // A withdrawn test cannot be ordered.
    const patient = await demoPatient(api());
    const refused = await order({ patientId: patient.id, labId: 'sandbox', testType: body.testType });
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.testType']);
  });

  test('journey: order → sandbox complete → signed webhook → result for the clinician only → review → amended version', async () => {
    const patient = await demoPatient(api(), 'Demo Clinic', 'Cohen');
    const eligibility = await api()
      .db.insertInto('eligibility_results')
      .values({
        patient_id: patient.id,
        account_id: patient.account_id,
        is_eligible: true,
        nccn_eligible: true,
        factors: sql`'{}'::jsonb`,
        outcome: 'meets',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const created = await order({
      patientId: patient.id,
      labId: 'sandbox',
      testType: 'breast-ovarian-panel',
      eligibilityResultId: eligibility.id,
      insuranceInformation: insurance,
      notes: 'Mother BRCA2 carrier',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/lab-orders/${created.body.id}`);
    expect(created.body).toMatchObject({
      status: 'ordered',
      patientId: patient.id,
      eligibilityResultId: eligibility.id,
      labId: 'sandbox',
      resultStatus: null,
      overdue: false,
    });
    const orderId = created.body.id as string;
    const clinician = await api().token(CLINICIAN);
    const staff = await api().token(STAFF);
    const admin = await api().token(ADMIN);

    await waitFor(
      'submission',
      async () => (await api().request('GET', `/v1/lab-orders/${orderId}`, { token: clinician })).body.externalOrderId,
    );
    await waitFor('the task token', async () => api().app.workflows.waitingTokens(`lab-order-${orderId}`).length > 0);

    const variants = [
      {
        gene: 'BRCA2',
        hgvsC: 'c.5946del',
        hgvsP: 'p.Ser1982fs',
        zygosity: 'heterozygous',
        classification: 'pathogenic',
      },
    ];
    const completed = await api().request('POST', `/dev/labs/sandbox/orders/${orderId}/complete`, {
      body: { interpretation: 'positive', variants, includePdf: true },
    });
    expect(completed.status).toBe(200);
    expect(completed.body.webhookStatus).toBe(200);
    expect(completed.body.webhookResponse).toMatchObject({ status: 'processed', version: 1 });
    const output = (await execution(api(), orderId)?.result) as { notification: { notified: boolean } };
    expect(output.notification).toEqual({ notified: true });

    // The clinician sees the result…
    const seen = await api().request('GET', `/v1/lab-orders/${orderId}`, { token: clinician });
    expect(seen.body.status).toBe('completed');
    expect(seen.body.notes).toBe('Mother BRCA2 carrier');
    expect(seen.body.resultStatus).toBe('available');
    expect(seen.body.results).toHaveLength(1);
    const [v1] = seen.body.results;
    expect(v1).toMatchObject({
      version: 1,
      status: 'available',
      reportStatus: 'final',
      clinicalSignificance: 'positive',
      supersedesId: null,
    });
    expect(v1.resultData).toMatchObject({
      interpretation: 'positive',
      reportStatus: 'final',
      hasReportPdf: true,
      variants: [{ gene: 'BRCA2', hgvsC: 'c.5946del', hgvsP: 'p.Ser1982fs' }],
    });
    expect(v1.resultData.reportPdfBase64).toBeUndefined();
    const stored = await api()
      .db.selectFrom('lab_results')
      .selectAll()
      .where('id', '=', v1.id)
      .executeTakeFirstOrThrow();
    expect(stored.received_at).not.toBeNull();
    expect(JSON.parse(stored.raw_result as string).data.reportPdfBase64).toMatch(/^JVBERi/); // "%PDF"

    // …office staff and the account admin see the order and the result's status, not the result.
    for (const token of [staff, admin]) {
      const limited = await api().request('GET', `/v1/lab-orders/${orderId}`, { token });
      expect(limited.status).toBe(200);
      expect(limited.body.resultStatus).toBe('available');
      expect(limited.body.notes).toBeUndefined();
      expect(limited.body.insuranceInformation).toEqual(insurance);
      expect(limited.body.results[0]).toEqual({
        id: v1.id,
        orderId,
        version: 1,
        status: 'available',
        reportStatus: 'final',
        receivedAt: v1.receivedAt,
        reviewedAt: null,
        supersedesId: null,
      });
      expect(limited.text).not.toContain('BRCA2');
      expect(limited.text).not.toContain('positive');
    }
    // …and another clinic sees nothing at all.
    const other = await api().token(OTHER_CLINICIAN);
    expect((await api().request('GET', `/v1/lab-orders/${orderId}`, { token: other })).status).toBe(404);
    expect(
      (
        await api().request('POST', `/v1/lab-results/${v1.id}/review`, {
          token: other,
          body: { clinicalSignificance: 'x' },
        })
      ).status,
    ).toBe(404);
    expect(
      (await api().request('GET', '/v1/lab-orders?limit=100', { token: other })).body.items.map(
        (o: { id: string }) => o.id,
      ),
    ).not.toContain(orderId);

    // The clinician was told, without health information.
    const mail = await api()
      .db.selectFrom('email_outbox')
      .selectAll()
      .where('related_id', '=', orderId)
      .executeTakeFirstOrThrow();
    expect(mail.kind).toBe('lab_result_available');
    expect(mail.to_address).toBe(CLINICIAN);
    expect(`${mail.subject}${mail.text_body}${mail.html_body}`).not.toMatch(/BRCA|Cohen|positive|pathogenic|breast/i);

    // Review: clinicians only, once.
    expect(
      (
        await api().request('POST', `/v1/lab-results/${v1.id}/review`, {
          token: staff,
          body: { clinicalSignificance: 'x' },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await api().request('POST', `/v1/lab-results/${v1.id}/review`, {
          token: clinician,
          body: { clinicalSignificance: '' },
        })
      ).status,
    ).toBe(422);
    const reviewed = await api().request('POST', `/v1/lab-results/${v1.id}/review`, {
      token: clinician,
      body: { clinicalSignificance: 'Pathogenic BRCA2 variant: high risk', notes: 'Refer to genetic counselling' },
    });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body).toMatchObject({
      status: 'reviewed',
      clinicalSignificance: 'Pathogenic BRCA2 variant: high risk',
      notes: 'Refer to genetic counselling',
      reviewerId: api().seed.users[CLINICIAN],
    });
    expect(reviewed.body.reviewedAt).not.toBeNull();
    expect(
      (
        await api().request('POST', `/v1/lab-results/${v1.id}/review`, {
          token: clinician,
          body: { clinicalSignificance: 'again' },
        })
      ).status,
    ).toBe(409);

    // An amended report adds version 2; version 1 stays readable as reviewed.
    const amended = await api().request('POST', `/dev/labs/sandbox/orders/${orderId}/complete`, {
      body: {
        reportStatus: 'amended',
        interpretation: 'positive',
        variants: [{ ...variants[0], hgvsP: 'p.Ser1982Argfs*22' }],
      },
    });
    expect(amended.body.webhookResponse).toMatchObject({ status: 'processed', version: 2 });
    const both = await api().request('GET', `/v1/lab-orders/${orderId}`, { token: clinician });
    expect(
      both.body.results.map((r: { version: number; status: string; reportStatus: string }) => [
        r.version,
        r.status,
        r.reportStatus,
      ]),
    ).toEqual([
      [2, 'available', 'amended'],
      [1, 'reviewed', 'final'],
    ]);
    expect(both.body.results[0].supersedesId).toBe(v1.id);
    expect(both.body.resultStatus).toBe('available');
    // No execution waits any more: the clinician is told about the new version directly.
    const mails = await api().db.selectFrom('email_outbox').select('kind').where('related_id', '=', orderId).execute();
    expect(mails.map((m) => m.kind)).toEqual(['lab_result_available', 'lab_result_available']);

    // Lists, dashboard and timeline.
    const byPatient = await api().request('GET', `/v1/lab-orders?patientId=${patient.id}&status=completed`, {
      token: staff,
    });
    expect(byPatient.body.items.map((o: { id: string }) => o.id)).toEqual([orderId]);
    expect(
      (await api().request('GET', `/v1/lab-orders?patientId=${patient.id}&status=cancelled`, { token: staff })).body
        .items,
    ).toEqual([]);
    const dashboard = await api().request('GET', '/v1/dashboard/lab-orders?limit=100', { token: staff });
    expect(dashboard.body.items.find((o: { id: string }) => o.id === orderId)).toEqual({
      id: orderId,
      patientId: patient.id,
      firstName: patient.first_name,
      lastName: patient.last_name,
      labId: 'sandbox',
      testType: 'breast-ovarian-panel',
      status: 'completed',
      orderedAt: created.body.orderedAt,
      overdue: false,
      resultStatus: 'available',
    });
    const timeline = await api().request('GET', `/v1/patients/${patient.id}/timeline`, { token: staff });
    expect(
      timeline.body.items.find((e: { type: string; id: string }) => e.type === 'lab_order' && e.id === orderId)?.status,
    ).toBe('completed');

    // Audit: who read and changed what, for which patient.
    const audit = await api()
      .db.selectFrom('audit_events')
      .select(['action', 'actor_type', 'patient_id'])
      .where('patient_id', '=', patient.id)
      .execute();
    const actions = new Set(audit.map((a) => a.action));
    for (const action of [
      'lab_order.create',
      'lab_order.submit',
      'lab_result.receive',
      'lab_order.read',
      'lab_result.read',
      'lab_result.review',
      'lab_order.list',
    ])
      expect(actions, action).toContain(action);
    // No patient data in the logs: not the name, not the result.
    const logs = capturedLogs.join('\n');
    for (const secret of ['Cohen', 'BRCA2', 'c.5946del', 'Mother BRCA2 carrier', 'XJH123456789'])
      expect(logs).not.toContain(secret);
  });

  test('orders: validation, roles and tenancy; nothing is written on refusal', async () => {
    const patient = await demoPatient(api(), 'Demo Clinic', 'Nguyen');
    const lakeside = await demoPatient(api(), 'Lakeside Clinic', 'Nguyen');
    const count = async () =>
      Number(
        (
          await api()
            .db.selectFrom('lab_orders')
            .select(sql<number>`count(*)`.as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const base = { patientId: patient.id, labId: 'sandbox', testType: 'lynch-panel' };

    expect((await order(base, STAFF)).status).toBe(403);
    expect((await order(base, ADMIN)).status).toBe(403);
    expect((await api().request('POST', '/v1/lab-orders', { body: base })).status).toBe(401);

    const noMember = await order({
      ...base,
      insuranceInformation: { payer: 'Acme', policyHolder: { relationship: 'self' } },
    });
    expect(noMember.status).toBe(422);
    expect(noMember.body.errors.map((e: { field: string }) => e.field)).toContain('body.insuranceInformation.memberId');
    const spouse = await order({
      ...base,
      insuranceInformation: { ...insurance, policyHolder: { relationship: 'spouse' } },
    });
    expect(spouse.status).toBe(422);
    expect(spouse.body.errors.map((e: { field: string }) => e.field)).toContain(
      'body.insuranceInformation.policyHolder.firstName',
    );
    const extra = await order({ ...base, insuranceInformation: { ...insurance, ssn: '123-45-6789' } });
    expect(extra.status).toBe(422);
    const badDob = await order({
      ...base,
      insuranceInformation: {
        ...insurance,
        policyHolder: { relationship: 'parent', firstName: 'A', lastName: 'B', dateOfBirth: '1970-02-30' },
      },
    });
    expect(badDob.status).toBe(422);

    const unknownTest = await order({ ...base, testType: 'exome' });
    expect(unknownTest.status).toBe(422);
    expect(unknownTest.body.errors[0].field).toBe('body.testType');
    expect((await order({ ...base, labId: 'cedar-genomics', testType: 'no-such' })).status).toBe(422);
    expect((await order({ ...base, patientId: lakeside.id })).status).toBe(404);
    expect((await order({ ...base, patientId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);

    const otherPatient = await demoPatient(api(), 'Demo Clinic', 'Garcia');
    const foreign = await api()
      .db.insertInto('eligibility_results')
      .values({
        patient_id: otherPatient.id,
        account_id: otherPatient.account_id,
        is_eligible: true,
        nccn_eligible: true,
        factors: sql`'{}'::jsonb`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const wrongResult = await order({ ...base, eligibilityResultId: foreign.id });
    expect(wrongResult.status).toBe(422);
    expect(wrongResult.body.errors[0].field).toBe('body.eligibilityResultId');
    expect(await count()).toBe(before);

    const valid = await order({
      ...base,
      insuranceInformation: {
        ...insurance,
        policyHolder: { relationship: 'spouse', firstName: 'Jo', lastName: 'Doe', dateOfBirth: '1970-01-31' },
      },
    });
    expect(valid.status).toBe(201);
    expect(valid.body.insuranceInformation.policyHolder).toEqual({
      relationship: 'spouse',
      firstName: 'Jo',
      lastName: 'Doe',
      dateOfBirth: '1970-01-31',
    });
    expect(
      (await api().request('GET', '/v1/lab-orders?cursor=bogus', { token: await api().token(CLINICIAN) })).status,
    ).toBe(400);
    await execution(api(), valid.body.id)?.abort();
  });

  test('cancel: stops the waiting execution; completed orders cannot be cancelled; clinicians only', async () => {
    const { order: placed } = await processingOrder('Garcia', 'lynch-panel');
    const clinician = await api().token(CLINICIAN);
    expect(
      (await api().request('POST', `/v1/lab-orders/${placed.id}/cancel`, { token: await api().token(STAFF) })).status,
    ).toBe(403);
    expect(
      (await api().request('POST', `/v1/lab-orders/${placed.id}/cancel`, { token: await api().token(OTHER_CLINICIAN) }))
        .status,
    ).toBe(404);
    const cancelled = await api().request('POST', `/v1/lab-orders/${placed.id}/cancel`, { token: clinician });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.cancelledAt).not.toBeNull();
    expect(await execution(api(), placed.id)?.result).toBeNull();
    expect(api().app.workflows.waitingTokens(`lab-order-${placed.id}`)).toEqual([]);
    expect((await api().request('POST', `/v1/lab-orders/${placed.id}/cancel`, { token: clinician })).body.status).toBe(
      'cancelled',
    );

    const { order: done } = await processingOrder('Garcia', 'comprehensive-panel');
    await api().request('POST', `/dev/labs/sandbox/orders/${done.id}/complete`, { body: {} });
    await execution(api(), done.id)?.result;
    const refused = await api().request('POST', `/v1/lab-orders/${done.id}/cancel`, { token: clinician });
    expect(refused.status).toBe(409);
  });
});
