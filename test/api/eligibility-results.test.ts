import { describe, expect, test } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { useTestApi, type TestApi } from '../support/api.ts';
import { tokenOf, answerSteps, whileRowLocked, type Step } from '../support/assessment.ts';

/**
 * Issue 4: stored eligibility results of completed assessments, their review by a clinician, the risk-assessment
 * dashboard and the patient timeline. Answers are chosen so that NCCN_RULES.md predicts the outcome.
 */

const RULESET = 'NCCN-BOPP-2026.3+CEG-2026.1';

/** A woman of `age` with breast cancer at `ageAtDiagnosis`, no family history, BCRAT inputs answered. */
const breastCancerAt = (ageAtDiagnosis: number, age = 48): Step[] => [
  ['sex_at_birth', 'female'],
  ['age', age],
  ['ashkenazi', false],
  ['race', 'white'],
  ['has_cancer', true],
  ['cancer_type_female', 'breast'],
  ['cancer_age', ageAtDiagnosis],
  ['breast_triple_negative', false],
  ['breast_lobular', false],
  ['breast_multiple_primary', false],
  ['another_cancer', false],
  ['has_relatives_with_cancer', false],
  ['familial_variant', false],
  ['prior_genetic_testing', 'none'],
  ['breast_biopsies', 0],
  ['breast_lcis', false],
  ['age_at_menarche', 12],
  ['had_live_birth', true],
  ['age_first_birth', 30],
];

/**
 * Unaffected woman of 40 whose mother had breast cancer at 45: meets BOPP-CRIT-2.family-relative-meets. Her BCRAT
 * inputs are case B of bcrat-cases.json (white, 40, menarche 11, nulliparous, one biopsy without atypia, one
 * affected first-degree relative): 5-year 1.8984 %, lifetime 24.5268 %.
 */
const MOTHER_BREAST_45: Step[] = [
  ['sex_at_birth', 'female'],
  ['age', 40],
  ['ashkenazi', false],
  ['race', 'white'],
  ['has_cancer', false],
  ['has_relatives_with_cancer', true],
  ['relative_relationship', 'mother'],
  ['relative_cancer_type_female', 'breast'],
  ['relative_cancer_age', 45],
  ['relative_second_cancer', false],
  ['relative_tested', 'untested'],
  ['another_relative', false],
  ['familial_variant', false],
  ['prior_genetic_testing', 'none'],
  ['breast_biopsies', 1],
  ['atypical_hyperplasia', false],
  ['breast_lcis', false],
  ['age_at_menarche', 11],
  ['had_live_birth', false],
];

async function answerAndComplete(api: TestApi, sessionId: string, token: string, steps: Step[]) {
  await answerSteps(api, sessionId, token, steps);
  const completed = await api.request('POST', `/v1/chat-sessions/${sessionId}/complete`, { token });
  expect(completed.status, completed.text).toBe(200);
  return completed.body;
}

