import type { LocalIdentityProvider } from './identity-provider.ts';

/** Services that exist only in local mode, shared by the local server and the `/dev/*` handlers. */
export const localServices: { identityProvider?: LocalIdentityProvider } = {};
