import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { expect, test } from 'vitest';
import { areaEntry, HOUSE_BUNDLE, houseEsbuildOptions } from '../../lib/constructs/genascope-function.ts';

const MAX_BUNDLE_BYTES = 2 * 1024 * 1024;

// The one real bundling test: an area handler through esbuild with the house construct's options.
test('an area handler bundles into one ESM file under 2 MB that loads and exports handler', async () => {
  const entry = existsSync(areaEntry('platform')) ? areaEntry('platform') : areaEntry('migrate');
  const outfile = join(mkdtempSync(join(tmpdir(), 'genascope-bundle-')), 'index.mjs');

  const result = await build({ ...houseEsbuildOptions(entry, outfile), metafile: true });

  expect(result.errors).toEqual([]);
  const size = statSync(outfile).size;
  expect(size).toBeGreaterThan(0);
  expect(size).toBeLessThan(MAX_BUNDLE_BYTES);
  expect(existsSync(`${outfile}.map`)).toBe(true);
  const code = readFileSync(outfile, 'utf8');
  expect(code.startsWith(HOUSE_BUNDLE.banner)).toBe(true);
  // Local-only packages stay out of the bundle.
  const inputs = Object.keys(result.metafile.inputs);
  for (const external of HOUSE_BUNDLE.external) {
    expect(inputs.filter((p) => p.includes(`node_modules/${external}/`))).toEqual([]);
  }
  const mod = (await import(pathToFileURL(outfile).href)) as { handler?: unknown };
  expect(typeof mod.handler).toBe('function');
}, 30_000);

// The house bundling swaps the SDK's default credential chain for the environment provider (what Lambda uses).
test('bundled SDK clients take their credentials from the environment, without the rest of the default chain', async () => {
  const outfile = join(mkdtempSync(join(tmpdir(), 'genascope-bundle-')), 'index.mjs');
  const result = await build({
    ...houseEsbuildOptions(join(import.meta.dirname, 'fixtures', 'bundling', 'credentials-probe.ts'), outfile),
    metafile: true,
  });

  const packages = new Set(
    Object.keys(result.metafile.inputs).map((p) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p)?.[1]),
  );
  expect(packages).toContain('@aws-sdk/credential-provider-env');
  for (const unreachable of [
    '@aws-sdk/credential-provider-node',
    '@aws-sdk/credential-provider-ini',
    '@aws-sdk/credential-provider-sso',
    '@aws-sdk/nested-clients',
  ]) {
    expect(packages).not.toContain(unreachable);
  }

  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'ASIAPROBE',
    AWS_SECRET_ACCESS_KEY: 'probe-secret',
    AWS_SESSION_TOKEN: 'probe-session',
  });
  try {
    const { resolveCredentials } = (await import(pathToFileURL(outfile).href)) as {
      resolveCredentials: () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>;
    };
    await expect(resolveCredentials()).resolves.toMatchObject({
      accessKeyId: 'ASIAPROBE',
      secretAccessKey: 'probe-secret',
      sessionToken: 'probe-session',
    });
    delete process.env.AWS_ACCESS_KEY_ID;
    await expect(resolveCredentials()).rejects.toThrow(/AWS_ACCESS_KEY_ID|credentials/i);
  } finally {
    process.env = saved;
  }
}, 30_000);
