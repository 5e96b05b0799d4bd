import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { sql } from 'kysely';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { DIALECTS } from '../support/dialects.ts';
import { useTestApi, type TestApi } from '../support/api.ts';
import { capturedLogs } from '../setup-env.ts';
import { handler as webhookHandler } from '../../functions/lab-webhooks/webhook.ts';
import { localLabSecret } from '../../functions/lab-webhooks/lab-secrets.ts';
import { signWebhook } from '../../functions/lab-webhooks/signature.ts';

const SANDBOX_SECRET = localLabSecret('sandbox');
const now = () => Math.floor(Date.now() / 1000);

interface Signed {
  body: string;
  headers: Record<string, string>;
  webhookId: string;
}

/** A delivery as a lab sends it: the body, signed with `secret` over exactly these bytes. */
function sign(body: string, options: { secret?: string; webhookId?: string; timestamp?: number } = {}): Signed {
  const webhookId = options.webhookId ?? `msg_${randomUUID()}`;
  const timestamp = options.timestamp ?? now();
  const signature = signWebhook({ secret: options.secret ?? SANDBOX_SECRET, id: webhookId, timestamp, body });
  return {
    body,
    webhookId,
    headers: {
      'content-type': 'application/json',
      'webhook-id': webhookId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
    },
  };
}

function payload(orderId: string, data: Record<string, unknown> = {}) {
  return JSON.stringify({
    type: 'lab_result.reported',
    timestamp: new Date().toISOString(),
    data: {
      orderId,
      reportStatus: 'final',
      reportedAt: new Date().toISOString(),
      interpretation: 'negative',
      variants: [],
      ...data,
    },
  });
}

