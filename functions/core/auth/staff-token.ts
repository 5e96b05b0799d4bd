import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { authConfig } from '../config.ts';
import { USER_ROLES, type UserRole } from '../database.ts';

export interface StaffClaims {
  sub: string;
  email: string | undefined;
  groups: UserRole[];
  accountId: string | null;
}

type Verifier = ReturnType<typeof createVerifier>;
let verifier: Verifier | undefined;
let localJwks: Jwks | undefined;

function createVerifier() {
  return CognitoJwtVerifier.create({
    userPoolId: authConfig.userPoolId,
    clientId: authConfig.clientId,
    tokenUse: 'id',
  });
}

/**
 * Local mode: the local identity provider's JWKS is handed in, so the very same Cognito verifier
 * checks issuer, audience, token_use, expiry and signature without fetching anything.
 */
export function useLocalJwks(jwks: Jwks): void {
  localJwks = jwks;
  verifier = undefined;
}

function getVerifier(): Verifier {
  if (!verifier) {
    verifier = createVerifier();
    if (localJwks) verifier.cacheJwks(localJwks);
  }
  return verifier;
}

/** Verifies a Cognito ID token; throws on any invalid, expired or foreign token. */
export async function verifyStaffToken(token: string): Promise<StaffClaims> {
  const payload = await getVerifier().verify(token);
  const groups = (Array.isArray(payload['cognito:groups']) ? payload['cognito:groups'] : []).filter(
    (group): group is UserRole => USER_ROLES.includes(group as UserRole),
  );
  const accountId = payload['custom:account_id'];
  return {
    sub: payload.sub,
    email: typeof payload.email === 'string' ? payload.email : undefined,
    groups,
    accountId: typeof accountId === 'string' && accountId !== '' ? accountId : null,
  };
}
