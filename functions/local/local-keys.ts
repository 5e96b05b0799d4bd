import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Jwk } from 'aws-jwt-verify/jwk';

export interface LocalKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: Jwk;
}

/**
 * An RSA key for local mode. With a path it is kept on disk (so tokens survive `npm start` restarts);
 * without one it lives only in this process (tests).
 */
export function loadOrCreateRsaKey(kid: string, path?: string): LocalKey {
  let privateKey: KeyObject;
  if (path && existsSync(path)) {
    privateKey = createPrivateKey(readFileSync(path, 'utf8'));
  } else {
    privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    if (path) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    }
  }
  const publicJwk = { ...createPublicKey(privateKey).export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } as Jwk;
  return { kid, privateKey, publicJwk };
}