async function counts(api: TestApi) {
  const count = async (table: 'lab_results' | 'webhook_deliveries' | 'audit_events' | 'email_outbox' | 'lab_orders') =>
    Number(
      (
        await api.db
          .selectFrom(table)
          .select(sql<number>`count(*)`.as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    results: await count('lab_results'),
    deliveries: await count('webhook_deliveries'),
    audit: await count('audit_events'),
    mail: await count('email_outbox'),
  };
}

describe.each(DIALECTS)('lab webhooks (%s)', (dialect) => {
  const api = useTestApi(dialect);

  /** An order the sandbox lab holds (`processing`), without a workflow execution: results notify directly. */
  async function placedOrder(labId = 'sandbox') {
    const accountId = api().seed.accounts['Demo Clinic'] as string;
    const patient = await api()
      .db.selectFrom('patients')
      .select('id')
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    const id = randomUUID();
    await api()
      .db.insertInto('lab_orders')
      .values({
        id,
        account_id: accountId,
        patient_id: patient.id,
        provider_id: api().seed.users['clinician@demo-clinic.test'] as string,
        lab_id: labId,
        test_type: 'lynch-panel',
        status: 'processing',
        external_order_id: `EXT-${id.slice(0, 8)}`,
      })
      .execute();
    return id;
  }

  const post = (labId: string, signed: Pick<Signed, 'body' | 'headers'>) =>
    api().request('POST', `/webhooks/labs/${labId}`, { rawBody: signed.body, headers: signed.headers });

  test('a signed delivery is stored once; repeating its webhook-id is acknowledged and writes nothing', async () => {
    const orderId = await placedOrder();
    const signed = sign(
      payload(orderId, {
        interpretation: 'uncertain',
        variants: [
          { gene: 'MSH6', hgvsC: 'c.3261dup', zygosity: 'heterozygous', classification: 'uncertain_significance' },
        ],
      }),
    );
    const first = await post('sandbox', signed);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'processed', version: 1 });
    const result = await api()
      .db.selectFrom('lab_results')
      .selectAll()
      .where('order_id', '=', orderId)
      .executeTakeFirstOrThrow();
    expect(result.raw_result).toBe(signed.body);
    expect(result.clinical_significance).toBe('uncertain');
    expect(result.result_data).toMatchObject({
      interpretation: 'uncertain',
      externalOrderId: `EXT-${orderId.slice(0, 8)}`,
      variants: [{ gene: 'MSH6', hgvsP: null }],
    });
    const delivery = await api()
      .db.selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', signed.webhookId)
      .executeTakeFirstOrThrow();
    expect(delivery).toMatchObject({
      lab_id: 'sandbox',
      order_id: orderId,
      result_id: result.id,
      outcome: 'processed',
    });
    const order = await api()
      .db.selectFrom('lab_orders')
      .select('status')
      .where('id', '=', orderId)
      .executeTakeFirstOrThrow();
    expect(order.status).toBe('completed');

    const before = await counts(api());
    // The lab retries (same id, fresh timestamp and signature), and a replay of the very same request.
    const retried = await post('sandbox', sign(signed.body, { webhookId: signed.webhookId }));
    const replayed = await post('sandbox', signed);
    for (const again of [retried, replayed]) {
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ status: 'duplicate' });
    }
    expect(await counts(api())).toEqual(before);

    // Concurrent duplicates of a new delivery: exactly one is processed.
    const concurrent = sign(payload(orderId, { reportStatus: 'corrected' }));
    const responses = await Promise.all(Array.from({ length: 5 }, () => post('sandbox', concurrent)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(responses.filter((r) => r.body.status === 'processed')).toHaveLength(1);
    const versions = await api()
      .db.selectFrom('lab_results')
      .select(['version', 'supersedes_id'])
      .where('order_id', '=', orderId)
      .orderBy('version')
      .execute();
    expect(versions).toEqual([
      { version: 1, supersedes_id: null },
      { version: 2, supersedes_id: result.id },
    ]);
  });

  test('the signature is checked on the raw bytes before parsing: 401 for bad or stale signatures, 400 for bad bodies, nothing written', async () => {
    const orderId = await placedOrder();
    const before = await counts(api());
    const body = payload(orderId);
    const good = sign(body);

    const tampered = await post('sandbox', { body: body.replace('"negative"', '"positive"'), headers: good.headers });
    expect(tampered.status).toBe(401);
    expect(tampered.headers.get('content-type')).toContain('application/problem+json');
    // Re-serialising changes the bytes: the signature no longer matches, although the JSON is equal.
    expect(
      (await post('sandbox', { body: JSON.stringify(JSON.parse(body), null, 2), headers: good.headers })).status,
    ).toBe(401);
    expect((await post('sandbox', { body, headers: { ...good.headers, 'webhook-id': 'msg_other' } })).status).toBe(401);
    expect((await post('sandbox', sign(body, { secret: localLabSecret('cedar-genomics') }))).status).toBe(401);
    const stale = await post('sandbox', sign(body, { timestamp: now() - 301 }));
    expect(stale.status).toBe(401);
    expect(stale.body.detail).toContain('tolerance');
    expect((await post('sandbox', sign(body, { timestamp: now() + 301 }))).status).toBe(401);
    const { 'webhook-signature': _dropped, ...unsigned } = good.headers;
    expect((await post('sandbox', { body, headers: unsigned })).status).toBe(401);
    // Garbage without a valid signature is a 401, not a parse error: nothing is parsed before verification.
    expect((await post('sandbox', { body: '{not json', headers: good.headers })).status).toBe(401);

    const malformed = await post('sandbox', sign('{not json'));
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([{ field: 'body', message: 'Malformed JSON' }]);
    const inconsistent = await post('sandbox', sign(payload(orderId, { interpretation: 'positive', variants: [] })));
    expect(inconsistent.status).toBe(400);
    expect(inconsistent.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.data.interpretation']);
    const badVariant = await post(
      'sandbox',
      sign(
        payload(orderId, { variants: [{ gene: 'BRCA1', hgvsC: '5266dupC', zygosity: 'het', classification: 'bad' }] }),
      ),
    );
    expect(badVariant.status).toBe(400);
    expect(badVariant.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining([
        'body.data.variants[0].hgvsC',
        'body.data.variants[0].zygosity',
        'body.data.variants[0].classification',
      ]),
    );
    expect((await post('sandbox', sign(payload(orderId, { reportStatus: 'draft' })))).status).toBe(400);
    expect(
      (await post('sandbox', { ...sign(body), headers: { ...sign(body).headers, 'content-type': 'text/plain' } }))
        .status,
    ).toBe(415);

    expect(await counts(api())).toEqual(before);
    expect(
      capturedLogs.some((line) => line.includes('"lab webhook refused"') && line.includes('timestamp_too_old')),
    ).toBe(true);
  });

  test('an unknown order is a logged 404 acknowledgement that writes nothing', async () => {
    const before = await counts(api());
    const unknown = randomUUID();
    const response = await post('sandbox', sign(payload(unknown)));
    expect(response.status).toBe(404);
    expect(capturedLogs.some((line) => line.includes('"lab webhook for an unknown order"'))).toBe(true);
    // An order of another lab, or the lab's id not matching, is just as unknown.
    const cedarOrder = await placedOrder('cedar-genomics');
    expect((await post('sandbox', sign(payload(cedarOrder)))).status).toBe(404);
    const sandboxOrder = await placedOrder();
    expect((await post('sandbox', sign(payload(sandboxOrder, { externalOrderId: 'EXT-WRONG' })))).status).toBe(404);
    expect((await post('no_such lab', sign(payload(sandboxOrder)))).status).toBe(404);
    expect(await counts(api())).toEqual(before);
  });

  test('report sequence: a final report is followed only by amendments or corrections', async () => {
    const orderId = await placedOrder();
    expect((await post('sandbox', sign(payload(orderId, { reportStatus: 'preliminary' })))).body.version).toBe(1);
    expect(
      (await api().db.selectFrom('lab_orders').select('status').where('id', '=', orderId).executeTakeFirstOrThrow())
        .status,
    ).toBe('processing');
    expect((await post('sandbox', sign(payload(orderId)))).body.version).toBe(2);
    const before = await counts(api());
    const late = await post('sandbox', sign(payload(orderId, { reportStatus: 'preliminary' })));
    expect(late.status).toBe(409);
    expect((await post('sandbox', sign(payload(orderId)))).status).toBe(409);
    expect(await counts(api())).toEqual(before);
    expect((await post('sandbox', sign(payload(orderId, { reportStatus: 'amended' })))).body.version).toBe(3);
  });

  test('rotated secrets: during a rotation both the current and the previous secret verify', async () => {
    const current = `whsec_${Buffer.from(randomUUID()).toString('base64')}`;
    process.env.LAB_WEBHOOK_SECRETS = JSON.stringify({ sandbox: [current, SANDBOX_SECRET] });
    try {
      const orderId = await placedOrder();
      expect(
        (await post('sandbox', sign(payload(orderId, { reportStatus: 'preliminary' }), { secret: SANDBOX_SECRET })))
          .status,
      ).toBe(200);
      expect((await post('sandbox', sign(payload(orderId), { secret: current }))).status).toBe(200);
      expect(
        (
          await post(
            'sandbox',
            sign(payload(orderId, { reportStatus: 'amended' }), { secret: localLabSecret('other') }),
          )
        ).status,
      ).toBe(401);
      // A lab with no configured secret is unknown.
      expect(
        (await post('cedar-genomics', sign(payload(orderId), { secret: localLabSecret('cedar-genomics') }))).status,
      ).toBe(404);
      // The sandbox lab signs with the current (first) secret.
      const next = await placedOrder();
      const completed = await api().request('POST', `/dev/labs/sandbox/orders/${next}/complete`, { body: {} });
      expect(completed.body.webhookStatus).toBe(200);
    } finally {
      delete process.env.LAB_WEBHOOK_SECRETS;
    }
  });

  test('Function URL events (payload 2.0, base64 body) reach the same handler', async () => {
    const orderId = await placedOrder();
    const signed = sign(
      payload(orderId, {
        interpretation: 'positive',
        variants: [
          {
            gene: 'MLH1',
            hgvsC: 'c.350C>T',
            hgvsP: 'p.Thr117Met',
            zygosity: 'heterozygous',
            classification: 'likely_pathogenic',
          },
        ],
      }),
    );
    const event = (overrides: Partial<LambdaFunctionURLEvent> & { method?: string } = {}): LambdaFunctionURLEvent => ({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/webhooks/labs/sandbox',
      rawQueryString: '',
      headers: { ...signed.headers, host: 'abc.lambda-url.eu-west-1.on.aws' },
      body: Buffer.from(signed.body).toString('base64'),
      isBase64Encoded: true,
      requestContext: {
        accountId: 'anonymous',
        apiId: 'abc',
        domainName: 'abc.lambda-url.eu-west-1.on.aws',
        domainPrefix: 'abc',
        http: {
          method: overrides.method ?? 'POST',
          path: overrides.rawPath ?? '/webhooks/labs/sandbox',
          protocol: 'HTTP/1.1',
          sourceIp: '203.0.113.9',
          userAgent: 'lab',
        },
        requestId: randomUUID(),
        routeKey: '$default',
        stage: '$default',
        time: '',
        timeEpoch: Date.now(),
      },
      ...overrides,
    });
    const response = await webhookHandler(event());
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ status: 'processed', version: 1 });
    expect(response.headers?.['x-content-type-options']).toBe('nosniff');
    const again = await webhookHandler(event({ body: signed.body, isBase64Encoded: false }));
    expect(JSON.parse(again.body)).toEqual({ status: 'duplicate' });
    expect((await webhookHandler(event({ method: 'GET' }))).statusCode).toBe(405);
    expect((await webhookHandler(event({ rawPath: '/webhooks/other/sandbox' }))).statusCode).toBe(404);
    const tampered = await webhookHandler(
      event({ body: Buffer.from(signed.body.replace('MLH1', 'MSH2')).toString('base64') }),
    );
    expect(tampered.statusCode).toBe(401);
    expect(tampered.headers?.['www-authenticate']).toBeUndefined();
  });

  test('no result, name or variant reaches the logs', async () => {
    const orderId = await placedOrder();
    await post(
      'sandbox',
      sign(
        payload(orderId, {
          interpretation: 'positive',
          summary: 'Pathogenic PMS2 variant',
          variants: [{ gene: 'PMS2', hgvsC: 'c.137G>T', zygosity: 'heterozygous', classification: 'pathogenic' }],
        }),
      ),
    );
    const logs = capturedLogs.join('\n');
    for (const secret of ['PMS2', 'c.137G>T', 'Pathogenic', 'Garcia', SANDBOX_SECRET])
      expect(logs).not.toContain(secret);
  });
});

