import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { useDb, type Db } from '../core/db.ts';
import { useSessionKeyProvider } from '../core/auth/patient-token.ts';
import { localRs256Signer } from '../core/auth/jwt.ts';
import type { HttpEvent, HttpResponse } from '../core/http/types.ts';
import { routes } from '../routes.ts';
import { createGateway } from './gateway.ts';
import { LocalIdentityProvider } from './identity-provider.ts';
import { loadOrCreateRsaKey } from './local-keys.ts';
import { localServices } from './local-services.ts';
import { createLocalWorkflowRunner } from './workflows.ts';
import { useWorkflowStarter } from '../core/workflows.ts';

type AreaHandler = (event: HttpEvent, context: Context) => Promise<HttpResponse>;

export interface LocalApp {
  url: string;
  workflows: ReturnType<typeof createLocalWorkflowRunner>;
  server: Server;
  identityProvider: LocalIdentityProvider;
  close(): Promise<void>;
}

const handlers = new Map<string, Promise<AreaHandler>>();

async function loadAreaHandler(area: string): Promise<AreaHandler> {
  let loaded = handlers.get(area);
  if (!loaded) {
    loaded = import(`../${area}/handler.ts`).then((m: { handler: AreaHandler }) => m.handler);
    handlers.set(area, loaded);
  }
  return loaded;
}

/**
 * Everything local mode needs besides the database: the local identity provider, the session-token
 * key, and the gateway in front of the same handlers Lambda runs. Used by `npm start` and by tests.
 */
export async function startLocalApp(options: {
  db: Db;
  port?: number;
  host?: string;
  keyDir?: string;
  workflowWaitOverrideMs?: number;
}): Promise<LocalApp> {
  useDb(options.db);
  const workflowRunner = createLocalWorkflowRunner({ waitOverrideMs: options.workflowWaitOverrideMs });
  useWorkflowStarter(workflowRunner.starter);
  const identityProvider = new LocalIdentityProvider(
    options.keyDir ? join(options.keyDir, 'local-idp.pem') : undefined,
  );
  localServices.identityProvider = identityProvider;
  const sessionKey = loadOrCreateRsaKey(
    'genascope-local-session',
    options.keyDir ? join(options.keyDir, 'session-key.pem') : undefined,
  );
  useSessionKeyProvider(async () => ({
    kid: sessionKey.kid,
    publicJwk: sessionKey.publicJwk,
    sign: localRs256Signer(sessionKey.privateKey),
  }));
  const server = createGateway(routes, loadAreaHandler);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    server,
    identityProvider,
    workflows: workflowRunner,
    close: () =>
      new Promise<void>((resolve, reject) => {
        workflowRunner.abortAll();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
