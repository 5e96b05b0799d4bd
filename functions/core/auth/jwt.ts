import { createSign, type KeyObject } from 'node:crypto';

const b64url = (input: Buffer | string) => Buffer.from(input).toString('base64url');

export type Rs256Signer = (signingInput: Buffer) => Promise<Buffer>;

/** A signer backed by an RSA private key held in this process (local mode and tests). */
export function localRs256Signer(privateKey: KeyObject): Rs256Signer {
  return async (input) => createSign('RSA-SHA256').update(input).sign(privateKey);
}

/**
 * Builds a compact RS256 JWT. The signature comes from `sign`, so the same code serves a local key and
 * KMS (`Sign` with RSASSA_PKCS1_V1_5_SHA_256), where the private key never leaves the HSM.
 */
export async function signJwt(payload: Record<string, unknown>, kid: string, sign: Rs256Signer): Promise<string> {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const body = b64url(JSON.stringify(payload));
  const signingInput = `${header}.${body}`;
  const signature = await sign(Buffer.from(signingInput));
  return `${signingInput}.${b64url(signature)}`;
}
