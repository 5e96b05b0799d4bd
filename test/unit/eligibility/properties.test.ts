import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import { EligibilityResultSchema } from '../../../functions/eligibility/eligibility.schemas.ts';
import { evaluateEligibility, type EligibilityResult } from '../../../functions/eligibility/engine.ts';
import { possibleValues, withValueAt } from '../../../functions/eligibility/profile-paths.ts';
import { sexOf } from '../../../functions/eligibility/relationships.ts';
import {
  parseRiskProfile,
  validateRiskProfile,
  type RiskProfile,
} from '../../../functions/eligibility/risk-profile.schema.ts';
import { currentRuleset } from '../../../functions/eligibility/rulesets/index.ts';
import { cancerArb, profileArb, profileWithRelativeArb, unknownInputPaths } from './arbitraries.ts';

const RUNS = { numRuns: 150 };

function statuses(profile: RiskProfile): Map<string, string> {
  return new Map(currentRuleset.criteria.map((c) => [c.id, c.evaluate(profile).status]));
}

/** A profile with one of its unknown inputs set to one of its possible values. */
const resolvedUnknownArb = profileArb
  .filter((p) => unknownInputPaths(p).length > 0)
  .chain((p) =>
    fc
      .constantFrom(...unknownInputPaths(p))
      .chain((path) =>
        fc
          .constantFrom(...possibleValues(p, path))
          .map((value) => ({ before: p, path, after: parseRiskProfile(withValueAt(p, path, value)) })),
      ),
  );

