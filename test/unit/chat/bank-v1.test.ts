import { describe, expect, test } from 'vitest';
import { BANK_V1 } from '../../../functions/chat/question-bank/bank-v1.ts';
import { RELATIONSHIPS } from '../../../functions/eligibility/relationships.ts';
import { CANCER_TYPES, RACES } from '../../../functions/eligibility/risk-profile.schema.ts';
import { FULL_FEMALE_PATH, MALE_PATH, answerInOrder, questionOf, walkBank, type Step } from './helpers.ts';

const optionValues = (key: string) => (questionOf(key).options ?? []).map((option) => option.value);

describe('BANK_V1', () => {
  test('is versioned and plain JSON', () => {
    expect(BANK_V1.version).toBe('genascope-risk-2026.1');
    expect(BANK_V1.startKey).toBe('sex_at_birth');
    expect(JSON.parse(JSON.stringify(BANK_V1))).toEqual(BANK_V1);
    expect(BANK_V1.questions).toHaveLength(43);
  });

  test('has stable snake_case keys, a category and patient-facing text on every question', () => {
    for (const question of BANK_V1.questions) {
      expect(question.key).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(['demographics', 'personal_history', 'family_history', 'genetics', 'reproductive']).toContain(
        question.category,
      );
      expect(question.text.length).toBeGreaterThan(10);
      for (const option of question.options ?? []) expect(option.label.trim()).not.toBe('');
    }
  });

  test('offers "I don\'t know" everywhere except questions every patient can answer', () => {
    const required = BANK_V1.questions.filter((question) => !question.allowUnknown).map((question) => question.key);
    expect(required.sort()).toEqual(
      [
        'sex_at_birth',
        'age',
        'has_cancer',
        'cancer_type_female',
        'cancer_type_male',
        'another_cancer',
        'relative_relationship',
        'relative_sex',
        'another_relative',
      ].sort(),
    );
  });

  test('offers every RiskProfile cancer type, race and relationship, cancer types by sex at birth', () => {
    expect(optionValues('race')).toEqual([...RACES]);
    expect(optionValues('relative_relationship')).toEqual(RELATIONSHIPS);
    for (const prefix of ['cancer_type', 'relative_cancer_type', 'relative_second_cancer_type']) {
      expect(optionValues(`${prefix}_female`)).toEqual(CANCER_TYPES.filter((type) => type !== 'prostate'));
      expect(optionValues(`${prefix}_male`)).toEqual(
        CANCER_TYPES.filter((type) => type !== 'ovarian' && type !== 'endometrial'),
      );
    }
  });

  test('a typical path is short enough for about ten minutes', () => {
    const typical: Step[] = [
      ['sex_at_birth', 'female'],
      ['age', 47],
      ['ashkenazi', false],
      ['race', 'white'],
      ['has_cancer', false],
      ['has_relatives_with_cancer', true],
      ['relative_relationship', 'mother'],
      ['relative_cancer_type_female', 'breast'],
      ['relative_cancer_age', 62],
      ['relative_second_cancer', false],
      ['relative_tested', 'untested'],
      ['another_relative', true],
      ['relative_relationship', 'paternal_grandfather'],
      ['relative_cancer_type_male', 'colorectal'],
      ['relative_cancer_age', null],
      ['relative_second_cancer', false],
      ['relative_tested', null],
      ['another_relative', false],
      ['familial_variant', false],
      ['prior_genetic_testing', 'none'],
      ['breast_biopsies', 1],
      ['atypical_hyperplasia', false],
      ['breast_lcis', false],
      ['age_at_menarche', 12],
      ['had_live_birth', true],
      ['age_first_birth', 29],
    ];
    expect(walkBank(answerInOrder(typical)).current).toBeNull();
    expect(typical).toHaveLength(26);
    expect(walkBank(answerInOrder(MALE_PATH)).path).toHaveLength(14);
    expect(walkBank(answerInOrder(FULL_FEMALE_PATH)).path).toHaveLength(42);
  });
});
