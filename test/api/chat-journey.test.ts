import { describe, expect, test } from 'vitest';
import { sql } from 'kysely';
import { DIALECTS } from '../support/dialects.ts';
import { useTestApi, type TestApi } from '../support/api.ts';
import { tokenOf, answerSteps, type Step } from '../support/assessment.ts';

/**
 * Issue 3 end to end over HTTP: invite → the link from the e-mail → verify → accept → the questionnaire along two
 * branches → change an earlier answer (pruning) → complete → the stored RiskProfile and eligibility result.
 */

/** The link of the newest e-mail to `to`, read from the e-mail text (not from the API answer). */
async function linkFromOutbox(api: TestApi, to: string): Promise<string> {
  const outbox = await api.request('GET', `/dev/outbox?to=${encodeURIComponent(to)}`);
  expect(outbox.status).toBe(200);
  const text = outbox.body.items[0]?.text as string;
  const link = text.match(/https:\/\/\S+/)?.[0];
  if (!link) throw new Error(`No link in the e-mail to ${to}: ${text}`);
  return link;
}

/** Branch with the relatives loop: three relatives (the third later pruned), one with two cancers. */
const FAMILY_BRANCH: Step[] = [
  ['sex_at_birth', 'female'],
  ['age', 40],
  ['ashkenazi', false],
  ['race', 'white'],
  ['has_cancer', false],
  ['has_relatives_with_cancer', true],
  // relative 0: mother, breast cancer at 45 and colorectal cancer at 62
  ['relative_relationship', 'mother'],
  ['relative_cancer_type_female', 'breast'],
  ['relative_cancer_age', 45],
  ['relative_second_cancer', true],
  ['relative_second_cancer_type_female', 'colorectal'],
  ['relative_second_cancer_age', 62],
  ['relative_tested', 'untested'],
  ['another_relative', true],
  // relative 1: paternal grandfather, high-risk prostate cancer at 70
  ['relative_relationship', 'paternal_grandfather'],
  ['relative_cancer_type_male', 'prostate'],
  ['relative_cancer_age', 70],
  ['relative_prostate_high_risk', true],
  ['relative_second_cancer', false],
  ['relative_tested', null],
  ['another_relative', true],
  // relative 2: a female maternal first cousin with ovarian cancer (dropped later)
  ['relative_relationship', 'maternal_first_cousin'],
  ['relative_sex', 'female'],
  ['relative_cancer_type_female', 'ovarian'],
  ['relative_cancer_age', 38],
  ['relative_second_cancer', false],
  ['relative_tested', 'untested'],
  ['another_relative', false],
  ['familial_variant', false],
  ['prior_genetic_testing', 'none'],
  ['breast_biopsies', 1],
  ['atypical_hyperplasia', false],
  ['breast_lcis', false],
  ['age_at_menarche', 11],
  ['had_live_birth', true],
  ['age_first_birth', 28],
];

/** After another_relative (2nd relative) → no, and had_live_birth → no. Written out by hand from RISK_PROFILE.md. */
const FAMILY_PROFILE = {
  version: 1,
  sex: 'female',
  age: 40,
  ashkenaziJewish: false,
  race: 'white',
  personalCancers: [],
  relatives: [
    {
      relationship: 'mother',
      throughTwoMales: null,
      testStatus: 'untested',
      cancers: [
        {
          type: 'breast',
          ageAtDiagnosis: 45,
          mmrDeficient: null,
          tripleNegative: null,
          lobular: null,
          multiplePrimary: null,
        },
        { type: 'colorectal', ageAtDiagnosis: 62, mmrDeficient: null },
      ],
    },
    {
      relationship: 'paternal_grandfather',
      throughTwoMales: null,
      testStatus: null,
      cancers: [
        {
          type: 'prostate',
          ageAtDiagnosis: 70,
          mmrDeficient: null,
          riskGroup: 'high',
          metastatic: null,
          intraductalOrCribriform: null,
        },
      ],
    },
  ],
  knownFamilialVariant: { present: false, gene: null },
  priorGeneticTesting: 'none',
  brcaCarrierProbability: null,
  breastHistory: { biopsies: 1, atypicalHyperplasia: false, lcis: false },
  reproductive: { ageAtMenarche: 11, ageAtFirstLiveBirth: null, nulliparous: true },
};

