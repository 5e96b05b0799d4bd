import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { WEBHOOK_TOLERANCE_SECONDS, signWebhook, verifyWebhook } from '../../../functions/lab-webhooks/signature.ts';

const NOW = 1_760_000_000;
const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

/** Delivery ids as labs send them: printable ASCII without spaces. */
const webhookId = fc.stringMatching(/^[\x21-\x7E]{1,64}$/);
const body = fc.uint8Array({ minLength: 0, maxLength: 512 });
const secret = fc
  .uint8Array({ minLength: 16, maxLength: 48 })
  .map((bytes) => `whsec_${Buffer.from(bytes).toString('base64')}`);
/** Any instant the verifier would accept at NOW. */
const timestamp = fc.integer({ min: NOW - WEBHOOK_TOLERANCE_SECONDS, max: NOW + WEBHOOK_TOLERANCE_SECONDS });

function verify(input: {
  id: string;
  timestamp: number | string;
  signature: string;
  body: Uint8Array | string;
  secrets: string[];
  now?: number;
}) {
  return verifyWebhook({
    headers: { id: input.id, timestamp: String(input.timestamp), signature: input.signature },
    body: input.body,
    secrets: input.secrets,
    nowSeconds: input.now ?? NOW,
  });
}

describe('Standard Webhooks signature', () => {
  test('reproduces the published Standard Webhooks test vector', () => {
    const vector = {
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
    };
    const expected = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
    expect(signWebhook(vector)).toBe(expected);
    expect(verify({ ...vector, signature: expected, secrets: [vector.secret], now: vector.timestamp })).toEqual({
      ok: true,
      timestamp: vector.timestamp,
    });
  });

  test('property: what is signed verifies', () => {
    fc.assert(
      fc.property(webhookId, timestamp, body, secret, (id, ts, bytes, key) => {
        const signature = signWebhook({ secret: key, id, timestamp: ts, body: bytes });
        expect(verify({ id, timestamp: ts, signature, body: bytes, secrets: [key] }).ok).toBe(true);
      }),
    );
  });

  test('property: any change to the id fails', () => {
    fc.assert(
      fc.property(webhookId, webhookId, timestamp, body, secret, (id, other, ts, bytes, key) => {
        fc.pre(other !== id);
        const signature = signWebhook({ secret: key, id, timestamp: ts, body: bytes });
        expect(verify({ id: other, timestamp: ts, signature, body: bytes, secrets: [key] })).toEqual({
          ok: false,
          reason: 'no_matching_signature',
        });
      }),
    );
  });

  test('property: any change to the timestamp fails, even one still within the tolerance', () => {
    fc.assert(
      fc.property(webhookId, timestamp, timestamp, body, secret, (id, ts, other, bytes, key) => {
        fc.pre(other !== ts);
        const signature = signWebhook({ secret: key, id, timestamp: ts, body: bytes });
        expect(verify({ id, timestamp: other, signature, body: bytes, secrets: [key] })).toEqual({
          ok: false,
          reason: 'no_matching_signature',
        });
      }),
    );
  });

  test('property: any change to the body fails (flipped bit, appended, truncated byte)', () => {
    const mutated = fc
      .tuple(
        body,
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        fc.constantFrom('flip', 'append', 'truncate'),
        fc.integer({ min: 0, max: 255 }),
      )
      .map(([bytes, at, bit, how, extra]) => {
        const copy = Buffer.from(bytes);
        if (how === 'flip' && copy.length > 0) copy[at % copy.length] = (copy[at % copy.length] as number) ^ (1 << bit);
        else if (how === 'truncate' && copy.length > 0)
          return { original: bytes, changed: copy.subarray(0, copy.length - 1) };
        else return { original: bytes, changed: Buffer.concat([copy, Buffer.from([extra])]) };
        return { original: bytes, changed: copy };
      });
    fc.assert(
      fc.property(webhookId, timestamp, mutated, secret, (id, ts, { original, changed }, key) => {
        const signature = signWebhook({ secret: key, id, timestamp: ts, body: original });
        expect(verify({ id, timestamp: ts, signature, body: changed, secrets: [key] })).toEqual({
          ok: false,
          reason: 'no_matching_signature',
        });
      }),
    );
  });

  test('property: a signature under another secret fails', () => {
    fc.assert(
      fc.property(webhookId, timestamp, body, secret, secret, (id, ts, bytes, key, other) => {
        fc.pre(other !== key);
        const signature = signWebhook({ secret: other, id, timestamp: ts, body: bytes });
        expect(verify({ id, timestamp: ts, signature, body: bytes, secrets: [key] }).ok).toBe(false);
      }),
    );
  });

  test('property: tampered signature text never verifies', () => {
    fc.assert(
      fc.property(webhookId, body, secret, fc.string({ maxLength: 80 }), (id, bytes, key, garbage) => {
        const signature = signWebhook({ secret: key, id, timestamp: NOW, body: bytes });
        fc.pre(garbage !== signature);
        expect(verify({ id, timestamp: NOW, signature: garbage, body: bytes, secrets: [key] }).ok).toBe(false);
      }),
    );
  });

  test('replay: a captured delivery is refused once older than the tolerance; the boundary itself is accepted', () => {
    const key = newSecret();
    const id = 'msg_replayed';
    const signature = signWebhook({ secret: key, id, timestamp: NOW, body: '{}' });
    expect(
      verify({ id, timestamp: NOW, signature, body: '{}', secrets: [key], now: NOW + WEBHOOK_TOLERANCE_SECONDS }).ok,
    ).toBe(true);
    expect(
      verify({ id, timestamp: NOW, signature, body: '{}', secrets: [key], now: NOW + WEBHOOK_TOLERANCE_SECONDS + 1 }),
    ).toEqual({ ok: false, reason: 'timestamp_too_old' });
    expect(verify({ id, timestamp: NOW, signature, body: '{}', secrets: [key], now: NOW + 86_400 })).toEqual({
      ok: false,
      reason: 'timestamp_too_old',
    });
  });

  test('stale and future timestamps are refused even with a valid signature', () => {
    const key = newSecret();
    fc.assert(
      fc.property(
        fc.integer({ min: WEBHOOK_TOLERANCE_SECONDS + 1, max: 10 * 365 * 86_400 }),
        fc.boolean(),
        (offset, future) => {
          const ts = future ? NOW + offset : NOW - offset;
          const signature = signWebhook({ secret: key, id: 'msg_1', timestamp: ts, body: '{}' });
          expect(verify({ id: 'msg_1', timestamp: ts, signature, body: '{}', secrets: [key] })).toEqual({
            ok: false,
            reason: future ? 'timestamp_in_future' : 'timestamp_too_old',
          });
        },
      ),
    );
  });

  test('rotated secrets: either secret verifies, and a header carrying both signatures verifies with either', () => {
    const previous = newSecret();
    const current = newSecret();
    const id = 'msg_rotation';
    const sign = (key: string) => signWebhook({ secret: key, id, timestamp: NOW, body: '{"a":1}' });
    const check = (signature: string, secrets: string[]) =>
      verify({ id, timestamp: NOW, signature, body: '{"a":1}', secrets }).ok;
    // During rotation the receiver knows both secrets.
    expect(check(sign(previous), [current, previous])).toBe(true);
    expect(check(sign(current), [current, previous])).toBe(true);
    // The lab signs with both; the receiver may know either.
    const both = `${sign(current)} ${sign(previous)}`;
    expect(check(both, [current])).toBe(true);
    expect(check(both, [previous])).toBe(true);
    // After rotation the old secret alone no longer verifies.
    expect(check(sign(previous), [current])).toBe(false);
    expect(check(both, [newSecret()])).toBe(false);
    // Unknown versions and malformed entries are ignored, not fatal.
    expect(check(`v2,abc v1,not-base64 v1a,${sign(current).slice(3)} ${sign(current)}`, [current])).toBe(true);
    expect(check(`v1a,${sign(current).slice(3)}`, [current])).toBe(false);
    // Secrets without the whsec_ prefix are raw keys.
    const raw = 'plain-text-secret';
    expect(check(sign(raw), [raw])).toBe(true);
  });

  test('missing and malformed headers are refused before any HMAC is computed', () => {
    const key = newSecret();
    const signature = signWebhook({ secret: key, id: 'msg_1', timestamp: NOW, body: '{}' });
    const base = {
      headers: { id: 'msg_1', timestamp: String(NOW), signature },
      body: '{}',
      secrets: [key],
      nowSeconds: NOW,
    };
    expect(verifyWebhook(base).ok).toBe(true);
    for (const field of ['id', 'timestamp', 'signature'] as const) {
      expect(verifyWebhook({ ...base, headers: { ...base.headers, [field]: undefined } })).toEqual({
        ok: false,
        reason: 'missing_header',
      });
      expect(verifyWebhook({ ...base, headers: { ...base.headers, [field]: '' } })).toEqual({
        ok: false,
        reason: 'missing_header',
      });
    }
    for (const ts of ['1.5e9', `${NOW}.0`, ` ${NOW}`, '-1', 'abc', '9'.repeat(16)]) {
      expect(verifyWebhook({ ...base, headers: { ...base.headers, timestamp: ts } })).toEqual({
        ok: false,
        reason: 'malformed_header',
      });
    }
    expect(verifyWebhook({ ...base, headers: { ...base.headers, id: 'msg 1' } })).toEqual({
      ok: false,
      reason: 'malformed_header',
    });
    expect(verifyWebhook({ ...base, headers: { ...base.headers, signature: `${signature} `.repeat(200) } })).toEqual({
      ok: false,
      reason: 'malformed_header',
    });
    expect(verifyWebhook({ ...base, secrets: [] })).toEqual({ ok: false, reason: 'no_matching_signature' });
  });
});
