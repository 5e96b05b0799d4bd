import { randomUUID } from 'node:crypto';
import { authConfig } from '../core/config.ts';
import { localRs256Signer, signJwt } from '../core/auth/jwt.ts';
import { useLocalJwks } from '../core/auth/staff-token.ts';
import type { UserRole } from '../core/database.ts';
import { loadOrCreateRsaKey, type LocalKey } from './local-keys.ts';

export interface IdTokenRequest {
  sub: string;
  email: string;
  role: UserRole;
  accountId: string | null;
  /** Seconds from now; negative values make expired tokens for tests. */
  expiresIn?: number;
  /** Overrides for negative tests (wrong issuer or audience). */
  issuer?: string;
  audience?: string;
}

/**
 * Local identity provider: signs Cognito-shaped ID tokens with a local RSA key. The API verifies them
 * with the same aws-jwt-verify Cognito verifier it uses in AWS, fed this provider's JWKS.
 */
export class LocalIdentityProvider {
  readonly key: LocalKey;
  readonly issuer = `https://cognito-idp.${authConfig.userPoolId.split('_')[0]}.amazonaws.com/${authConfig.userPoolId}`;

  constructor(keyPath?: string) {
    this.key = loadOrCreateRsaKey('genascope-local-idp', keyPath);
    useLocalJwks({ keys: [this.key.publicJwk] });
  }

  async signIdToken(request: IdTokenRequest): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return signJwt(
      {
        sub: request.sub,
        email: request.email,
        email_verified: true,
        'cognito:groups': [request.role],
        'cognito:username': request.sub,
        ...(request.accountId ? { 'custom:account_id': request.accountId } : {}),
        iss: request.issuer ?? this.issuer,
        aud: request.audience ?? authConfig.clientId,
        token_use: 'id',
        auth_time: now,
        iat: now,
        exp: now + (request.expiresIn ?? 3600),
        jti: randomUUID(),
      },
      this.key.kid,
      localRs256Signer(this.key.privateKey),
    );
  }
}
