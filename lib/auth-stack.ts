import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import type { StageConfig } from './config.ts';

/** Cognito groups = roles (functions/core/database.ts `UserRole`); lower precedence wins when a user has several. */
export const STAFF_GROUPS = [
  { name: 'super_admin', precedence: 0, description: 'Platform operator: all accounts' },
  { name: 'account_admin', precedence: 10, description: 'Clinic administrator: own account' },
  { name: 'clinician', precedence: 20, description: 'Physician or genetic counsellor: own account' },
  { name: 'office_staff', precedence: 30, description: 'Front desk: own account' },
] as const;

export const ACCOUNT_ID_ATTRIBUTE = 'account_id';

export interface AuthStackProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * Staff identities. Users are created by administrators only (through the users API); the tenant is the immutable
 * `custom:account_id`; MFA (TOTP) is required; the SPA signs in with SRP and gets short-lived tokens.
 * Patients are not in this pool: they hold Genascope session tokens.
 */
export class AuthStack extends Stack {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly groups: Record<(typeof STAFF_GROUPS)[number]['name'], cognito.UserPoolGroup>;

  constructor(scope: Construct, id: string, props: AuthStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.userPool = new cognito.UserPool(this, 'StaffUserPool', {
      userPoolName: `genascope-${config.stage}-staff`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        givenName: { required: false, mutable: true },
        familyName: { required: false, mutable: true },
      },
      customAttributes: {
        // The tenant. Set once when an administrator creates the user; a user never changes clinic.
        [ACCOUNT_ID_ATTRIBUTE]: new cognito.StringAttribute({ minLen: 36, maxLen: 36, mutable: false }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 12,
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false, email: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      // Threat protection: adaptive authentication and compromised-credential checks, enforced.
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const groups: Partial<Record<string, cognito.UserPoolGroup>> = {};
    for (const group of STAFF_GROUPS) {
      groups[group.name] = this.userPool.addGroup(`Group_${group.name}`, {
        groupName: group.name,
        precedence: group.precedence,
        description: group.description,
      });
    }
    this.groups = groups as AuthStack['groups'];

    this.userPoolClient = this.userPool.addClient('SpaClient', {
      userPoolClientName: `genascope-${config.stage}-spa`,
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      authSessionValidity: Duration.minutes(5),
      idTokenValidity: Duration.minutes(30),
      accessTokenValidity: Duration.minutes(30),
      refreshTokenValidity: Duration.hours(12),
      // The SPA may update the user's name only; e-mail, role and tenant change through the users API.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ givenName: true, familyName: true }),
    });

    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
  }
}
