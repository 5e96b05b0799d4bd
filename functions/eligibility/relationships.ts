/**
 * What a relationship implies (RISK_PROFILE.md, NCCN_RULES.md definitions): degree, the family side(s) a relative's
 * diagnoses count on, the relative's sex, and whether the relative is a *qualifying* relative for family criteria.
 */
import type { Relative } from './risk-profile.schema.ts';
import type { Tri } from './logic.ts';

export type Sex = 'female' | 'male';
export type Side = 'maternal' | 'paternal';
export type Degree = 1 | 2 | 3;

/**
 * - `maternal` / `paternal`: fixed by the relationship.
 * - `both`: full siblings and children share both of the patient's sides; `side` must not be given.
 * - `given_or_both`: nieces/nephews (via a full or a half sibling) and grandchildren: the side given, else both.
 */
export type SideRule = Side | 'both' | 'given_or_both';

interface RelationshipFacts {
  readonly degree: Degree;
  /** null: the relationship does not imply the relative's sex (first cousins), so `sex` is required. */
  readonly sex: Sex | null;
  readonly side: SideRule;
}

export const RELATIONSHIP_FACTS = {
  mother: { degree: 1, sex: 'female', side: 'maternal' },
  father: { degree: 1, sex: 'male', side: 'paternal' },
  sister: { degree: 1, sex: 'female', side: 'both' },
  brother: { degree: 1, sex: 'male', side: 'both' },
  daughter: { degree: 1, sex: 'female', side: 'both' },
  son: { degree: 1, sex: 'male', side: 'both' },

  maternal_grandmother: { degree: 2, sex: 'female', side: 'maternal' },
  maternal_grandfather: { degree: 2, sex: 'male', side: 'maternal' },
  paternal_grandmother: { degree: 2, sex: 'female', side: 'paternal' },
  paternal_grandfather: { degree: 2, sex: 'male', side: 'paternal' },
  maternal_aunt: { degree: 2, sex: 'female', side: 'maternal' },
  maternal_uncle: { degree: 2, sex: 'male', side: 'maternal' },
  paternal_aunt: { degree: 2, sex: 'female', side: 'paternal' },
  paternal_uncle: { degree: 2, sex: 'male', side: 'paternal' },
  maternal_half_sister: { degree: 2, sex: 'female', side: 'maternal' },
  maternal_half_brother: { degree: 2, sex: 'male', side: 'maternal' },
  paternal_half_sister: { degree: 2, sex: 'female', side: 'paternal' },
  paternal_half_brother: { degree: 2, sex: 'male', side: 'paternal' },
  niece: { degree: 2, sex: 'female', side: 'given_or_both' },
  nephew: { degree: 2, sex: 'male', side: 'given_or_both' },
  granddaughter: { degree: 2, sex: 'female', side: 'given_or_both' },
  grandson: { degree: 2, sex: 'male', side: 'given_or_both' },

  maternal_first_cousin: { degree: 3, sex: null, side: 'maternal' },
  paternal_first_cousin: { degree: 3, sex: null, side: 'paternal' },
  maternal_great_grandmother: { degree: 3, sex: 'female', side: 'maternal' },
  maternal_great_grandfather: { degree: 3, sex: 'male', side: 'maternal' },
  paternal_great_grandmother: { degree: 3, sex: 'female', side: 'paternal' },
  paternal_great_grandfather: { degree: 3, sex: 'male', side: 'paternal' },
  maternal_great_aunt: { degree: 3, sex: 'female', side: 'maternal' },
  maternal_great_uncle: { degree: 3, sex: 'male', side: 'maternal' },
  paternal_great_aunt: { degree: 3, sex: 'female', side: 'paternal' },
  paternal_great_uncle: { degree: 3, sex: 'male', side: 'paternal' },
} as const satisfies Record<string, RelationshipFacts>;

export type Relationship = keyof typeof RELATIONSHIP_FACTS;
export const RELATIONSHIPS = Object.keys(RELATIONSHIP_FACTS) as Relationship[];

/** The parts of a relative this module reads (so the schema can use it before a Relative exists). */
type RelativeLink = Pick<Relative, 'relationship' | 'sex' | 'side' | 'throughTwoMales'>;

export function relationshipFacts(relationship: Relationship): RelationshipFacts {
  return RELATIONSHIP_FACTS[relationship];
}

export function degreeOf(relative: Pick<Relative, 'relationship'>): Degree {
  return RELATIONSHIP_FACTS[relative.relationship].degree;
}

export function impliedSex(relationship: Relationship): Sex | null {
  return RELATIONSHIP_FACTS[relationship].sex;
}

/** The relative's sex assigned at birth: as reported when given, else as the relationship implies. */
export function sexOf(relative: Pick<Relative, 'relationship' | 'sex'>): Sex {
  // The schema requires `sex` where the relationship implies none, so the fallback never applies to valid input.
  return relative.sex ?? impliedSex(relative.relationship) ?? 'female';
}

/** The sides of the family this relative's diagnoses count on. */
export function sidesOf(relative: Pick<Relative, 'relationship' | 'side'>): readonly Side[] {
  const rule = RELATIONSHIP_FACTS[relative.relationship].side;
  if (rule === 'maternal' || rule === 'paternal') return [rule];
  if (rule === 'given_or_both' && relative.side) return [relative.side];
  return ['maternal', 'paternal'];
}

/** Whether `side` may be given with this relationship (and, if so, which values agree with it). */
export function sideAgreesWithRelationship(relationship: Relationship, side: Side): boolean {
  const rule = RELATIONSHIP_FACTS[relationship].side;
  if (rule === 'given_or_both') return true;
  return rule === side;
}

/**
 * Only a paternal 3rd-degree relative can be related through two males (father + his father or brother); on the
 * mother's side the chain starts with a woman.
 */
export function canBeThroughTwoMales(relationship: Relationship): boolean {
  const facts = RELATIONSHIP_FACTS[relationship];
  return facts.degree === 3 && facts.side === 'paternal';
}

/**
 * Qualifying relative for family criteria: 1st or 2nd degree, or 3rd degree related through two males.
 * Unknown (null) only for a paternal 3rd-degree relative whose `throughTwoMales` is not reported.
 */
export function isQualifyingRelative(relative: RelativeLink): Tri {
  if (degreeOf(relative) < 3) return true;
  if (!canBeThroughTwoMales(relative.relationship)) return false;
  return relative.throughTwoMales;
}

export function relationshipLabel(relationship: Relationship): string {
  const words = relationship.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