describe.each(DIALECTS)('eligibility results (%s)', (dialect) => {
  const api = useTestApi(dialect);
  let n = 0;

  /** Invite (by `inviterEmail`), read the e-mailed link, accept, answer `steps`, complete. */
  async function assessedPatient(steps: Step[], options: { inviterEmail?: string; providerId?: string } = {}) {
    n += 1;
    const staff = await api().token(options.inviterEmail ?? 'clinician@demo-clinic.test');
    const email = `results.${n}.${dialect}@example.com`;
    const body = {
      firstName: `Eli${n}`,
      lastName: `Result${n}`,
      email,
      ...(options.providerId ? { providerId: options.providerId } : {}),
    };
    const invite = await api().request('POST', '/v1/invites', { token: staff, body });
    expect(invite.status).toBe(201);
    const outbox = await api().request('GET', `/dev/outbox?to=${encodeURIComponent(email)}`);
    const secret = tokenOf((outbox.body.items[0].text as string).match(/https:\/\/\S+/)?.[0] as string);
    const accepted = await api().request('POST', `/v1/public/invites/${secret}/accept`);
    expect(accepted.status).toBe(200);
    await answerAndComplete(api(), accepted.body.sessionId, accepted.body.sessionToken, steps);
    const clinician = await api().token('clinician@demo-clinic.test');
    const list = await api().request('GET', `/v1/eligibility-results?patientId=${invite.body.patientId}`, {
      token: clinician,
    });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    // Lists show summaries; the criteria, risk models and profile are the result's own.
    expect(list.body.items[0]).not.toHaveProperty('riskProfile');
    expect(list.body.items[0]).not.toHaveProperty('criteria');
    const detail = await api().request('GET', `/v1/eligibility-results/${list.body.items[0].id}`, { token: clinician });
    expect(detail.status).toBe(200);
    const { criteria, unknowns, nextSteps, riskModels, riskProfile, ...summary } = detail.body;
    expect(list.body.items[0]).toEqual(summary);
    expect([criteria, unknowns, nextSteps, riskModels, riskProfile].every((part) => part !== undefined)).toBe(true);
    return {
      patientId: invite.body.patientId as string,
      inviteId: invite.body.id as string,
      sessionId: accepted.body.sessionId as string,
      result: detail.body,
    };
  }

  test('a woman with breast cancer at 42 meets BOPP-CRIT-2: criteria, explanation, next steps, risk models', async () => {
    const { patientId, sessionId, result } = await assessedPatient(breastCancerAt(42));
    expect(result).toMatchObject({
      patientId,
      sessionId,
      outcome: 'meets',
      nccnEligible: true,
      isEligible: true,
      ruleset: RULESET,
      tcScore: null,
      providerReviewed: false,
      providerId: null,
      reviewNotes: null,
    });
    expect(result.criteria).toEqual([
      expect.objectContaining({
        id: 'BOPP-CRIT-2.age-50',
        section: 'BOPP-CRIT-2',
        category: 'clinically_indicated',
        status: 'met',
        explanation: 'Breast cancer diagnosed at 42 (≤ 50)',
        evidence: ['personalCancers[0]'],
      }),
    ]);
    expect(result.unknowns).toEqual([]);
    expect(result.nextSteps.map((s: { kind: string }) => s.kind)).toEqual(['genetic_counselling', 'multigene_panel']);
    const panel = result.nextSteps.find((s: { kind: string }) => s.kind === 'multigene_panel');
    expect(panel.panels).toEqual(['breast_ovarian']);
    expect(panel.genes).toEqual(expect.arrayContaining(['BRCA1', 'BRCA2', 'PALB2']));
    expect(panel.genes).not.toContain('MLH1');
    // BCRAT is not for a woman who has had breast cancer; Tyrer-Cuzick has no engine and gives no number.
    expect(result.riskModels.bcrat).toEqual({
      available: false,
      reason: 'BCRAT does not apply after invasive breast cancer, DCIS or LCIS',
    });
    expect(result.riskModels.tyrerCuzick).toEqual({
      available: false,
      reason: 'No licensed Tyrer-Cuzick (IBIS) engine is configured',
    });
    expect(result.riskProfile.personalCancers).toEqual([
      {
        type: 'breast',
        ageAtDiagnosis: 42,
        mmrDeficient: null,
        tripleNegative: false,
        lobular: false,
        multiplePrimary: false,
      },
    ]);

    const single = await api().request('GET', `/v1/eligibility-results/${result.id}`, {
      token: await api().token('clinician@demo-clinic.test'),
    });
    expect(single.status).toBe(200);
    expect(single.body).toEqual(result);
    const row = await api()
      .db.selectFrom('eligibility_results')
      .selectAll()
      .where('id', '=', result.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ outcome: 'meets', ruleset: RULESET, nccn_eligible: true, tc_score: null });
  });

  test('an unaffected woman whose mother had breast cancer at 45: family criterion met, BCRAT figures stored', async () => {
    const { result } = await assessedPatient(MOTHER_BREAST_45);
    expect(result.outcome).toBe('meets');
    expect(result.criteria.map((c: { id: string }) => c.id)).toEqual(['BOPP-CRIT-2.family-relative-meets']);
    expect(result.criteria[0].explanation).toMatch(/Mother/);
    expect(result.criteria[0].explanation).toMatch(/breast cancer diagnosed at 45/);
    const bcrat = result.riskModels.bcrat;
    expect(bcrat).toMatchObject({ available: true, model: 'BCRAT', race: 'white', fromAge: 40 });
    expect(Math.abs(bcrat.fiveYearRiskPct - 1.8984)).toBeLessThanOrEqual(0.001);
    expect(Math.abs(bcrat.lifetimeRiskPct - 24.5268)).toBeLessThanOrEqual(0.001);
    expect(Math.abs(bcrat.averageFiveYearRiskPct - 0.5787)).toBeLessThanOrEqual(0.001);
    // 1.90 % ≥ 1.67 %: risk-reducing medication is discussed.
    expect(result.nextSteps.map((s: { kind: string }) => s.kind)).toEqual([
      'genetic_counselling',
      'multigene_panel',
      'chemoprevention_discussion',
    ]);
    expect(result.nextSteps[2].reason).toContain('1.90%');
    expect(result.riskModels.tyrerCuzick).toEqual({
      available: false,
      reason: 'No licensed Tyrer-Cuzick (IBIS) engine is configured',
    });
    expect(result.tcScore).toBeNull();
  });

  test('completing a second session with changed answers adds a new result and keeps the first', async () => {
    const first = await assessedPatient(breastCancerAt(42));
    const clinician = await api().token('clinician@demo-clinic.test');
    const started = await api().request('POST', '/v1/chat-sessions', {
      token: clinician,
      body: { patientId: first.patientId, source: 'provider' },
    });
    expect(started.status).toBe(201);
    await answerAndComplete(api(), started.body.id, clinician, breastCancerAt(58, 62));

    const list = await api().request('GET', `/v1/eligibility-results?patientId=${first.patientId}`, {
      token: clinician,
    });
    expect(list.body.items.map((r: { sessionId: string; outcome: string }) => [r.sessionId, r.outcome])).toEqual([
      [started.body.id, 'may_consider'],
      [first.sessionId, 'meets'],
    ]);
    const [secondSummary, original] = list.body.items;
    const second = (await api().request('GET', `/v1/eligibility-results/${secondSummary.id}`, { token: clinician }))
      .body;
    expect(second.id).not.toBe(first.result.id);
    expect(second.criteria.map((c: { id: string; explanation: string }) => [c.id, c.explanation])).toEqual([
      ['BOPP-CRIT-3.age-65', 'Breast cancer diagnosed at 58 (≤ 65)'],
    ]);
    expect(second.nccnEligible).toBe(false);
    const { criteria, unknowns, nextSteps, riskModels, riskProfile, ...firstSummary } = first.result;
    expect(original).toEqual(firstSummary);
    const paged = await api().request('GET', `/v1/eligibility-results?patientId=${first.patientId}&limit=1`, {
      token: clinician,
    });
    expect(paged.body.items.map((r: { id: string }) => r.id)).toEqual([second.id]);
    const rest = await api().request(
      'GET',
      `/v1/eligibility-results?patientId=${first.patientId}&limit=1&cursor=${encodeURIComponent(paged.body.nextCursor)}`,
      { token: clinician },
    );
    expect(rest.body.items.map((r: { id: string }) => r.id)).toEqual([original.id]);
  });

  test('a clinician reviews a result once; other roles 403, other clinics 404', async () => {
    const { result } = await assessedPatient(breastCancerAt(42));
    const path = `/v1/eligibility-results/${result.id}/review`;
    const body = { notes: 'Agree: refer to genetic counselling for a BRCA panel.', agree: true };
    for (const email of ['staff@demo-clinic.test', 'admin@demo-clinic.test']) {
      expect((await api().request('POST', path, { token: await api().token(email), body })).status, email).toBe(403);
    }
    expect(
      (await api().request('POST', path, { token: await api().token('clinician@lakeside-clinic.test'), body })).status,
    ).toBe(404);
    const clinician = await api().token('clinician@demo-clinic.test');
    const empty = await api().request('POST', path, { token: clinician, body: { notes: '', agree: true } });
    expect(empty.status).toBe(422);
    expect(empty.body.errors.map((e: { field: string }) => e.field)).toContain('body.notes');
    expect(
      (
        await api()
          .db.selectFrom('eligibility_results')
          .select('provider_reviewed')
          .where('id', '=', result.id)
          .executeTakeFirstOrThrow()
      ).provider_reviewed,
    ).toBe(false);

    const reviewed = await api().request('POST', path, { token: clinician, body });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body).toMatchObject({
      id: result.id,
      providerReviewed: true,
      providerId: api().seed.users['clinician@demo-clinic.test'],
      reviewNotes: body.notes,
      reviewAgrees: true,
      outcome: 'meets',
    });
    expect(reviewed.body.reviewedAt).toMatch(/Z$/);
    const again = await api().request('POST', path, {
      token: clinician,
      body: { notes: 'Changed my mind', agree: false },
    });
    expect(again.status).toBe(409);
    const stored = await api().request('GET', `/v1/eligibility-results/${result.id}`, { token: clinician });
    expect(stored.body).toMatchObject({ providerReviewed: true, reviewNotes: body.notes, reviewAgrees: true });
    const audit = await api()
      .db.selectFrom('audit_events')
      .select(['actor_id'])
      .where('action', '=', 'eligibility_result.review')
      .where('resource_id', '=', result.id)
      .execute();
    expect(audit).toEqual([{ actor_id: api().seed.users['clinician@demo-clinic.test'] }]);
  });

  test('concurrent reviews: exactly one is stored, the other is a 409', async () => {
    const { result } = await assessedPatient(breastCancerAt(42));
    const clinician = await api().token('clinician@demo-clinic.test');
    const path = `/v1/eligibility-results/${result.id}/review`;
    // Both requests pass their "not yet reviewed" check before either may write.
    const responses = await whileRowLocked(api(), 'eligibility_results', result.id, 2, () =>
      Promise.all(
        [1, 2].map((i) =>
          api().request('POST', path, { token: clinician, body: { notes: `review ${i}`, agree: i === 1 } }),
        ),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = responses.find((r) => r.status === 200)?.body;
    const stored = await api()
      .db.selectFrom('eligibility_results')
      .select(['review_notes', 'review_agrees'])
      .where('id', '=', result.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ review_notes: winner.reviewNotes, review_agrees: winner.reviewAgrees });
    expect(
      await api()
        .db.selectFrom('audit_events')
        .select('id')
        .where('action', '=', 'eligibility_result.review')
        .where('resource_id', '=', result.id)
        .execute(),
    ).toHaveLength(1);
  });

  test('an unknown age at diagnosis: needs review, the unknown is named; office staff read it, other clinics see nothing', async () => {
    const steps = breastCancerAt(42, 60).map(([key, answer]): Step => [key, key === 'cancer_age' ? null : answer]);
    const { patientId, result } = await assessedPatient(steps, { inviterEmail: 'staff@demo-clinic.test' });
    const staff = await api().token('staff@demo-clinic.test');
    const read = await api().request('GET', `/v1/eligibility-results/${result.id}`, { token: staff });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ outcome: 'needs_review', nccnEligible: false, isEligible: false });
    expect(read.body.unknowns).toEqual(['personalCancers[0].ageAtDiagnosis']);
    const ageCriterion = read.body.criteria.find((c: { id: string }) => c.id === 'BOPP-CRIT-2.age-50');
    expect(ageCriterion).toMatchObject({ status: 'undetermined', category: 'clinically_indicated' });
    expect(ageCriterion.explanation).toMatch(/unknown age/);
    expect(read.body.criteria.every((c: { status: string }) => c.status === 'undetermined')).toBe(true);
    // Counselling to settle the unknowns, but no panel: no criterion is met.
    expect(read.body.nextSteps.map((s: { kind: string }) => s.kind)).toEqual(['genetic_counselling']);
    expect(read.body.nextSteps[0].reason).toMatch(/unknown answers/);
    const listed = await api().request('GET', `/v1/eligibility-results?patientId=${patientId}`, { token: staff });
    expect(listed.body.items.map((r: { id: string }) => r.id)).toEqual([result.id]);

    const other = await api().token('clinician@lakeside-clinic.test');
    expect((await api().request('GET', `/v1/eligibility-results/${result.id}`, { token: other })).status).toBe(404);
    const otherList = await api().request('GET', `/v1/eligibility-results?patientId=${patientId}`, { token: other });
    expect(otherList.body.items).toEqual([]);
    const otherAll = await api().request('GET', '/v1/eligibility-results?limit=100', { token: other });
    expect(otherAll.body.items.map((r: { id: string }) => r.id)).not.toContain(result.id);
  });

  test('the risk-assessment dashboard shows the latest completed session and result, filtered by provider', async () => {
    const clinicianId = api().seed.users['clinician@demo-clinic.test'] as string;
    const mine = await assessedPatient(breastCancerAt(42), { providerId: clinicianId });
    const clinician = await api().token('clinician@demo-clinic.test');
    const again = await api().request('POST', '/v1/chat-sessions', {
      token: clinician,
      body: { patientId: mine.patientId, source: 'provider' },
    });
    await answerAndComplete(api(), again.body.id, clinician, breastCancerAt(58, 62));
    // A session started later but not completed is not the latest completed one.
    await api().request('POST', '/v1/chat-sessions', {
      token: clinician,
      body: { patientId: mine.patientId, source: 'direct' },
    });
    const unassigned = await assessedPatient(MOTHER_BREAST_45, { inviterEmail: 'staff@demo-clinic.test' });

    const admin = await api().token('admin@demo-clinic.test');
    const all = await api().request('GET', '/v1/dashboard/risk-assessments?limit=100', { token: admin });
    expect(all.status).toBe(200);
    const entry = all.body.items.find((i: { patientId: string }) => i.patientId === mine.patientId);
    const latest = (
      await api().request('GET', `/v1/eligibility-results?patientId=${mine.patientId}&limit=1`, { token: clinician })
    ).body.items[0];
    expect(entry).toMatchObject({
      providerId: clinicianId,
      latestSession: { id: again.body.id, status: 'completed' },
      latestResult: { id: latest.id, outcome: 'may_consider', isEligible: false, providerReviewed: false },
    });
    expect(entry.latestSession.completedAt).toMatch(/Z$/);
    expect(all.body.items.map((i: { patientId: string }) => i.patientId)).toContain(unassigned.patientId);

    const filtered = await api().request('GET', `/v1/dashboard/risk-assessments?limit=100&providerId=${clinicianId}`, {
      token: admin,
    });
    const ids = filtered.body.items.map((i: { patientId: string }) => i.patientId);
    expect(ids).toContain(mine.patientId);
    expect(ids).not.toContain(unassigned.patientId);
    expect(filtered.body.items.every((i: { providerId: string }) => i.providerId === clinicianId)).toBe(true);

    const other = await api().request('GET', '/v1/dashboard/risk-assessments?limit=100', {
      token: await api().token('admin@lakeside-clinic.test'),
    });
    expect(other.body.items.map((i: { patientId: string }) => i.patientId)).not.toContain(mine.patientId);
  });

  test('the patient timeline shows the invite, the chat sessions and the eligibility results with their outcome', async () => {
    const { patientId, inviteId, sessionId, result } = await assessedPatient(breastCancerAt(42));
    const clinician = await api().token('clinician@demo-clinic.test');
    const second = await api().request('POST', '/v1/chat-sessions', {
      token: clinician,
      body: { patientId, source: 'provider' },
    });
    await answerAndComplete(api(), second.body.id, clinician, breastCancerAt(58, 62));
    const later = (
      await api().request('GET', `/v1/eligibility-results?patientId=${patientId}&limit=1`, { token: clinician })
    ).body.items[0];
    expect(later.outcome).toBe('may_consider');

    const staff = await api().token('staff@demo-clinic.test');
    const timeline = await api().request('GET', `/v1/patients/${patientId}/timeline`, { token: staff });
    expect(timeline.status).toBe(200);
    const events = timeline.body.items as { type: string; id: string; status: string; summary: string }[];
    const event = (id: string) => events.find((e) => e.id === id);
    expect(event(inviteId)).toMatchObject({ type: 'invite', status: 'completed' });
    expect(event(sessionId)).toMatchObject({ type: 'chat_session', status: 'completed' });
    expect(event(second.body.id)).toMatchObject({ type: 'chat_session', status: 'completed' });
    expect(event(result.id)).toMatchObject({ type: 'eligibility_result', status: 'unreviewed' });
    expect(event(result.id)?.summary).toContain('meets NCCN testing criteria');
    // "May be considered" is not "not eligible".
    expect(event(later.id)?.summary).toContain('testing may be considered');
    expect(event(later.id)?.summary).not.toMatch(/not eligible/);
    expect(events.map((e) => e.type)).toContain('patient_created');
    // Newest first: the second result comes before the first.
    expect(events.findIndex((e) => e.id === later.id)).toBeLessThan(events.findIndex((e) => e.id === result.id));
    expect(
      (
        await api().request('GET', `/v1/patients/${patientId}/timeline`, {
          token: await api().token('staff@lakeside-clinic.test'),
        })
      ).status,
    ).toBe(404);
  });
});
