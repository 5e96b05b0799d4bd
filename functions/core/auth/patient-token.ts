import { JwtRsaVerifier } from 'aws-jwt-verify';
import type { Jwk } from 'aws-jwt-verify/jwk';
import { optionalConfig } from '../config.ts';
import type { PatientActor } from './actor.ts';
import { signJwt, type Rs256Signer } from './jwt.ts';

/**
 * Patient session tokens: short-lived JWTs that open one chat session. Genascope signs them with a key
 * it holds (KMS asymmetric key in AWS, a local RSA key locally) and verifies them with aws-jwt-verify.
 */
export const SESSION_TOKEN_ISSUER =
  optionalConfig('SESSION_TOKEN_ISSUER') ?? 'https://api.genascope.dev/patient-sessions';
export const SESSION_TOKEN_AUDIENCE = 'genascope-patient-session';
export const SESSION_TOKEN_TTL_SECONDS = 2 * 60 * 60;

export interface SessionSigningKey {
  kid: string;
  /** Public key as JWK (RSA). */
  publicJwk: Jwk;
  sign: Rs256Signer;
}

export type SessionKeyProvider = () => Promise<SessionSigningKey>;

let provider: SessionKeyProvider | undefined;
let verifier: ReturnType<typeof createVerifier> | undefined;

function createVerifier() {
  return JwtRsaVerifier.create({
    issuer: SESSION_TOKEN_ISSUER,
    audience: SESSION_TOKEN_AUDIENCE,
    jwksUri: `${SESSION_TOKEN_ISSUER}/.well-known/jwks.json`,
  });
}

export function useSessionKeyProvider(next: SessionKeyProvider): void {
  provider = next;
  verifier = undefined;
}

async function key(): Promise<SessionSigningKey> {
  if (!provider) {
    const keyId = optionalConfig('SESSION_KEY_ID');
    if (!keyId) throw new Error('No session signing key is configured');
    const { kmsSessionKeyProvider } = await import('./kms-session-key.ts');
    provider = kmsSessionKeyProvider(keyId);
  }
  return provider();
}

async function getVerifier() {
  if (!verifier) {
    const { publicJwk } = await key();
    const created = createVerifier();
    created.cacheJwks({ keys: [publicJwk] });
    verifier = created;
  }
  return verifier;
}

/** Cheap routing decision only (no trust): is this token one of ours rather than a Cognito token? */
export function isPatientSessionToken(token: string): boolean {
  const payload = token.split('.')[1];
  if (!payload) return false;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown };
    return claims.iss === SESSION_TOKEN_ISSUER;
  } catch {
    return false;
  }
}

export async function issuePatientSessionToken(
  claims: { sessionId: string; patientId: string; accountId: string },
  now = Date.now(),
): Promise<{ token: string; expiresAt: Date }> {
  const signingKey = await key();
  const iat = Math.floor(now / 1000);
  const exp = iat + SESSION_TOKEN_TTL_SECONDS;
  const token = await signJwt(
    {
      iss: SESSION_TOKEN_ISSUER,
      aud: SESSION_TOKEN_AUDIENCE,
      sub: claims.sessionId,
      patient_id: claims.patientId,
      account_id: claims.accountId,
      token_use: 'patient_session',
      iat,
      exp,
    },
    signingKey.kid,
    signingKey.sign,
  );
  return { token, expiresAt: new Date(exp * 1000) };
}

export async function verifyPatientSessionToken(token: string): Promise<PatientActor> {
  const payload = await (await getVerifier()).verify(token);
  const { sub, patient_id: patientId, account_id: accountId, token_use: tokenUse } = payload as Record<string, unknown>;
  if (
    tokenUse !== 'patient_session' ||
    typeof sub !== 'string' ||
    typeof patientId !== 'string' ||
    typeof accountId !== 'string'
  ) {
    throw new Error('Not a patient session token');
  }
  return { kind: 'patient', sessionId: sub, patientId, accountId };
}