/** A man who does not know most answers. */
const UNKNOWN_BRANCH: Step[] = [
  ['sex_at_birth', 'male'],
  ['age', 55],
  ['ashkenazi', null],
  ['race', null],
  ['has_cancer', true],
  ['cancer_type_male', 'prostate'],
  ['cancer_age', null],
  ['prostate_risk_group', null],
  ['prostate_metastatic', null],
  ['prostate_cribriform', null],
  ['another_cancer', false],
  ['has_relatives_with_cancer', null],
  ['familial_variant', null],
  ['prior_genetic_testing', null],
];

const UNKNOWN_PROFILE = {
  version: 1,
  sex: 'male',
  age: 55,
  ashkenaziJewish: null,
  race: null,
  personalCancers: [
    {
      type: 'prostate',
      ageAtDiagnosis: null,
      mmrDeficient: null,
      riskGroup: null,
      metastatic: null,
      intraductalOrCribriform: null,
    },
  ],
  relatives: [],
  knownFamilialVariant: { present: null, gene: null },
  priorGeneticTesting: null,
  brcaCarrierProbability: null,
};

describe.each(DIALECTS)('the assessment journey over HTTP (%s)', (dialect) => {
  const api = useTestApi(dialect);
  let n = 0;
  const newPatient = (firstName: string) => {
    n += 1;
    return { firstName, lastName: 'Journey', email: `journey.${n}.${dialect}@example.com` };
  };

  async function invitedSession(staffToken: string, firstName: string) {
    const body = newPatient(firstName);
    const created = await api().request('POST', '/v1/invites', { token: staffToken, body });
    expect(created.status).toBe(201);
    const secret = tokenOf(await linkFromOutbox(api(), body.email));
    const verified = await api().request('GET', `/v1/public/invites/${secret}`);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ clinicName: 'Demo Clinic', patientFirstName: firstName });
    const accepted = await api().request('POST', `/v1/public/invites/${secret}/accept`);
    expect(accepted.status).toBe(200);
    return {
      invite: created.body,
      secret,
      sessionId: accepted.body.sessionId as string,
      sessionToken: accepted.body.sessionToken as string,
    };
  }

  const answerRows = (sessionId: string) =>
    api()
      .db.selectFrom('chat_answers as a')
      .innerJoin('chat_questions as q', 'q.id', 'a.question_id')
      .select(['q.key', 'a.iteration'])
      .where('a.session_id', '=', sessionId)
      .execute();

  test('family branch: relatives loop, pruning by a changed answer, completion stores the expected RiskProfile', async () => {
    const staff = await api().token('clinician@demo-clinic.test');
    const { invite, secret, sessionId, sessionToken } = await invitedSession(staff, 'Fiona');

    const fresh = await api().request('GET', `/v1/chat-sessions/${sessionId}`, { token: sessionToken });
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({
      status: 'in_progress',
      source: 'invite',
      progress: 0,
      answers: [],
      riskProfile: null,
      readyToComplete: false,
    });
    expect(fresh.body.currentQuestion).toMatchObject({
      key: 'sex_at_birth',
      questionType: 'multiple_choice',
      allowUnknown: false,
    });

    const answered = await answerSteps(api(), sessionId, sessionToken, FAMILY_BRANCH);
    expect(answered.currentQuestion).toBeNull();
    expect(answered.readyToComplete).toBe(true);
    expect(answered.progress).toBe(100);
    expect(answered.answers).toHaveLength(FAMILY_BRANCH.length);
    expect(
      answered.answers
        .filter((a: { questionKey: string }) => a.questionKey === 'relative_relationship')
        .map((a: { iteration: number; answer: string }) => [a.iteration, a.answer]),
    ).toEqual([
      [0, 'mother'],
      [1, 'paternal_grandfather'],
      [2, 'maternal_first_cousin'],
    ]);
    expect(await answerRows(sessionId)).toHaveLength(FAMILY_BRANCH.length);

    // "No other relative" after the grandfather: the cousin's seven answers (iteration 2) are dropped.
    const anotherRelative = answered.answers.find(
      (a: { questionKey: string; iteration: number }) => a.questionKey === 'another_relative' && a.iteration === 1,
    );
    const pruned = await api().request('PUT', `/v1/chat-sessions/${sessionId}/answers/${anotherRelative.questionId}`, {
      token: sessionToken,
      body: { answer: false, iteration: 1 },
    });
    expect(pruned.status).toBe(200);
    expect(pruned.body.answers).toHaveLength(FAMILY_BRANCH.length - 7);
    expect(pruned.body.answers.some((a: { iteration: number; questionKey: string }) => a.iteration === 2)).toBe(false);
    expect(pruned.body.readyToComplete).toBe(true);
    const rowsAfterLoopPrune = await answerRows(sessionId);
    expect(rowsAfterLoopPrune).toHaveLength(FAMILY_BRANCH.length - 7);
    expect(rowsAfterLoopPrune.some((r) => r.iteration === 2)).toBe(false);

    // No live birth: the age at first birth is dropped too.
    const hadLiveBirth = pruned.body.answers.find((a: { questionKey: string }) => a.questionKey === 'had_live_birth');
    const noBirth = await api().request('PUT', `/v1/chat-sessions/${sessionId}/answers/${hadLiveBirth.questionId}`, {
      token: sessionToken,
      body: { answer: false },
    });
    expect(noBirth.status).toBe(200);
    expect(noBirth.body.answers.map((a: { questionKey: string }) => a.questionKey)).not.toContain('age_first_birth');
    expect((await answerRows(sessionId)).map((r) => r.key)).not.toContain('age_first_birth');

    const completed = await api().request('POST', `/v1/chat-sessions/${sessionId}/complete`, { token: sessionToken });
    expect(completed.status).toBe(200);
    expect(completed.body.status).toBe('completed');
    expect(completed.body.currentQuestion).toBeNull();
    expect(completed.body.riskProfile).toEqual(FAMILY_PROFILE);
    const row = await api()
      .db.selectFrom('chat_sessions')
      .selectAll()
      .where('id', '=', sessionId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('completed');
    expect(row.completed_at).not.toBeNull();
    expect(row.risk_profile).toEqual(FAMILY_PROFILE);

    // Reload after completion: the stored profile, no current question.
    const reloaded = await api().request('GET', `/v1/chat-sessions/${sessionId}`, { token: sessionToken });
    expect(reloaded.body).toMatchObject({ status: 'completed', progress: 100, currentQuestion: null });
    expect(reloaded.body.riskProfile).toEqual(FAMILY_PROFILE);

    // The invite is completed and its link is dead.
    const inviteRow = await api()
      .db.selectFrom('invites')
      .selectAll()
      .where('id', '=', invite.id)
      .executeTakeFirstOrThrow();
    expect(inviteRow.status).toBe('completed');
    expect(inviteRow.completed_at).not.toBeNull();
    expect((await api().request('GET', `/v1/public/invites/${secret}`)).status).toBe(404);
    expect((await api().request('POST', `/v1/public/invites/${secret}/accept`)).status).toBe(404);
    const inviteDto = await api().request('GET', `/v1/invites/${invite.id}`, { token: staff });
    expect(inviteDto.body.status).toBe('completed');

    // One eligibility result, from this session and this profile: mother's breast cancer at 45 and the
    // grandfather's high-risk prostate cancer meet the family criteria of CRIT-2 and CRIT-6.
    const results = await api()
      .db.selectFrom('eligibility_results')
      .selectAll()
      .where('session_id', '=', sessionId)
      .execute();
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      patient_id: invite.patientId,
      outcome: 'meets',
      nccn_eligible: true,
      is_eligible: true,
      ruleset: 'NCCN-BOPP-2026.3+CEG-2026.1',
    });
    const factors = results[0]?.factors as { profile: unknown; criteria: { id: string; status: string }[] };
    expect(factors.profile).toEqual(FAMILY_PROFILE);
    expect(
      factors.criteria
        .filter((c) => c.status === 'met')
        .map((c) => c.id)
        .sort(),
    ).toEqual(['BOPP-CRIT-2.family-relative-meets', 'BOPP-CRIT-6.family-relative-meets']);
    const asStaff = await api().request('GET', `/v1/chat-sessions/${sessionId}`, { token: staff });
    expect(asStaff.body.eligibilityResultId).toBe(results[0]?.id);

    // Nothing more can be done to a completed session.
    const question = completed.body.answers[0];
    expect(
      (
        await api().request('POST', `/v1/chat-sessions/${sessionId}/answers`, {
          token: sessionToken,
          body: { questionId: question.questionId, answer: 'male' },
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await api().request('PUT', `/v1/chat-sessions/${sessionId}/answers/${question.questionId}`, {
          token: sessionToken,
          body: { answer: 'male' },
        })
      ).status,
    ).toBe(409);
    expect(
      (await api().request('POST', `/v1/chat-sessions/${sessionId}/complete`, { token: sessionToken })).status,
    ).toBe(409);
    expect(
      (await api().request('POST', `/v1/chat-sessions/${sessionId}/abandon`, { token: sessionToken })).status,
    ).toBe(409);
    expect(
      await api().db.selectFrom('eligibility_results').select('id').where('session_id', '=', sessionId).execute(),
    ).toHaveLength(1);
  });

  test('"I don\'t know" branch: unknowns stay null in the RiskProfile and the result needs review', async () => {
    const staff = await api().token('staff@demo-clinic.test');
    const { sessionId, sessionToken } = await invitedSession(staff, 'Uri');

    // Change an earlier answer on this branch too: a first cancer type of colorectal led to the MMR question;
    // prostate leads to the prostate questions and the MMR answer is dropped.
    const start = await answerSteps(api(), sessionId, sessionToken, [
      ...UNKNOWN_BRANCH.slice(0, 5),
      ['cancer_type_male', 'colorectal'],
      ['cancer_age', null],
      ['mmr_deficient', null],
    ]);
    expect(start.currentQuestion.key).toBe('another_cancer');
    const typeQuestion = start.answers.find((a: { questionKey: string }) => a.questionKey === 'cancer_type_male');
    const changed = await api().request('PUT', `/v1/chat-sessions/${sessionId}/answers/${typeQuestion.questionId}`, {
      token: sessionToken,
      body: { answer: 'prostate' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.currentQuestion.key).toBe('prostate_risk_group');
    expect(changed.body.answers.map((a: { questionKey: string }) => a.questionKey)).toEqual([
      'sex_at_birth',
      'age',
      'ashkenazi',
      'race',
      'has_cancer',
      'cancer_type_male',
      'cancer_age',
    ]);
    expect((await answerRows(sessionId)).map((r) => r.key)).not.toContain('mmr_deficient');

    const done = await answerSteps(api(), sessionId, sessionToken, UNKNOWN_BRANCH.slice(7));
    expect(done.readyToComplete).toBe(true);
    expect(done.answers.map((a: { questionKey: string; answer: unknown }) => [a.questionKey, a.answer])).toEqual(
      UNKNOWN_BRANCH,
    );

    const completed = await api().request('POST', `/v1/chat-sessions/${sessionId}/complete`, { token: sessionToken });
    expect(completed.status).toBe(200);
    expect(completed.body.riskProfile).toEqual(UNKNOWN_PROFILE);
    expect(completed.body.profileNotes).toEqual([
      'Family history of cancer is unknown; the profile lists no relatives, which reads as none.',
    ]);
    const stored = await api()
      .db.selectFrom('chat_sessions')
      .select('risk_profile')
      .where('id', '=', sessionId)
      .executeTakeFirstOrThrow();
    expect(stored.risk_profile).toEqual(UNKNOWN_PROFILE);

    const result = await api()
      .db.selectFrom('eligibility_results')
      .selectAll()
      .where('session_id', '=', sessionId)
      .executeTakeFirstOrThrow();
    expect(result.outcome).toBe('needs_review');
    expect(result.nccn_eligible).toBe(false);
    const factors = result.factors as { unknowns: string[] };
    expect(factors.unknowns).toEqual(
      expect.arrayContaining(['ashkenaziJewish', 'knownFamilialVariant.present', 'personalCancers[0].metastatic']),
    );
  });

  test('expired, revoked, resent-old and completed tokens answer 404 to verify and accept', async () => {
    const staff = await api().token('clinician@demo-clinic.test');
    const dead: string[] = [];

    const expired = newPatient('Exp');
    const expiredInvite = await api().request('POST', '/v1/invites', { token: staff, body: expired });
    dead.push(tokenOf(await linkFromOutbox(api(), expired.email)));
    await api()
      .db.updateTable('invites')
      .set({ expires_at: sql`now() - interval '1 minute'` })
      .where('id', '=', expiredInvite.body.id)
      .execute();

    const revoked = newPatient('Rev');
    const revokedInvite = await api().request('POST', '/v1/invites', { token: staff, body: revoked });
    dead.push(tokenOf(await linkFromOutbox(api(), revoked.email)));
    expect((await api().request('POST', `/v1/invites/${revokedInvite.body.id}/revoke`, { token: staff })).status).toBe(
      200,
    );

    const resent = newPatient('Res');
    const resentInvite = await api().request('POST', '/v1/invites', { token: staff, body: resent });
    const oldToken = tokenOf(await linkFromOutbox(api(), resent.email));
    expect(
      (await api().request('POST', `/v1/invites/${resentInvite.body.id}/resend`, { token: staff, body: {} })).status,
    ).toBe(200);
    const newToken = tokenOf(await linkFromOutbox(api(), resent.email));
    expect(newToken).not.toBe(oldToken);
    dead.push(oldToken);

    const completed = await invitedSession(staff, 'Comp');
    await answerSteps(api(), completed.sessionId, completed.sessionToken, UNKNOWN_BRANCH);
    expect(
      (
        await api().request('POST', `/v1/chat-sessions/${completed.sessionId}/complete`, {
          token: completed.sessionToken,
        })
      ).status,
    ).toBe(200);
    dead.push(completed.secret);

    for (const secret of dead) {
      expect((await api().request('GET', `/v1/public/invites/${secret}`)).status, secret).toBe(404);
      expect((await api().request('POST', `/v1/public/invites/${secret}/accept`)).status, secret).toBe(404);
    }
    // The resent link works, and opens a session.
    expect((await api().request('GET', `/v1/public/invites/${newToken}`)).status).toBe(200);
    const accepted = await api().request('POST', `/v1/public/invites/${newToken}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body.sessionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("a session token opens only its own session; another clinic's staff get 404", async () => {
    const staff = await api().token('clinician@demo-clinic.test');
    const a = await invitedSession(staff, 'Ava');
    const b = await invitedSession(staff, 'Bea');
    await answerSteps(api(), b.sessionId, b.sessionToken, [['sex_at_birth', 'female']]);

    const answersBefore = await answerRows(b.sessionId);
    const before = (await api().request('GET', `/v1/chat-sessions/${b.sessionId}`, { token: b.sessionToken })).body;
    const firstQuestion = before.currentQuestion;
    const answeredId = before.answers[0].questionId;
    for (const [method, path, body] of [
      ['GET', `/v1/chat-sessions/${b.sessionId}`, undefined],
      ['POST', `/v1/chat-sessions/${b.sessionId}/answers`, { questionId: firstQuestion.id, answer: 40 }],
      ['PUT', `/v1/chat-sessions/${b.sessionId}/answers/${answeredId}`, { answer: 'male' }],
      ['POST', `/v1/chat-sessions/${b.sessionId}/complete`, undefined],
      ['POST', `/v1/chat-sessions/${b.sessionId}/abandon`, undefined],
    ] as const) {
      const asA = await api().request(method, path, { token: a.sessionToken, body });
      expect(asA.status, `${method} ${path} with A's token`).toBe(404);
    }
    const other = await api().token('clinician@lakeside-clinic.test');
    expect((await api().request('GET', `/v1/chat-sessions/${b.sessionId}`, { token: other })).status).toBe(404);
    expect(
      (
        await api().request('POST', `/v1/chat-sessions/${b.sessionId}/answers`, {
          token: other,
          body: { questionId: firstQuestion.id, answer: 40 },
        })
      ).status,
    ).toBe(404);
    expect((await api().request('POST', `/v1/chat-sessions/${b.sessionId}/abandon`, { token: other })).status).toBe(
      404,
    );

    const after = await api().request('GET', `/v1/chat-sessions/${b.sessionId}`, { token: b.sessionToken });
    expect(after.body.status).toBe('in_progress');
    expect(after.body.answers).toHaveLength(1);
    expect(await answerRows(b.sessionId)).toEqual(answersBefore);
  });
});
