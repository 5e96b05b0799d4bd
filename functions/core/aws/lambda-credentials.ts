import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * What the AWS SDK clients' `defaultProvider` is in the deployed bundles (the house bundling aliases
 * `@aws-sdk/credential-provider-node` to this module; locally the real default chain is used).
 *
 * Lambda hands a function its execution role's credentials in the environment (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), the first provider of the default chain. The chain's other providers
 * (SSO, shared ini files, credential processes, web identity, container and instance metadata, with the STS, SSO
 * and sign-in clients they carry) are never reached in Lambda but were ~116 KB of every minified bundle, a quarter
 * of the 500 KB budget (issue #7). The SDK memoizes and refreshes the provider as it does the default chain's.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