describe.each(DIALECTS)('lab webhooks under contention (%s)', (dialect) => {
  const api = useTestApi(dialect);

  test('concurrent deliveries for one order are all stored, as consecutive versions each superseding the one before, each audited', async () => {
    const accountId = api().seed.accounts['Demo Clinic'] as string;
    const patient = await api()
      .db.selectFrom('patients')
      .select('id')
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    const orderId = randomUUID();
    await api()
      .db.insertInto('lab_orders')
      .values({
        id: orderId,
        account_id: accountId,
        patient_id: patient.id,
        provider_id: api().seed.users['clinician@demo-clinic.test'] as string,
        lab_id: 'sandbox',
        test_type: 'lynch-panel',
        status: 'processing',
      })
      .execute();
    const deliveries = Array.from({ length: 4 }, () => sign(payload(orderId, { reportStatus: 'preliminary' })));
    const responses = await Promise.all(
      deliveries.map((signed) =>
        api().request('POST', '/webhooks/labs/sandbox', { rawBody: signed.body, headers: signed.headers }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(responses.map((r) => r.body.version).sort()).toEqual([1, 2, 3, 4]);

    const versions = await api()
      .db.selectFrom('lab_results')
      .select(['id', 'version', 'supersedes_id'])
      .where('order_id', '=', orderId)
      .orderBy('version')
      .execute();
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4]);
    versions.forEach((v, i) => expect(v.supersedes_id).toBe(i === 0 ? null : versions[i - 1]?.id));
    const delivered = await api()
      .db.selectFrom('webhook_deliveries')
      .select(['webhook_id', 'result_id'])
      .where('order_id', '=', orderId)
      .execute();
    expect(delivered.map((d) => d.webhook_id).sort()).toEqual(deliveries.map((d) => d.webhookId).sort());
    expect(delivered.map((d) => d.result_id).sort()).toEqual(versions.map((v) => v.id).sort());
    const audit = await api()
      .db.selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'lab_result.receive')
      .where(
        'resource_id',
        'in',
        versions.map((v) => v.id),
      )
      .execute();
    expect(audit).toHaveLength(4);
    for (const row of audit)
      expect(row).toMatchObject({
        actor_type: 'system',
        actor_id: 'lab:sandbox',
        resource_type: 'lab_result',
        account_id: accountId,
        patient_id: patient.id,
      });
    // A preliminary report leaves the order open; each version notified the clinician once.
    expect(
      (await api().db.selectFrom('lab_orders').select('status').where('id', '=', orderId).executeTakeFirstOrThrow())
        .status,
    ).toBe('processing');
    expect(
      await api()
        .db.selectFrom('email_outbox')
        .select('id')
        .where('related_id', '=', orderId)
        .where('kind', '=', 'lab_result_available')
        .execute(),
    ).toHaveLength(4);
  });
});
