import { createHash } from 'node:crypto';
import { isLocalMode, optionalConfig } from '../core/config.ts';

/**
 * The webhook secrets of each lab. A lab may have several at once while it rotates its secret: any of them
 * verifies a delivery.
 *
 * - AWS: `LAB_WEBHOOK_SECRETS_ARN` names a Secrets Manager secret whose value is JSON
 *   `{ "<labId>": ["whsec_…", …] }` (a single string is accepted too). It is read once and cached for
 *   `LAB_WEBHOOK_SECRETS_TTL_SECONDS` (300), so a rotation takes effect within minutes without a deploy.
 * - Local mode and tests: `LAB_WEBHOOK_SECRETS` (same JSON, optional), otherwise a deterministic dev secret per
 *   lab (`localLabSecret`), which the sandbox lab signs with.
 */
export type LabSecrets = ReadonlyMap<string, readonly string[]>;

const SECRETS_ARN = optionalConfig('LAB_WEBHOOK_SECRETS_ARN');
if (!isLocalMode && !SECRETS_ARN) throw new Error('LAB_WEBHOOK_SECRETS_ARN is not configured');
const TTL_MS = Number(optionalConfig('LAB_WEBHOOK_SECRETS_TTL_SECONDS') ?? '300') * 1000;

/** Local mode only: a stable, per-lab secret so that `npm start` and the tests need no setup. */
export function localLabSecret(labId: string): string {
  return `whsec_${createHash('sha256').update(`genascope-local-lab-webhook:${labId}`).digest('base64')}`;
}

/** `{ labId: secret | secret[] }` → `{ labId: secret[] }`; anything else is a configuration error. */
export function parseLabSecrets(json: string): LabSecrets {
  const parsed = JSON.parse(json) as unknown;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('Lab webhook secrets must be a JSON object');
  const out = new Map<string, readonly string[]>();
  for (const [labId, value] of Object.entries(parsed as Record<string, unknown>)) {
    const list: unknown[] = Array.isArray(value) ? value : [value];
    if (!list.every((s): s is string => typeof s === 'string' && s.length > 0))
      throw new Error('Lab webhook secrets must be strings');
    out.set(labId, list);
  }
  return out;
}

let client: import('@aws-sdk/client-secrets-manager').SecretsManagerClient | undefined;
let cached: { secrets: LabSecrets; at: number } | undefined;

async function fromSecretsManager(arn: string): Promise<LabSecrets> {
  if (cached && Date.now() - cached.at < TTL_MS) return cached.secrets;
  // Loaded on this AWS path only (local mode and tests never need the client).
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  client ??= new SecretsManagerClient({});
  const result = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  if (!result.SecretString) throw new Error('Lab webhook secret has no string value');
  cached = { secrets: parseLabSecrets(result.SecretString), at: Date.now() };
  return cached.secrets;
}

function localSecrets(labId: string): readonly string[] {
  const configured = optionalConfig('LAB_WEBHOOK_SECRETS');
  if (configured) return parseLabSecrets(configured).get(labId) ?? [];
  return [localLabSecret(labId)];
}

/** The secrets that may have signed a delivery from `labId` (empty: the lab is unknown). */
export async function labSecrets(labId: string): Promise<readonly string[]> {
  if (SECRETS_ARN) return (await fromSecretsManager(SECRETS_ARN)).get(labId) ?? [];
  return localSecrets(labId);
}

/** Tests and rotations: drop the cached secret value. */
export function forgetLabSecrets(): void {
  cached = undefined;
}
