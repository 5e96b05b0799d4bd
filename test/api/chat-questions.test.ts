import { beforeAll, describe, expect, test } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { useTestApi } from '../support/api.ts';
import { forgetBank } from '../../functions/chat/question-bank-store.ts';
import { answerSteps } from '../support/assessment.ts';

/** The question bank over HTTP: staff read it, only a super_admin edits it, and edits keep the graph sound. */

interface QuestionDto {
  id: number;
  key: string;
  text: string;
  questionType: string;
  allowUnknown: boolean;
  min: number | null;
  max: number | null;
  next: { rules: unknown[]; default: string };
  isActive: boolean;
}

describe.each(DIALECTS)('question bank (%s)', (dialect) => {
  const api = useTestApi(dialect);
  // Both dialect suites share this process and its bank cache, but not their databases.
  beforeAll(() => forgetBank());

  const questions = async (): Promise<QuestionDto[]> => {
    const response = await api().request('GET', '/v1/chat-questions', {
      token: await api().token('staff@demo-clinic.test'),
    });
    expect(response.status).toBe(200);
    return response.body.items;
  };
  const byKey = async (key: string) => (await questions()).find((q) => q.key === key) as QuestionDto;
  const rows = () => api().db.selectFrom('chat_questions').selectAll().orderBy('id').execute();

  async function providerSession(): Promise<{ id: string; token: string }> {
    const token = await api().token('clinician@demo-clinic.test');
    const patient = await api()
      .db.selectFrom('patients')
      .select('id')
      .where('account_id', '=', api().seed.accounts['Demo Clinic'] as string)
      .executeTakeFirstOrThrow();
    const created = await api().request('POST', '/v1/chat-sessions', {
      token,
      body: { patientId: patient.id, source: 'provider' },
    });
    expect(created.status).toBe(201);
    return { id: created.body.id, token };
  }

  test('staff read the seeded bank: 43 active questions starting with sex at birth', async () => {
    const response = await api().request('GET', '/v1/chat-questions', {
      token: await api().token('staff@demo-clinic.test'),
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ version: 'genascope-risk-2026.1', startKey: 'sex_at_birth' });
    const items = response.body.items as QuestionDto[];
    expect(items).toHaveLength(43);
    expect(items.every((q) => q.isActive)).toBe(true);
    expect(new Set(items.map((q) => q.key)).size).toBe(43);
    expect(items.find((q) => q.key === 'age')).toMatchObject({
      questionType: 'number',
      min: 18,
      max: 110,
      allowUnknown: false,
      next: { rules: [], default: 'ashkenazi' },
    });
    expect((await api().request('GET', '/v1/chat-questions')).status).toBe(401);
  });

  test('only a super_admin may add or edit questions', async () => {
    const before = await rows();
    const race = await byKey('race');
    const draft = {
      key: 'draft_question',
      text: 'A draft?',
      questionType: 'yes_no',
      allowUnknown: true,
      category: 'demographics',
    };
    for (const email of ['admin@demo-clinic.test', 'clinician@demo-clinic.test', 'staff@demo-clinic.test']) {
      const token = await api().token(email);
      expect((await api().request('POST', '/v1/chat-questions', { token, body: draft })).status, email).toBe(403);
      expect(
        (await api().request('PATCH', `/v1/chat-questions/${race.id}`, { token, body: { text: 'Changed?' } })).status,
        email,
      ).toBe(403);
    }
    expect(await rows()).toEqual(before);
  });

  test('a PATCH leaving a dangling target or an unreachable question is a 422 naming the problem, and nothing changes', async () => {
    const token = await api().token('superadmin@genascope.test');
    const before = await rows();
    const race = await byKey('race');
    const dangling = await api().request('PATCH', `/v1/chat-questions/${race.id}`, {
      token,
      body: { next: { rules: [], default: 'shoe_size' } },
    });
    expect(dangling.status).toBe(422);
    expect(dangling.body.errors).toContainEqual({
      field: 'questions.race',
      message: "Next question 'shoe_size' does not exist",
    });

    const hasCancer = await byKey('has_cancer');
    const skipsCancers = await api().request('PATCH', `/v1/chat-questions/${hasCancer.id}`, {
      token,
      body: { next: { rules: [], default: 'has_relatives_with_cancer' } },
    });
    expect(skipsCancers.status).toBe(422);
    const unreachable = skipsCancers.body.errors
      .filter((e: { message: string }) => e.message === 'Unreachable from the start question')
      .map((e: { field: string }) => e.field);
    expect(unreachable).toEqual(
      expect.arrayContaining([
        'questions.cancer_type_female',
        'questions.cancer_type_male',
        'questions.cancer_age',
        'questions.another_cancer',
      ]),
    );

    // Deactivating a question that others lead to leaves their targets dangling.
    const ashkenazi = await byKey('ashkenazi');
    const deactivate = await api().request('PATCH', `/v1/chat-questions/${ashkenazi.id}`, {
      token,
      body: { isActive: false },
    });
    expect(deactivate.status).toBe(422);
    expect(deactivate.body.errors).toContainEqual({
      field: 'questions.age',
      message: "Next question 'ashkenazi' does not exist",
    });

    expect(await rows()).toEqual(before);
    const fresh = await providerSession();
    const walked = await answerSteps(api(), fresh.id, fresh.token, [
      ['sex_at_birth', 'female'],
      ['age', 50],
      ['ashkenazi', false],
      ['race', 'white'],
    ]);
    expect(walked.currentQuestion.key).toBe('has_cancer');
  });

  test('a valid PATCH is stored and audited; new text reaches sessions', async () => {
    const token = await api().token('superadmin@genascope.test');
    const race = await byKey('race');
    const patched = await api().request('PATCH', `/v1/chat-questions/${race.id}`, {
      token,
      body: { text: 'Which race or ethnicity describes you best?' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      id: race.id,
      key: 'race',
      text: 'Which race or ethnicity describes you best?',
      next: race.next,
    });
    expect((await byKey('race')).text).toBe('Which race or ethnicity describes you best?');
    const session = await providerSession();
    const atRace = await answerSteps(api(), session.id, session.token, [
      ['sex_at_birth', 'male'],
      ['age', 33],
      ['ashkenazi', true],
    ]);
    expect(atRace.currentQuestion).toMatchObject({ key: 'race', text: 'Which race or ethnicity describes you best?' });
    const audit = await api()
      .db.selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'chat_question.update')
      .where('resource_id', '=', String(race.id))
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor_id).toBe(api().seed.users['superadmin@genascope.test']);
  });

  test('POST with insertAfter joins the flow: a new session meets the question right after its predecessor and completes', async () => {
    const token = await api().token('superadmin@genascope.test');
    const age = await byKey('age');
    const created = await api().request('POST', '/v1/chat-questions', {
      token,
      body: {
        key: 'height_cm',
        text: 'How tall are you, in centimetres?',
        questionType: 'number',
        min: 100,
        max: 250,
        integer: true,
        allowUnknown: true,
        category: 'demographics',
        insertAfter: age.id,
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: 'height_cm', isActive: true, next: { rules: [], default: 'ashkenazi' } });
    expect((await byKey('age')).next.default).toBe('height_cm');
    expect(await questions()).toHaveLength(44);
    const audit = await api()
      .db.selectFrom('audit_events')
      .selectAll()
      .where('request_id', '=', created.headers.get('x-request-id') as string)
      .execute();
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'chat_question.create',
        resource_type: 'chat_question',
        resource_id: String(created.body.id),
        account_id: null,
        actor_id: api().seed.users['superadmin@genascope.test'],
      }),
    ]);

    const session = await providerSession();
    const atHeight = await answerSteps(api(), session.id, session.token, [
      ['sex_at_birth', 'male'],
      ['age', 61],
    ]);
    expect(atHeight.currentQuestion).toMatchObject({ id: created.body.id, key: 'height_cm', min: 100, max: 250 });
    const outOfRange = await api().request('POST', `/v1/chat-sessions/${session.id}/answers`, {
      token: session.token,
      body: { questionId: created.body.id, answer: 300 },
    });
    expect(outOfRange.status).toBe(422);
    const done = await answerSteps(api(), session.id, session.token, [
      ['height_cm', 180],
      ['ashkenazi', false],
      ['race', 'black'],
      ['has_cancer', false],
      ['has_relatives_with_cancer', false],
      ['familial_variant', false],
      ['prior_genetic_testing', 'none'],
    ]);
    expect(done.readyToComplete).toBe(true);
    const completed = await api().request('POST', `/v1/chat-sessions/${session.id}/complete`, { token: session.token });
    expect(completed.status, completed.text).toBe(200);
    expect(completed.body.riskProfile).toEqual({
      version: 1,
      sex: 'male',
      age: 61,
      ashkenaziJewish: false,
      race: 'black',
      personalCancers: [],
      relatives: [],
      knownFamilialVariant: { present: false, gene: null },
      priorGeneticTesting: 'none',
      brcaCarrierProbability: null,
    });
    const result = await api()
      .db.selectFrom('eligibility_results')
      .select('outcome')
      .where('session_id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(result.outcome).toBe('not_met');
  });

  test('POST without insertAfter is an inactive draft that sessions do not meet; bad drafts are refused', async () => {
    const token = await api().token('superadmin@genascope.test');
    const draft = await api().request('POST', '/v1/chat-questions', {
      token,
      body: {
        key: 'smoker',
        text: 'Do you smoke?',
        questionType: 'yes_no',
        allowUnknown: true,
        category: 'lifestyle',
        next: { rules: [], default: 'END' },
      },
    });
    expect(draft.status).toBe(201);
    expect(draft.body.isActive).toBe(false);
    const draftAudit = await api()
      .db.selectFrom('audit_events')
      .select(['action', 'resource_id'])
      .where('request_id', '=', draft.headers.get('x-request-id') as string)
      .execute();
    expect(draftAudit).toEqual([{ action: 'chat_question.create', resource_id: String(draft.body.id) }]);
    const dangling = await api().request('POST', '/v1/chat-questions', {
      token,
      body: {
        key: 'drinker',
        text: 'Do you drink?',
        questionType: 'yes_no',
        allowUnknown: true,
        category: 'lifestyle',
        next: { rules: [], default: 'nowhere' },
      },
    });
    expect(dangling.status).toBe(422);
    const duplicate = await api().request('POST', '/v1/chat-questions', {
      token,
      body: { key: 'age', text: 'Age?', questionType: 'number', allowUnknown: false, category: 'demographics' },
    });
    expect(duplicate.status).toBe(422);
    expect(duplicate.body.errors.map((e: { field: string }) => e.field)).toContain('body.key');
    expect((await questions()).filter((q) => ['drinker'].includes(q.key))).toHaveLength(0);

    const session = await providerSession();
    const walked = await answerSteps(api(), session.id, session.token, [
      ['sex_at_birth', 'female'],
      ['age', 44],
    ]);
    expect(walked.currentQuestion.key).not.toBe('smoker');
  });
});
