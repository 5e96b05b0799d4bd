import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { beforeAll, describe, expect, test } from 'vitest';
import { createApp, type GenascopeApp } from '../../lib/app.ts';
import { collectAcknowledgements, MIN_REASON_LENGTH } from '../../lib/nag.ts';

/** cdk-nag v3 reports through CDK policy validation: a finding makes synthesis throw with the report. */
let g: GenascopeApp;
let synthError: unknown;

function violations(root: GenascopeApp['app']) {
  return [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((pack) =>
    pack
      .validateScope(root)
      .violations.flatMap((v) =>
        v.violatingResources.map((r) => ({ rule: v.ruleName, severity: v.severity, path: r.constructPath ?? '' })),
      ),
  );
}

beforeAll(() => {
  g = createApp({ skipBundling: true, outdir: mkdtempSync(join(tmpdir(), 'genascope-nag-')) });
  try {
    g.app.synth();
  } catch (error) {
    synthError = error;
  }
});

describe('cdk-nag AwsSolutions + HIPAA.Security', () => {
  test('both packs are registered and synthesis passes them', () => {
    expect(g.nagPacks.map((p) => p.name).sort()).toEqual(['AwsSolutions', 'HIPAA.Security']);
    expect(synthError).toBeUndefined();
  });

  test('no unacknowledged error or warning', () => {
    expect(violations(g.app)).toEqual([]);
    for (const stack of [g.data, g.auth, g.api]) {
      const annotations = Annotations.fromStack(stack);
      for (const pack of ['AwsSolutions-.*', 'HIPAA\\.Security-.*']) {
        expect(annotations.findError('*', Match.stringLikeRegexp(pack))).toEqual([]);
        expect(annotations.findWarning('*', Match.stringLikeRegexp(pack))).toEqual([]);
      }
      expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    }
  });

  test('every acknowledgement names a rule of the two packs and says why', () => {
    const acks = collectAcknowledgements(g.app).filter((a) => /^(AwsSolutions|HIPAA\.Security)-/.test(a.id));
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.reason.trim().length, `${ack.id} on ${ack.path}`).toBeGreaterThanOrEqual(MIN_REASON_LENGTH);
    }
  });

  test('no acknowledgement is stale, and without them synthesis fails', () => {
    const unacknowledged = createApp({
      skipBundling: true,
      acknowledgeNagFindings: false,
      outdir: mkdtempSync(join(tmpdir(), 'genascope-nag-')),
    });
    const findings = violations(unacknowledged.app);
    const acks = collectAcknowledgements(g.app).filter((a) => /^(AwsSolutions|HIPAA\.Security)-/.test(a.id));
    const stale = acks.filter(
      (ack) => !findings.some((f) => f.rule === ack.id && (f.path === ack.path || f.path.startsWith(`${ack.path}/`))),
    );
    expect(stale).toEqual([]);
    expect(() => unacknowledged.app.synth()).toThrow(/AwsSolutions-|HIPAA\.Security-/);
  });
});