describe('eligibility properties', () => {
  test('adding a cancer to a relative never turns "meets" into anything else', () => {
    const arb = profileWithRelativeArb.chain(([p, index]) => {
      const relative = p.relatives[index]!;
      return cancerArb(sexOf(relative), 110).map((cancer) => ({ before: p, index, cancer }));
    });
    fc.assert(
      fc.property(arb, ({ before, index, cancer }) => {
        fc.pre(evaluateEligibility(before).outcome === 'meets');
        const relatives = before.relatives.map((r, i) => (i === index ? { ...r, cancers: [...r.cancers, cancer] } : r));
        const after = parseRiskProfile({ ...before, relatives });
        expect(evaluateEligibility(after).outcome).toBe('meets');
      }),
      RUNS,
    );
  });

  test('replacing an unknown by a value never un-meets a met criterion (nor meets a not-met one)', () => {
    fc.assert(
      fc.property(resolvedUnknownArb, ({ before, after }) => {
        const was = statuses(before);
        const now = statuses(after);
        for (const [id, status] of was) {
          if (status === 'met') expect(now.get(id), id).toBe('met');
          if (status === 'not_met') expect(now.get(id), id).toBe('not_met');
        }
      }),
      RUNS,
    );
  });

  test('the result does not depend on the order of relatives', () => {
    const arb = profileArb.chain((p) =>
      fc
        .shuffledSubarray([...p.relatives.keys()], { minLength: p.relatives.length, maxLength: p.relatives.length })
        .map((order) => ({ p, order })),
    );
    fc.assert(
      fc.property(arb, ({ p, order }) => {
        const newIndexOf = new Map(order.map((oldIndex, newIndex) => [oldIndex, newIndex]));
        const remap = (path: string) =>
          path.replace(/^relatives\[(\d+)\]/, (_, i: string) => `relatives[${newIndexOf.get(Number(i))}]`);
        const original = evaluateEligibility(p);
        const shuffled = evaluateEligibility({ ...p, relatives: order.map((i) => p.relatives[i]!) });

        expect(shuffled.outcome).toBe(original.outcome);
        expect(new Set(shuffled.unknowns)).toEqual(new Set(original.unknowns.map(remap)));
        const byId = (result: EligibilityResult) =>
          new Map(
            result.criteria.map((c) => [
              c.id,
              { status: c.status, evidence: new Set(c.evidence), unknowns: new Set(c.unknowns) },
            ]),
          );
        const expected = new Map(
          original.criteria.map((c) => [
            c.id,
            { status: c.status, evidence: new Set(c.evidence.map(remap)), unknowns: new Set(c.unknowns.map(remap)) },
          ]),
        );
        expect(byId(shuffled)).toEqual(expected);
      }),
      RUNS,
    );
  });

  test('outcome precedence and result shape invariants', () => {
    fc.assert(
      fc.property(profileArb, (p) => {
        const result = evaluateEligibility(p);
        expect(v.is(EligibilityResultSchema, result)).toBe(true);
        const has = (category: string, status: string) =>
          result.criteria.some((c) => c.category === category && c.status === status);
        const expectedOutcome = has('clinically_indicated', 'met')
          ? 'meets'
          : has('clinically_indicated', 'undetermined')
            ? 'needs_review'
            : has('may_consider', 'met')
              ? 'may_consider'
              : 'not_met';
        expect(result.outcome).toBe(expectedOutcome);
        expect(result.nccnEligible).toBe(result.outcome === 'meets');
        if (result.outcome === 'meets') expect(result.unknowns).toEqual([]);
        const listed = new Set(result.criteria.flatMap((c) => c.unknowns));
        for (const path of result.unknowns) expect(listed.has(path)).toBe(true);
        for (const c of result.criteria) {
          expect(c.explanation.length).toBeGreaterThan(0);
          expect(c.evidence.length).toBeGreaterThan(0);
          if (c.status === 'met') expect(c.unknowns).toEqual([]);
          else expect(c.unknowns.length).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
  });

  test('unknowns are exactly the unknown inputs some value of which changes the outcome (brute force)', () => {
    fc.assert(
      fc.property(profileArb, (p) => {
        const { outcome, unknowns } = evaluateEligibility(p);
        const decisive = unknownInputPaths(p).filter((path) =>
          possibleValues(p, path).some((value) => evaluateEligibility(withValueAt(p, path, value)).outcome !== outcome),
        );
        expect(new Set(unknowns)).toEqual(new Set(decisive));
      }),
      { numRuns: 60 },
    );
  });

  test('validation rejects a corrupted profile and names the path', () => {
    const corruptions: Array<(p: Record<string, unknown>) => { input: unknown; path: string } | null> = [
      (p) => ({ input: { ...p, age: 17 }, path: 'age' }),
      (p) => ({ input: { ...p, version: 2 }, path: 'version' }),
      (p) => ({ input: { ...p, brcaCarrierProbability: 1.5 }, path: 'brcaCarrierProbability' }),
      (p) => ({ input: { ...p, favouriteColour: 'blue' }, path: 'favouriteColour' }),
      (p) => {
        const relatives = p.relatives as Record<string, unknown>[];
        if (relatives.length === 0) return null;
        return {
          input: { ...p, relatives: [...relatives.slice(0, -1), { ...relatives.at(-1), relationship: 'cousin' }] },
          path: `relatives[${relatives.length - 1}].relationship`,
        };
      },
      (p) => {
        const cancers = p.personalCancers as Record<string, unknown>[];
        if (cancers.length === 0) return null;
        return {
          input: {
            ...p,
            personalCancers: [{ ...cancers[0], ageAtDiagnosis: (p.age as number) + 1 }, ...cancers.slice(1)],
          },
          path: 'personalCancers[0].ageAtDiagnosis',
        };
      },
    ];
    fc.assert(
      fc.property(profileArb, fc.nat({ max: corruptions.length - 1 }), (p, which) => {
        const corruption = corruptions[which]!(structuredClone(p) as unknown as Record<string, unknown>);
        fc.pre(corruption !== null);
        const validation = validateRiskProfile(corruption.input);
        expect(validation.ok).toBe(false);
        if (!validation.ok) expect(validation.errors.map((e) => e.path)).toContain(corruption.path);
      }),
      RUNS,
    );
  });
});
