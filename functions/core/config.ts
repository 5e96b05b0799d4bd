/**
 * Configuration, read once at module load. Lambda environments are set by the CDK stack;
 * local mode (`npm start`, tests) sets LOCAL_MODE=1 and gets local defaults.
 */
const env = process.env;

function optional(name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

function required(name: string): string {
  const value = optional(name);
  if (value === undefined) throw new Error(`Missing required environment variable ${name}`);
  return value;
}

function intValue(name: string, fallback: number): number {
  const raw = optional(name);
  if (raw === undefined) return fallback;
  const parsed = Number.parseInt(raw, 10);
  if (!Number.isFinite(parsed)) throw new Error(`Environment variable ${name} must be an integer`);
  return parsed;
}

export const isLocalMode = optional('LOCAL_MODE') === '1';

export interface DataApiConfig {
  resourceArn: string;
  secretArn: string;
  database: string;
}

export function dataApiConfig(): DataApiConfig | undefined {
  const resourceArn = optional('DB_CLUSTER_ARN');
  const secretArn = optional('DB_SECRET_ARN');
  if (!resourceArn || !secretArn) return undefined;
  return { resourceArn, secretArn, database: optional('DB_NAME') ?? 'genascope' };
}

export function databaseUrl(): string | undefined {
  return optional('DATABASE_URL');
}

export const LOCAL_USER_POOL_ID = 'us-east-1_GenascopeLocal';
export const LOCAL_CLIENT_ID = 'genascope-local-client';

export const authConfig = {
  userPoolId: isLocalMode
    ? (optional('COGNITO_USER_POOL_ID') ?? LOCAL_USER_POOL_ID)
    : (optional('COGNITO_USER_POOL_ID') ?? ''),
  clientId: isLocalMode ? (optional('COGNITO_CLIENT_ID') ?? LOCAL_CLIENT_ID) : (optional('COGNITO_CLIENT_ID') ?? ''),
  /** How long a verified user's active/suspended state is trusted before it is read again. */
  userCacheTtlMs: intValue('AUTH_USER_CACHE_TTL_MS', 30_000),
};

export const corsConfig = {
  allowedOrigins: (optional('CORS_ALLOWED_ORIGINS') ?? (isLocalMode ? '*' : ''))
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean),
};

export function requireConfig(name: string): string {
  return required(name);
}
export function optionalConfig(name: string): string | undefined {
  return optional(name);
}
export function intConfig(name: string, fallback: number): number {
  return intValue(name, fallback);
}
