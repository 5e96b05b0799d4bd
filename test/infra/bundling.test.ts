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
