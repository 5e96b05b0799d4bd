import type { StaffActor } from '../core/auth/actor.ts';
import type { AuditContext, AuditEntry } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import { notFound, unprocessable } from '../core/errors.ts';
import * as repo from './chat-questions.repository.ts';
import type { Question } from './question-bank/types.ts';
import { validateQuestionGraph } from './question-bank/validate-graph.ts';
import { CURRENT_BANK_VERSION, forgetBank, loadBank, type LoadedBank } from './question-bank-store.ts';

interface Context extends AuditContext {
  actor: StaffActor;
}

export type QuestionInput = Omit<Question, 'next'> & { next?: Question['next'] };

/** A question-bank change; the bank is platform-wide, so the event belongs to no account. */
const questionAudit = (action: string, id?: number): AuditEntry => ({
  action,
  resourceType: 'chat_question',
  resourceId: id === undefined ? null : String(id),
  accountId: null,
});

/** What a patient is shown of a question. */
export function askedQuestion(q: repo.StoredQuestion) {
  return {
    id: q.id,
    key: q.key,
    text: q.text,
    questionType: q.questionType,
    options: q.options ?? null,
    allowUnknown: q.allowUnknown,
    min: q.min ?? null,
    max: q.max ?? null,
    category: q.category,
    loop: q.loop ?? null,
  };
}

/** A question of the bank as the question-bank routes show it, with its branching. */
export function toQuestionDto(q: repo.StoredQuestion) {
  return { ...askedQuestion(q), integer: q.integer ?? false, next: q.next, position: q.position, isActive: q.isActive };
}

export async function listQuestions(db: Db) {
  const bank = await loadBank(db, CURRENT_BANK_VERSION);
  return { version: bank.version, startKey: bank.startKey, items: bank.all.map(toQuestionDto) };
}

function stripStorage(q: repo.StoredQuestion): Question {
  const { id: _id, position: _position, isActive: _active, ...question } = q;
  return question;
}

/** The graph after a change must be sound: no dangling targets, no unreachable questions, loops only where declared. */
function assertSoundGraph(bank: LoadedBank, replaced: Map<string, Question | null>): void {
  const active = bank.questions
    .map((q) => (replaced.has(q.key) ? replaced.get(q.key) : stripStorage(q)))
    .filter((q): q is Question => !!q);
  for (const [key, q] of replaced) if (q && !bank.questions.some((b) => b.key === key)) active.push(q);
  const problems = validateQuestionGraph(active, bank.startKey);
  if (problems.length) {
    throw unprocessable(
      'The question graph would be invalid',
      problems.map((p) => ({ field: `questions.${p.key}`, message: p.message })),
    );
  }
}

/**
 * Creates a question in the current bank. With `insertAfter` it joins the flow right after that question
 * (which then leads to it by default); without, it is an inactive draft until a later edit reaches it.
 */
export async function createQuestion(db: Db, context: Context, input: QuestionInput & { insertAfter?: number }) {
  const bank = await loadBank(db, CURRENT_BANK_VERSION);
  if (bank.byKey.has(input.key))
    throw unprocessable('Duplicate key', [
      { field: 'body.key', message: 'A question with this key exists in the bank' },
    ]);
  const { insertAfter, ...fields } = input;
  const predecessor = insertAfter === undefined ? undefined : bank.byId.get(insertAfter);
  if (insertAfter !== undefined && (!predecessor || !predecessor.isActive)) {
    throw unprocessable('Unknown question', [
      { field: 'body.insertAfter', message: 'must be an active question of the bank' },
    ]);
  }
  const question: Question = {
    ...fields,
    next: fields.next ?? { rules: [], default: predecessor?.next.default ?? 'END' },
  };
  const changes = new Map<string, Question | null>();
  if (predecessor) {
    changes.set(predecessor.key, {
      ...stripStorage(predecessor),
      next: { ...predecessor.next, default: question.key },
    });
    changes.set(question.key, question);
    assertSoundGraph(bank, changes);
  } else {
    // A draft is outside the graph, but its own targets must still exist.
    const dangling = [question.next.default, ...question.next.rules.map((r) => r.next)].filter(
      (k) => k !== 'END' && !bank.byKey.has(k),
    );
    if (dangling.length)
      throw unprocessable(
        'Unknown next question',
        dangling.map((k) => ({ field: 'body.next', message: `No question ${k}` })),
      );
  }
  const position = Math.max(0, ...bank.all.map((q) => q.position)) + 1;
  const after = predecessor && { id: predecessor.id, question: changes.get(predecessor.key) as Question };
  const created = await repo.insertQuestion(db, bank.version, position, question, after, {
    context,
    entry: questionAudit('chat_question.create'),
  });
  forgetBank(bank.version);
  return toQuestionDto(repo.toStoredQuestion(created));
}

export async function updateQuestion(
  db: Db,
  context: Context,
  id: number,
  input: Partial<QuestionInput> & { isActive?: boolean },
) {
  const bank = await loadBank(db, CURRENT_BANK_VERSION);
  const existing = bank.byId.get(id);
  if (!existing) throw notFound('Question');
  if (input.key !== undefined && input.key !== existing.key)
    throw unprocessable('Keys are stable', [{ field: 'body.key', message: 'A question key cannot change' }]);
  const { isActive, ...fields } = input;
  const updated: Question = { ...stripStorage(existing), ...fields } as Question;
  const active = isActive ?? existing.isActive;
  assertSoundGraph(bank, new Map([[existing.key, active ? updated : null]]));
  const row = await repo.updateQuestion(db, id, updated, active, {
    context,
    entry: questionAudit('chat_question.update', id),
  });
  if (!row) throw notFound('Question');
  forgetBank(bank.version);
  return toQuestionDto(repo.toStoredQuestion(row));
}
