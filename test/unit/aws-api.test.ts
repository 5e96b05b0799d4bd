import { generateKeyPairSync, sign as signRsa, verify as verifySignature } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsV4Signer } from 'aws4fetch';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { AwsApiError } from '../../functions/core/aws/aws-api.ts';
import { kmsSessionKeyProvider } from '../../functions/core/auth/kms-session-key.ts';
import {
  issuePatientSessionToken,
  useSessionKeyProvider,
  verifyPatientSessionToken,
} from '../../functions/core/auth/patient-token.ts';
import { sendWithSes } from '../../functions/core/email/email.ts';

// KMS and SES are called through functions/core/aws/aws-api.ts (SigV4 by @smithy/signature-v4). A local server plays the AWS endpoint
// (AWS_ENDPOINT_URL_<SERVICE>), checks each request's SigV4 signature with an independent implementation
// (aws4fetch) and answers as the service documents.

const CREDENTIALS = {
  accessKeyId: 'ASIATESTKEY',
  secretAccessKey: 'test-secret-key',
  sessionToken: 'test-session-token',
};
const REGION = 'eu-central-1';
const KEY_ARN = 'arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  signatureValid: boolean;
}
const received: Received[] = [];
let answer: (request: Received) => { status: number; body: unknown; headers?: Record<string, string> };

/** Recomputes the request's signature with aws4fetch, an implementation of SigV4 independent of the one that signed it. */
async function signatureIsValid(request: IncomingMessage, body: string): Promise<boolean> {
  const authorization = String(request.headers.authorization ?? '');
  const scope = /Credential=[^/]+\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization);
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  if (!scope || request.headers['x-amz-security-token'] !== CREDENTIALS.sessionToken) return false;
  const headers = Object.fromEntries(
    signedHeaders.filter((name) => name !== 'host').map((name) => [name, String(request.headers[name])]),
  );
  const expected = await new AwsV4Signer({
    method: request.method,
    url: `http://${String(request.headers.host)}${request.url ?? '/'}`,
    headers,
    body,
    ...CREDENTIALS,
    service: scope[3] as string,
    region: scope[2] as string,
    datetime: String(request.headers['x-amz-date']),
    allHeaders: true,
  }).sign();
  return expected.headers.get('authorization') === authorization;
}

let server: Server;
const saved = { ...process.env };

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      void signatureIsValid(request, body).then((signatureValid) => {
        const entry: Received = {
          path: request.url ?? '',
          headers: request.headers,
          body: JSON.parse(body) as Record<string, unknown>,
          signatureValid,
        };
        received.push(entry);
        const { status, body: out, headers } = answer(entry);
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(JSON.stringify(out));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: CREDENTIALS.sessionToken,
    AWS_ENDPOINT_URL_KMS: url,
    AWS_ENDPOINT_URL_SESV2: url,
    EMAIL_FROM: 'Genascope <no-reply@genascope.test>',
  });
});

afterEach(() => {
  received.length = 0;
});

