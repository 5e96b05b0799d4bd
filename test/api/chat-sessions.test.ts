import { describe, expect, test } from 'vitest';
import { sql } from 'kysely';
import { DIALECTS } from '../support/dialects.ts';
import { useTestApi } from '../support/api.ts';
import { tokenOf, answerSteps, whileRowLocked, type Step } from '../support/assessment.ts';

/** Session rules of the assessment chat over HTTP: resume, order, validation, completion, abandonment, access, audit. */

/** The shortest branch: a man without cancer or family history. */
const SHORT_BRANCH: Step[] = [
  ['sex_at_birth', 'male'],
  ['age', 50],
  ['ashkenazi', false],
  ['race', 'white'],
  ['has_cancer', false],
  ['has_relatives_with_cancer', false],
  ['familial_variant', false],
  ['prior_genetic_testing', 'none'],
];

describe.each(DIALECTS)('chat sessions (%s)', (dialect) => {
  const api = useTestApi(dialect);
  let n = 0;

  /** Invite a new patient, read the link from the e-mail, accept it. */
  async function invitedSession(firstName = 'Pat') {
    n += 1;
    const staff = await api().token('staff@demo-clinic.test');
    const email = `chat.${n}.${dialect}@example.com`;
    const created = await api().request('POST', '/v1/invites', {
      token: staff,
      body: { firstName, lastName: 'Session', email },
    });
    expect(created.status).toBe(201);
    const outbox = await api().request('GET', `/dev/outbox?to=${encodeURIComponent(email)}`);
    const secret = tokenOf((outbox.body.items[0].text as string).match(/https:\/\/\S+/)?.[0] as string);
    const accepted = await api().request('POST', `/v1/public/invites/${secret}/accept`);
    expect(accepted.status).toBe(200);
    return {
      secret,
      patientId: created.body.patientId as string,
      sessionId: accepted.body.sessionId as string,
      sessionToken: accepted.body.sessionToken as string,
    };
  }

  const answerCount = async (sessionId: string) =>
    Number(
      (
        await api()
          .db.selectFrom('chat_answers')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('session_id', '=', sessionId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  test('a reload resumes exactly at the current question with the answers so far; accepting again resumes too', async () => {
    const s = await invitedSession();
    await answerSteps(api(), s.sessionId, s.sessionToken, [
      ['sex_at_birth', 'female'],
      ['age', 52],
      ['ashkenazi', null],
    ]);
    const reloaded = await api().request('GET', `/v1/chat-sessions/${s.sessionId}`, { token: s.sessionToken });
    expect(reloaded.status).toBe(200);
    expect(reloaded.body.status).toBe('in_progress');
    expect(reloaded.body.currentQuestion).toMatchObject({
      key: 'race',
      questionType: 'multiple_choice',
      allowUnknown: true,
      iteration: 0,
    });
    expect(reloaded.body.currentQuestion.options.map((o: { value: string }) => o.value)).toContain('white');
    expect(
      reloaded.body.answers.map((a: { questionKey: string; answer: unknown }) => [a.questionKey, a.answer]),
    ).toEqual([
      ['sex_at_birth', 'female'],
      ['age', 52],
      ['ashkenazi', null],
    ]);
    expect(reloaded.body.progress).toBeGreaterThan(0);
    expect(reloaded.body.progress).toBeLessThan(100);

    const again = await api().request('POST', `/v1/public/invites/${s.secret}/accept`);
    expect(again.body.sessionId).toBe(s.sessionId);
    const resumed = await api().request('GET', `/v1/chat-sessions/${s.sessionId}`, { token: again.body.sessionToken });
    expect(resumed.body.currentQuestion.key).toBe('race');
    expect(resumed.body.answers).toHaveLength(3);
  });

  test('answering a question that is not the current one is a 409 and stores nothing', async () => {
    const s = await invitedSession();
    const first = await answerSteps(api(), s.sessionId, s.sessionToken, [['sex_at_birth', 'male']]);
    const sexQuestionId = first.answers[0].questionId;
    const questions = (
      await api().request('GET', '/v1/chat-questions', { token: await api().token('staff@demo-clinic.test') })
    ).body.items as { id: number; key: string }[];
    const later = questions.find((q) => q.key === 'ashkenazi') as { id: number };

    const repeat = await api().request('POST', `/v1/chat-sessions/${s.sessionId}/answers`, {
      token: s.sessionToken,
      body: { questionId: sexQuestionId, answer: 'female' },
    });
    expect(repeat.status).toBe(409);
    expect(repeat.body.currentQuestion.key).toBe('age');
    const ahead = await api().request('POST', `/v1/chat-sessions/${s.sessionId}/answers`, {
      token: s.sessionToken,
      body: { questionId: later.id, answer: true },
    });
    expect(ahead.status).toBe(409);
    expect(await answerCount(s.sessionId)).toBe(1);
    const state = await api().request('GET', `/v1/chat-sessions/${s.sessionId}`, { token: s.sessionToken });
    expect(state.body.answers.map((a: { answer: unknown }) => a.answer)).toEqual(['male']);
  });

  test('bad answers are a 422 naming body.answer, and nothing is stored', async () => {
    const s = await invitedSession();
    await answerSteps(api(), s.sessionId, s.sessionToken, [['sex_at_birth', 'female']]);
    const at = async () =>
      (await api().request('GET', `/v1/chat-sessions/${s.sessionId}`, { token: s.sessionToken })).body;
    const post = async (answer: unknown, questionId?: number) => {
      const current = await at();
      const body: Record<string, unknown> = { questionId: questionId ?? current.currentQuestion.id };
      if (answer !== undefined) body.answer = answer;
      return api().request('POST', `/v1/chat-sessions/${s.sessionId}/answers`, { token: s.sessionToken, body });
    };
    // age: a whole number 18–110, no "I don't know"
    for (const bad of ['forty', true, ['40'], 17, 111, 40.5, null, undefined, { years: 40 }]) {
      const response = await post(bad);
      expect(response.status, JSON.stringify(bad)).toBe(422);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(
        response.body.errors.map((e: { field: string }) => e.field),
        JSON.stringify(bad),
      ).toContain('body.answer');
    }
    expect((await at()).currentQuestion.key).toBe('age');
    await answerSteps(api(), s.sessionId, s.sessionToken, [
      ['age', 40],
      ['ashkenazi', false],
    ]);
    // race: an option not offered, and a yes/no question given a string
    const notOffered = await post('martian');
    expect(notOffered.status).toBe(422);
    expect(notOffered.body.errors[0]).toMatchObject({
      field: 'body.answer',
      message: 'Please choose one of the options',
    });
    await answerSteps(api(), s.sessionId, s.sessionToken, [['race', 'white']]);
    const notYesNo = await post('yes');
    expect(notYesNo.status).toBe(422);
    expect(notYesNo.body.errors[0]).toMatchObject({ field: 'body.answer', message: 'Please answer yes or no' });
    const noUnknown = await post(null);
    expect(noUnknown.status).toBe(422);
    expect(noUnknown.body.errors[0].field).toBe('body.answer');
    // a cancer found at an age above the current age (40)
    await answerSteps(api(), s.sessionId, s.sessionToken, [
      ['has_cancer', true],
      ['cancer_type_female', 'breast'],
    ]);
    const tooOld = await post(45);
    expect(tooOld.status).toBe(422);
    expect(tooOld.body.errors[0]).toMatchObject({ field: 'body.answer' });
    expect(tooOld.body.errors[0].message).toMatch(/current age/);
    expect(await answerCount(s.sessionId)).toBe(6);

    // Changing an earlier answer is validated the same way and leaves the stored answer alone.
    const ageQuestion = (await at()).answers.find((a: { questionKey: string }) => a.questionKey === 'age');
    const badChange = await api().request('PUT', `/v1/chat-sessions/${s.sessionId}/answers/${ageQuestion.questionId}`, {
      token: s.sessionToken,
      body: { answer: 9 },
    });
    expect(badChange.status).toBe(422);
    expect(badChange.body.errors.map((e: { field: string }) => e.field)).toContain('body.answer');
    const state = await at();
    expect(state.answers.find((a: { questionKey: string }) => a.questionKey === 'age').answer).toBe(40);
    expect(state.currentQuestion.key).toBe('cancer_age');
    expect(await answerCount(s.sessionId)).toBe(6);
  });

  test('completing before the branch ends is a 409 and writes nothing', async () => {
    const s = await invitedSession();
    await answerSteps(api(), s.sessionId, s.sessionToken, [
      ['sex_at_birth', 'male'],
      ['age', 60],
    ]);
    const early = await api().request('POST', `/v1/chat-sessions/${s.sessionId}/complete`, { token: s.sessionToken });
    expect(early.status).toBe(409);
    expect(early.body.currentQuestion.key).toBe('ashkenazi');
    const row = await api()
      .db.selectFrom('chat_sessions')
      .selectAll()
      .where('id', '=', s.sessionId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('in_progress');
    expect(row.risk_profile).toBeNull();
    expect(
      await api().db.selectFrom('eligibility_results').select('id').where('session_id', '=', s.sessionId).execute(),
    ).toHaveLength(0);
    const invite = await api()
      .db.selectFrom('invites')
      .select('status')
      .where('patient_id', '=', s.patientId)
      .executeTakeFirstOrThrow();
    expect(invite.status).toBe('pending');
  });

  test('completing twice at once: one 200, one 409, one eligibility result', async () => {
    const s = await invitedSession();
    await answerSteps(api(), s.sessionId, s.sessionToken, SHORT_BRANCH);
    const complete = () =>
      api().request('POST', `/v1/chat-sessions/${s.sessionId}/complete`, { token: s.sessionToken });
    const responses = await whileRowLocked(api(), 'chat_sessions', s.sessionId, 2, () =>
      Promise.all([complete(), complete()]),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(
      await api().db.selectFrom('eligibility_results').select('id').where('session_id', '=', s.sessionId).execute(),
    ).toHaveLength(1);
    expect(
      await api()
        .db.selectFrom('audit_events')
        .select('id')
        .where('action', '=', 'chat_session.complete')
        .where('resource_id', '=', s.sessionId)
        .execute(),
    ).toHaveLength(1);
  });

  test('completing and abandoning at once: exactly one wins and the other is a 409', async () => {
    const s = await invitedSession();
    await answerSteps(api(), s.sessionId, s.sessionToken, SHORT_BRANCH);
    const responses = await whileRowLocked(api(), 'chat_sessions', s.sessionId, 2, () =>
      Promise.all([
        api().request('POST', `/v1/chat-sessions/${s.sessionId}/complete`, { token: s.sessionToken }),
        api().request('POST', `/v1/chat-sessions/${s.sessionId}/abandon`, { token: s.sessionToken }),
      ]),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = responses.find((r) => r.status === 200)?.body.status;
    const row = await api()
      .db.selectFrom('chat_sessions')
      .select('status')
      .where('id', '=', s.sessionId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe(winner);
    const results = await api()
      .db.selectFrom('eligibility_results')
      .select('id')
      .where('session_id', '=', s.sessionId)
      .execute();
    expect(results).toHaveLength(winner === 'completed' ? 1 : 0);
  });

  test('an answer changed while the session completes: the stored RiskProfile matches the stored answers', async () => {
    const s = await invitedSession();
    const done = await answerSteps(api(), s.sessionId, s.sessionToken, SHORT_BRANCH);
    const race = done.answers.find((a: { questionKey: string }) => a.questionKey === 'race');
    const responses = await whileRowLocked(api(), 'chat_sessions', s.sessionId, 2, () =>
      Promise.all([
        api().request('POST', `/v1/chat-sessions/${s.sessionId}/complete`, { token: s.sessionToken }),
        api().request('PUT', `/v1/chat-sessions/${s.sessionId}/answers/${race.questionId}`, {
          token: s.sessionToken,
          body: { answer: 'black' },
        }),
      ]),
    );
    const [complete, change] = responses;
    expect(complete?.status).toBe(200);
    expect([200, 409]).toContain(change?.status);
    const session = (await api().request('GET', `/v1/chat-sessions/${s.sessionId}`, { token: s.sessionToken })).body;
    expect(session.status).toBe('completed');
    const storedRace = session.answers.find((a: { questionKey: string }) => a.questionKey === 'race').answer;
    expect(storedRace).toBe(change?.status === 200 ? 'black' : 'white');
    expect(session.riskProfile.race).toBe(storedRace);
    const result = await api()
      .db.selectFrom('eligibility_results')
      .select('factors')
      .where('session_id', '=', s.sessionId)
      .executeTakeFirstOrThrow();
    expect((result.factors as { profile: { race: string } }).profile.race).toBe(storedRace);
  });

  test('an answer saved while the session is abandoned: the abandon answers with exactly the stored answers', async () => {
    const s = await invitedSession();
    const first = await answerSteps(api(), s.sessionId, s.sessionToken, [['sex_at_birth', 'female']]);
    const [answer, abandon] = await whileRowLocked(api(), 'chat_sessions', s.sessionId, 2, () =>
      Promise.all([
        api().request('POST', `/v1/chat-sessions/${s.sessionId}/answers`, {
          token: s.sessionToken,
          body: { questionId: first.currentQuestion.id, answer: 50 },
        }),
        api().request('POST', `/v1/chat-sessions/${s.sessionId}/abandon`, { token: s.sessionToken }),
      ]),
    );
    expect(abandon?.status).toBe(200);
    expect([200, 409]).toContain(answer?.status);
    const stored = answer?.status === 200 ? ['sex_at_birth', 'age'] : ['sex_at_birth'];
    expect(abandon?.body.answers.map((a: { questionKey: string }) => a.questionKey)).toEqual(stored);
    expect(await answerCount(s.sessionId)).toBe(stored.length);
  });

  test('abandoning explicitly ends the session; accepting the invite again starts a new one', async () => {
    const s = await invitedSession();
    await answerSteps(api(), s.sessionId, s.sessionToken, [['sex_at_birth', 'female']]);
    const abandoned = await api().request('POST', `/v1/chat-sessions/${s.sessionId}/abandon`, {
      token: s.sessionToken,
    });
    expect(abandoned.status).toBe(200);
    expect(abandoned.body).toMatchObject({ status: 'abandoned', currentQuestion: null });
    const reloaded = await api().request('GET', `/v1/chat-sessions/${s.sessionId}`, { token: s.sessionToken });
    expect(reloaded.body.status).toBe('abandoned');
    const answer = await api().request('POST', `/v1/chat-sessions/${s.sessionId}/answers`, {
      token: s.sessionToken,
      body: { questionId: abandoned.body.answers[0].questionId, answer: 'male' },
    });
    expect(answer.status).toBe(409);
    expect(
      (await api().request('POST', `/v1/chat-sessions/${s.sessionId}/complete`, { token: s.sessionToken })).status,
    ).toBe(409);
    expect(
      (await api().request('POST', `/v1/chat-sessions/${s.sessionId}/abandon`, { token: s.sessionToken })).status,
    ).toBe(409);
    expect(
      (
        await api()
          .db.selectFrom('chat_sessions')
          .select('status')
          .where('id', '=', s.sessionId)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('abandoned');

    const again = await api().request('POST', `/v1/public/invites/${s.secret}/accept`);
    expect(again.status).toBe(200);
    expect(again.body.sessionId).not.toBe(s.sessionId);
    const fresh = await api().request('GET', `/v1/chat-sessions/${again.body.sessionId}`, {
      token: again.body.sessionToken,
    });
    expect(fresh.body).toMatchObject({ status: 'in_progress', answers: [] });
  });

  test('a session idle for 30 days is abandoned when it is next read; 29 days idle is still open', async () => {
    const stale = await invitedSession();
    const recent = await invitedSession();
    await answerSteps(api(), stale.sessionId, stale.sessionToken, [['sex_at_birth', 'female']]);
    await api()
      .db.updateTable('chat_sessions')
      .set({ last_activity_at: sql`now() - interval '31 days'` })
      .where('id', '=', stale.sessionId)
      .execute();
    await api()
      .db.updateTable('chat_sessions')
      .set({ last_activity_at: sql`now() - interval '29 days'` })
      .where('id', '=', recent.sessionId)
      .execute();

    const read = await api().request('GET', `/v1/chat-sessions/${stale.sessionId}`, { token: stale.sessionToken });
    expect(read.status).toBe(200);
    expect(read.body.status).toBe('abandoned');
    expect(read.body.currentQuestion).toBeNull();
    const answer = await api().request('POST', `/v1/chat-sessions/${stale.sessionId}/answers`, {
      token: stale.sessionToken,
      body: { questionId: read.body.answers[0].questionId, answer: 'male' },
    });
    expect(answer.status).toBe(409);
    expect(
      (
        await api()
          .db.selectFrom('chat_sessions')
          .select('status')
          .where('id', '=', stale.sessionId)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('abandoned');

    const open = await api().request('GET', `/v1/chat-sessions/${recent.sessionId}`, { token: recent.sessionToken });
    expect(open.body.status).toBe('in_progress');
    expect(open.body.currentQuestion.key).toBe('sex_at_birth');
  });

  test('accepting the link again after 30 idle days starts a fresh session instead of resuming the stale one', async () => {
    const s = await invitedSession();
    await answerSteps(api(), s.sessionId, s.sessionToken, [['sex_at_birth', 'female']]);
    await api()
      .db.updateTable('chat_sessions')
      .set({ last_activity_at: sql`now() - interval '31 days'` })
      .where('id', '=', s.sessionId)
      .execute();
    const again = await api().request('POST', `/v1/public/invites/${s.secret}/accept`);
    expect(again.status).toBe(200);
    expect(again.body.sessionId).not.toBe(s.sessionId);
    const fresh = await api().request('GET', `/v1/chat-sessions/${again.body.sessionId}`, {
      token: again.body.sessionToken,
    });
    expect(fresh.body).toMatchObject({ status: 'in_progress', answers: [] });
    expect(
      (
        await api()
          .db.selectFrom('chat_sessions')
          .select('status')
          .where('id', '=', s.sessionId)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('abandoned');
  });

  test("staff start a provider-led session, answer it and list the patient's sessions; other clinics get 404", async () => {
    const clinician = await api().token('clinician@demo-clinic.test');
    const created = await api().request('POST', '/v1/patients', {
      token: clinician,
      body: { firstName: 'Provider', lastName: 'Led', email: `provider.led.${dialect}@example.com` },
    });
    expect(created.status).toBe(201);
    const patientId = created.body.id as string;

    const first = await api().request('POST', '/v1/chat-sessions', {
      token: clinician,
      body: { patientId, source: 'provider' },
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ patientId, status: 'in_progress', source: 'provider', answers: [] });
    expect(first.body.currentQuestion.key).toBe('sex_at_birth');
    const answered = await answerSteps(api(), first.body.id, clinician, [
      ['sex_at_birth', 'female'],
      ['age', 47],
    ]);
    expect(answered.currentQuestion.key).toBe('ashkenazi');
    const staff = await api().token('staff@demo-clinic.test');
    const second = await api().request('POST', '/v1/chat-sessions', {
      token: staff,
      body: { patientId, source: 'direct' },
    });
    expect(second.status).toBe(201);

    const list = await api().request('GET', `/v1/patients/${patientId}/chat-sessions`, { token: staff });
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { id: string; source: string }) => [i.id, i.source])).toEqual([
      [second.body.id, 'direct'],
      [first.body.id, 'provider'],
    ]);
    expect(list.body.nextCursor).toBeNull();
    const paged = await api().request('GET', `/v1/patients/${patientId}/chat-sessions?limit=1`, { token: staff });
    expect(paged.body.items.map((i: { id: string }) => i.id)).toEqual([second.body.id]);
    const rest = await api().request(
      'GET',
      `/v1/patients/${patientId}/chat-sessions?limit=1&cursor=${encodeURIComponent(paged.body.nextCursor)}`,
      { token: staff },
    );
    expect(rest.body.items.map((i: { id: string }) => i.id)).toEqual([first.body.id]);

    const bad = await api().request('POST', '/v1/chat-sessions', {
      token: clinician,
      body: { patientId, source: 'invite' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('body.source');

    const other = await api().token('clinician@lakeside-clinic.test');
    expect((await api().request('GET', `/v1/chat-sessions/${first.body.id}`, { token: other })).status).toBe(404);
    expect(
      (
        await api().request('POST', `/v1/chat-sessions/${first.body.id}/answers`, {
          token: other,
          body: { questionId: answered.currentQuestion.id, answer: false },
        })
      ).status,
    ).toBe(404);
    expect((await api().request('POST', `/v1/chat-sessions/${first.body.id}/complete`, { token: other })).status).toBe(
      404,
    );
    expect(
      (await api().request('POST', '/v1/chat-sessions', { token: other, body: { patientId, source: 'provider' } }))
        .status,
    ).toBe(404);
    expect((await api().request('GET', `/v1/patients/${patientId}/chat-sessions`, { token: other })).status).toBe(404);
    const sessions = await api()
      .db.selectFrom('chat_sessions')
      .select('id')
      .where('patient_id', '=', patientId)
      .execute();
    expect(sessions).toHaveLength(2);
    expect(await answerCount(first.body.id)).toBe(2);
  });

  test('staff completing a provider-led session see its eligibility result; the completion is audited once', async () => {
    const clinician = await api().token('clinician@demo-clinic.test');
    const patient = await api().request('POST', '/v1/patients', {
      token: clinician,
      body: { firstName: 'Staff', lastName: 'Completes', email: `staff.completes.${dialect}@example.com` },
    });
    const started = await api().request('POST', '/v1/chat-sessions', {
      token: clinician,
      body: { patientId: patient.body.id, source: 'provider' },
    });
    expect(started.body.eligibilityResultId).toBeNull();
    await answerSteps(api(), started.body.id, clinician, SHORT_BRANCH);
    const completed = await api().request('POST', `/v1/chat-sessions/${started.body.id}/complete`, {
      token: clinician,
    });
    expect(completed.status).toBe(200);
    const result = await api()
      .db.selectFrom('eligibility_results')
      .select('id')
      .where('session_id', '=', started.body.id)
      .executeTakeFirstOrThrow();
    expect(completed.body).toMatchObject({ status: 'completed', progress: 100, eligibilityResultId: result.id });
    expect(completed.body.answers).toHaveLength(SHORT_BRANCH.length);
    const audit = await api()
      .db.selectFrom('audit_events')
      .select(['action', 'patient_id', 'account_id'])
      .where('resource_id', 'in', [started.body.id, result.id])
      .orderBy('action')
      .execute();
    expect(audit.filter((a) => a.action !== 'chat_session.answer' && a.action !== 'chat_session.read')).toEqual([
      { action: 'chat_session.complete', patient_id: patient.body.id, account_id: api().seed.accounts['Demo Clinic'] },
      { action: 'chat_session.create', patient_id: patient.body.id, account_id: api().seed.accounts['Demo Clinic'] },
      {
        action: 'eligibility_result.create',
        patient_id: patient.body.id,
        account_id: api().seed.accounts['Demo Clinic'],
      },
    ]);
  });

  test('abandoning answers with the stored answers and is audited once', async () => {
    const s = await invitedSession();
    await answerSteps(api(), s.sessionId, s.sessionToken, [
      ['sex_at_birth', 'female'],
      ['age', 44],
    ]);
    const abandoned = await api().request('POST', `/v1/chat-sessions/${s.sessionId}/abandon`, {
      token: s.sessionToken,
    });
    expect(abandoned.body.answers.map((a: { questionKey: string }) => a.questionKey)).toEqual(['sex_at_birth', 'age']);
    const audit = await api()
      .db.selectFrom('audit_events')
      .select('action')
      .where('resource_id', '=', s.sessionId)
      .where('action', '=', 'chat_session.abandon')
      .execute();
    expect(audit).toHaveLength(1);
  });

  test('a patient session token opens no staff route', async () => {
    const s = await invitedSession();
    const asPatient = { token: s.sessionToken };
    expect(
      (
        await api().request('POST', '/v1/chat-sessions', {
          ...asPatient,
          body: { patientId: s.patientId, source: 'direct' },
        })
      ).status,
    ).toBe(401);
    expect((await api().request('GET', `/v1/patients/${s.patientId}/chat-sessions`, asPatient)).status).toBe(401);
    expect((await api().request('GET', `/v1/patients/${s.patientId}`, asPatient)).status).toBe(401);
    expect((await api().request('GET', '/v1/chat-questions', asPatient)).status).toBe(401);
    expect((await api().request('GET', `/v1/eligibility-results?patientId=${s.patientId}`, asPatient)).status).toBe(
      401,
    );
    expect((await api().request('GET', '/v1/dashboard/risk-assessments', asPatient)).status).toBe(401);
    expect(
      await api().db.selectFrom('chat_sessions').select('id').where('patient_id', '=', s.patientId).execute(),
    ).toHaveLength(1);
  });

  test('reads and answers are audited: the token holder as a patient, staff as users', async () => {
    const s = await invitedSession();
    await answerSteps(api(), s.sessionId, s.sessionToken, [['sex_at_birth', 'male']]);
    const audit = () =>
      api()
        .db.selectFrom('audit_events')
        .selectAll()
        .where('resource_id', '=', s.sessionId)
        .orderBy('occurred_at')
        .execute();
    const patientRows = (await audit()).filter((r) => r.actor_type === 'patient');
    expect(patientRows.map((r) => r.action)).toEqual(['chat_session.read', 'chat_session.answer']);
    for (const row of patientRows) {
      expect(row).toMatchObject({
        actor_id: s.sessionId,
        patient_id: s.patientId,
        account_id: api().seed.accounts['Demo Clinic'],
        resource_type: 'chat_session',
      });
    }
    const clinician = await api().token('clinician@demo-clinic.test');
    await api().request('GET', `/v1/chat-sessions/${s.sessionId}`, { token: clinician });
    const staffRows = (await audit()).filter((r) => r.actor_type === 'user');
    expect(staffRows.map((r) => [r.action, r.actor_id])).toEqual([
      ['chat_session.read', api().seed.users['clinician@demo-clinic.test']],
    ]);
    // A request refused for another session writes no audit row for it.
    const before = (await audit()).length;
    const other = await invitedSession();
    expect((await api().request('GET', `/v1/chat-sessions/${s.sessionId}`, { token: other.sessionToken })).status).toBe(
      404,
    );
    expect(await audit()).toHaveLength(before);
  });
});
