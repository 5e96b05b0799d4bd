import { afterAll, beforeAll } from 'vitest';
import type { Db } from '../../functions/core/db.ts';
import { startLocalApp, type LocalApp } from '../../functions/local/app.ts';
import { seedDemoData, type SeedResult } from '../../functions/local/seed.ts';
import { forgetStaff } from '../../functions/core/auth/staff-directory.ts';
import { forgetBank } from '../../functions/chat/question-bank-store.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { kyselyFor, type DialectKind } from './dialects.ts';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as-is (e.g. CSV); sets no content type unless given in headers. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestApi {
  url: string;
  dialect: DialectKind;
  /** Direct pg access to the same database, for arranging data and asserting on rows. */
  db: Db;
  seed: SeedResult;
  app: LocalApp;
  /** An ID token of a seeded (or created) user, from the local identity provider via POST /dev/token. */
  token(email: string): Promise<string>;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

/**
 * A fresh migrated and seeded database, the local gateway on a free port, and the handlers talking to
 * the database through the given dialect (node-postgres, or kysely-data-api over the Data API emulator).
 */
export async function startTestApi(dialect: DialectKind = 'pg'): Promise<TestApi> {
  const database: TestDatabase = await createTestDatabase();
  const seed = await seedDemoData(database.db);
  const handle = await kyselyFor(dialect, database.url);
  const app = await startLocalApp({ db: handle.db });
  const tokens = new Map<string, string>();
  const request = async <T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${app.url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  };
  return {
    url: app.url,
    dialect,
    db: database.db,
    seed,
    app,
    request,
    async token(email) {
      const cached = tokens.get(email);
      if (cached) return cached;
      const response = await request<{ idToken: string }>('POST', '/dev/token', { body: { email } });
      if (response.status !== 200) throw new Error(`No token for ${email}: ${response.status} ${response.text}`);
      tokens.set(email, response.body.idToken);
      return response.body.idToken;
    },
    async close() {
      forgetStaff();
      forgetBank();
      await app.close();
      await handle.destroy();
      await database.destroy();
    },
  };
}

/** Registers beforeAll/afterAll for a suite and returns a getter of its API. */
export function useTestApi(dialect: DialectKind = 'pg'): () => TestApi {
  let api: TestApi | undefined;
  beforeAll(async () => {
    api = await startTestApi(dialect);
  });
  afterAll(async () => {
    await api?.close();
  });
  return () => {
    if (!api) throw new Error('Test API not started');
    return api;
  };
}
