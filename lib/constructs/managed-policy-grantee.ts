import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * A grant target that writes statements into a customer-managed policy attached to a role, rather than into the
 * role's inline default policy (HIPAA.Security-IAMNoInlinePolicy). Pass it wherever a grantee is expected:
 * `bucket.grantRead(grantee)`, `key.grant(grantee, ...)`.
 */
export class ManagedPolicyGrantee implements iam.IPrincipal {
  readonly grantPrincipal: iam.IPrincipal = this;
  readonly assumeRoleAction: string;
  readonly policyFragment: iam.PrincipalPolicyFragment;
  readonly principalAccount: string | undefined;

  constructor(
    readonly role: iam.IRole,
    readonly policy: iam.ManagedPolicy,
  ) {
    this.assumeRoleAction = role.assumeRoleAction;
    this.policyFragment = role.policyFragment;
    this.principalAccount = role.principalAccount;
  }

  addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
}
