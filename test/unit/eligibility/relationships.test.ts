import { describe, expect, test } from 'vitest';
import {
  RELATIONSHIPS,
  degreeOf,
  isQualifyingRelative,
  relationshipLabel,
  sexOf,
  sidesOf,
  type Relationship,
} from '../../../functions/eligibility/relationships.ts';

const link = (
  relationship: Relationship,
  extra: { side?: 'maternal' | 'paternal'; throughTwoMales?: boolean | null; sex?: 'female' | 'male' } = {},
) => ({
  relationship,
  sex: extra.sex,
  side: extra.side,
  throughTwoMales: extra.throughTwoMales ?? null,
});

describe('relationships', () => {
  test('degrees follow RISK_PROFILE.md', () => {
    const byDegree = (d: number) => RELATIONSHIPS.filter((r) => degreeOf({ relationship: r }) === d).length;
    expect([byDegree(1), byDegree(2), byDegree(3)]).toEqual([6, 16, 10]);
    expect(degreeOf({ relationship: 'maternal_half_sister' })).toBe(2);
    expect(degreeOf({ relationship: 'grandson' })).toBe(2);
    expect(degreeOf({ relationship: 'paternal_great_aunt' })).toBe(3);
  });

  test.each([
    ['mother', undefined, ['maternal']],
    ['paternal_grandfather', undefined, ['paternal']],
    ['maternal_half_brother', undefined, ['maternal']],
    ['sister', undefined, ['maternal', 'paternal']],
    ['son', undefined, ['maternal', 'paternal']],
    ['niece', undefined, ['maternal', 'paternal']],
    ['niece', 'paternal', ['paternal']],
    ['granddaughter', 'maternal', ['maternal']],
    ['paternal_first_cousin', undefined, ['paternal']],
  ] as const)('%s (side %s) counts on %j', (relationship, side, sides) => {
    expect(sidesOf(link(relationship, side ? { side } : {}))).toEqual(sides);
  });

  test('sex is implied by the relationship unless given', () => {
    expect(sexOf(link('maternal_aunt'))).toBe('female');
    expect(sexOf(link('paternal_great_grandfather'))).toBe('male');
    expect(sexOf(link('maternal_first_cousin', { sex: 'male' }))).toBe('male');
  });

  test.each([
    ['mother', null, true],
    ['maternal_half_sister', null, true],
    ['grandson', null, true],
    ['maternal_first_cousin', null, false],
    ['maternal_great_aunt', true, false],
    ['paternal_first_cousin', true, true],
    ['paternal_first_cousin', false, false],
    ['paternal_great_grandfather', null, null],
  ] as const)('%s (through two males: %s) qualifying: %s', (relationship, throughTwoMales, qualifying) => {
    expect(isQualifyingRelative(link(relationship, { throughTwoMales }))).toBe(qualifying);
  });

  test('labels read naturally', () => {
    expect(relationshipLabel('maternal_great_grandmother')).toBe('Maternal great grandmother');
    expect(relationshipLabel('sister')).toBe('Sister');
  });
});