afterAll(async () => {
  process.env = saved;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** KMS as documented: GetPublicKey answers the DER (SPKI) public key, Sign an RSASSA-PKCS1-v1_5 SHA-256 signature, both base64. */
function fakeKms(request: Received) {
  const target = request.headers['x-amz-target'];
  if (request.body.KeyId !== KEY_ARN)
    return { status: 400, body: { __type: 'com.amazonaws.kms#NotFoundException', message: 'Key not found' } };
  if (target === 'TrentService.GetPublicKey')
    return {
      status: 200,
      body: { KeyId: KEY_ARN, PublicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') },
    };
  if (target === 'TrentService.Sign') {
    const signature = signRsa('sha256', Buffer.from(String(request.body.Message), 'base64'), privateKey);
    return {
      status: 200,
      body: {
        KeyId: KEY_ARN,
        Signature: signature.toString('base64'),
        SigningAlgorithm: request.body.SigningAlgorithm,
      },
    };
  }
  return { status: 400, body: { __type: 'UnknownOperationException' } };
}

describe('KMS session key', () => {
  test('patient session tokens are signed by KMS Sign and verified with the key KMS GetPublicKey returns', async () => {
    answer = fakeKms;
    useSessionKeyProvider(kmsSessionKeyProvider(KEY_ARN));
    const { token } = await issuePatientSessionToken({
      sessionId: '4b0b6c3e-1111-4e3a-9d7e-000000000001',
      patientId: '4b0b6c3e-2222-4e3a-9d7e-000000000002',
      accountId: '4b0b6c3e-3333-4e3a-9d7e-000000000003',
    });

    await expect(verifyPatientSessionToken(token)).resolves.toMatchObject({
      kind: 'patient',
      sessionId: '4b0b6c3e-1111-4e3a-9d7e-000000000001',
    });
    const [header, payload, signature] = token.split('.') as [string, string, string];
    expect(
      verifySignature('sha256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url')),
    ).toBe(true);
    expect(received.map((r) => r.headers['x-amz-target'])).toEqual(['TrentService.GetPublicKey', 'TrentService.Sign']);
    for (const request of received) {
      expect(request.signatureValid).toBe(true);
      expect(request.headers['content-type']).toBe('application/x-amz-json-1.1');
      expect(String(request.headers.authorization)).toContain(`/${REGION}/kms/aws4_request`);
    }
    expect(received[1]?.body).toMatchObject({
      KeyId: KEY_ARN,
      MessageType: 'RAW',
      SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
    });
  });

  test('a KMS error answer becomes an AwsApiError naming the error type', async () => {
    answer = fakeKms;
    const provider = kmsSessionKeyProvider(`${KEY_ARN}-missing`);
    const error = await provider().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsApiError);
    expect(error).toMatchObject({ status: 400, type: 'NotFoundException' });
  });
});

describe('SES v2 SendEmail', () => {
  test('sends the message as the SendEmail REST-JSON request and returns the MessageId', async () => {
    answer = () => ({ status: 200, body: { MessageId: '0100018c-test-message-id' } });
    const attachment = Buffer.from('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n').toString('base64');

    const messageId = await sendWithSes({
      to: 'patient@example.test',
      subject: 'Your appointment',
      text: 'plain',
      html: '<p>html</p>',
      kind: 'appointment.booked',
      accountId: null,
      attachments: [{ filename: 'invite.ics', contentType: 'text/calendar', content: attachment }],
    });

    expect(messageId).toBe('0100018c-test-message-id');
    expect(received).toHaveLength(1);
    const [request] = received as [Received];
    expect(request.path).toBe('/v2/email/outbound-emails');
    expect(request.signatureValid).toBe(true);
    expect(String(request.headers.authorization)).toContain(`/${REGION}/ses/aws4_request`);
    expect(request.body).toEqual({
      FromEmailAddress: 'Genascope <no-reply@genascope.test>',
      Destination: { ToAddresses: ['patient@example.test'] },
      Content: {
        Simple: {
          Subject: { Data: 'Your appointment', Charset: 'UTF-8' },
          Body: { Text: { Data: 'plain', Charset: 'UTF-8' }, Html: { Data: '<p>html</p>', Charset: 'UTF-8' } },
          Attachments: [{ FileName: 'invite.ics', ContentType: 'text/calendar', RawContent: attachment }],
        },
      },
    });
  });

  test('an SES rejection (error type in the x-amzn-ErrorType header) is an AwsApiError, not a silent success', async () => {
    answer = () => ({
      status: 400,
      body: { message: 'Email address is not verified.' },
      headers: { 'x-amzn-errortype': 'MessageRejected:http://internal.amazon.com/' },
    });
    const error = await sendWithSes({
      to: 'patient@example.test',
      subject: 's',
      text: 't',
      html: 'h',
      kind: 'k',
      accountId: null,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsApiError);
    expect(error).toMatchObject({ status: 400, type: 'MessageRejected' });
    expect((error as Error).message).toContain('Email address is not verified.');
  });
});

describe('retries', () => {
  test('throttling and server errors are retried with a fresh signature; a lasting one is an AwsApiError', async () => {
    let calls = 0;
    answer = () =>
      ++calls < 3
        ? { status: calls === 1 ? 429 : 503, body: { __type: 'ThrottlingException', message: 'slow down' } }
        : { status: 200, body: { MessageId: 'after-retries' } };
    await expect(
      sendWithSes({ to: 'patient@example.test', subject: 's', text: 't', html: 'h', kind: 'k', accountId: null }),
    ).resolves.toBe('after-retries');
    expect(received).toHaveLength(3);
    expect(received.every((r) => r.signatureValid)).toBe(true);

    received.length = 0;
    answer = () => ({
      status: 503,
      body: { message: 'unavailable' },
      headers: { 'x-amzn-errortype': 'ServiceUnavailable' },
    });
    await expect(
      sendWithSes({ to: 'patient@example.test', subject: 's', text: 't', html: 'h', kind: 'k', accountId: null }),
    ).rejects.toMatchObject({ status: 503, type: 'ServiceUnavailable' });
    expect(received).toHaveLength(3);
  });
});
