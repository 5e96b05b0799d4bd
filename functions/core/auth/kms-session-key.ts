import { createPublicKey } from 'node:crypto';
import type { Jwk } from 'aws-jwt-verify/jwk';
import { callAws, KMS } from '../aws/aws-api.ts';
import type { SessionKeyProvider, SessionSigningKey } from './patient-token.ts';

/**
 * Session tokens in AWS are signed by a KMS asymmetric key (RSA_2048, SIGN_VERIFY): the private key
 * never leaves KMS. The public key is fetched once per cold start and handed to aws-jwt-verify.
 */
export function kmsSessionKeyProvider(keyId: string): SessionKeyProvider {
  let cached: Promise<SessionSigningKey> | undefined;
  return () =>
    (cached ??= (async () => {
      const { PublicKey } = await callAws<{ PublicKey?: string }>(KMS, {
        target: 'TrentService.GetPublicKey',
        body: { KeyId: keyId },
      });
      if (!PublicKey) throw new Error('KMS returned no public key');
      const jwk = createPublicKey({ key: Buffer.from(PublicKey, 'base64'), format: 'der', type: 'spki' }).export({
        format: 'jwk',
      });
      const kid = keyId.split('/').pop() ?? keyId;
      return {
        kid,
        publicJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } as Jwk,
        sign: async (input: Buffer) => {
          const { Signature } = await callAws<{ Signature?: string }>(KMS, {
            target: 'TrentService.Sign',
            body: {
              KeyId: keyId,
              Message: input.toString('base64'),
              MessageType: 'RAW',
              SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
            },
          });
          if (!Signature) throw new Error('KMS returned no signature');
          return Buffer.from(Signature, 'base64');
        },
      };
    })());
}
