import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminRemoveUserFromGroupCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { randomUUID } from 'node:crypto';
import { authConfig, isLocalMode } from '../core/config.ts';
import type { UserRole } from '../core/database.ts';

/** Where staff identities live: Cognito in AWS, the local identity provider locally. */
export interface IdentityProvider {
  createUser(input: { email: string; role: UserRole; accountId: string | null }): Promise<{ sub: string }>;
  changeRole(input: { email: string; from: UserRole; to: UserRole }): Promise<void>;
  setEnabled(input: { email: string; enabled: boolean }): Promise<void>;
  /** Compensation when the user row cannot be written after the identity was created. */
  deleteUser(input: { email: string }): Promise<void>;
}

class CognitoIdentityProvider implements IdentityProvider {
  private readonly client = new CognitoIdentityProviderClient({});
  private readonly pool = authConfig.userPoolId;

  async createUser({ email, role, accountId }: { email: string; role: UserRole; accountId: string | null }) {
    const created = await this.client.send(
      new AdminCreateUserCommand({
        UserPoolId: this.pool,
        Username: email,
        DesiredDeliveryMediums: ['EMAIL'],
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
          ...(accountId ? [{ Name: 'custom:account_id', Value: accountId }] : []),
        ],
      }),
    );
    await this.client.send(new AdminAddUserToGroupCommand({ UserPoolId: this.pool, Username: email, GroupName: role }));
    const sub = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
    if (!sub) throw new Error('Cognito did not return a sub');
    return { sub };
  }

  async changeRole({ email, from, to }: { email: string; from: UserRole; to: UserRole }) {
    await this.client.send(new AdminAddUserToGroupCommand({ UserPoolId: this.pool, Username: email, GroupName: to }));
    await this.client.send(
      new AdminRemoveUserFromGroupCommand({ UserPoolId: this.pool, Username: email, GroupName: from }),
    );
  }

  async setEnabled({ email, enabled }: { email: string; enabled: boolean }) {
    const Command = enabled ? AdminEnableUserCommand : AdminDisableUserCommand;
    await this.client.send(new Command({ UserPoolId: this.pool, Username: email }));
  }

  async deleteUser({ email }: { email: string }) {
    await this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.pool, Username: email }));
  }
}

/** Local mode: the user row is the identity; `POST /dev/token` signs a token for it. */
class LocalUserDirectory implements IdentityProvider {
  async createUser() {
    return { sub: randomUUID() };
  }
  async changeRole() {}
  async setEnabled() {}
  async deleteUser() {}
}

let provider: IdentityProvider | undefined;

export function identityProvider(): IdentityProvider {
  provider ??= isLocalMode ? new LocalUserDirectory() : new CognitoIdentityProvider();
  return provider;
}
