import type { Db } from '../core/db.ts';
import * as questions from './chat-questions.repository.ts';
import type { StoredQuestion } from './chat-questions.repository.ts';

export { CURRENT_BANK_VERSION } from './question-bank/current-version.ts';

export interface LoadedBank {
  version: string;
  startKey: string;
  /** Active questions, in bank order: the graph sessions walk. */
  questions: StoredQuestion[];
  /** Every question of the version, including inactive drafts. */
  all: StoredQuestion[];
  byId: ReadonlyMap<number, StoredQuestion>;
  byKey: ReadonlyMap<string, StoredQuestion>;
}

const CACHE_MS = 30_000;
const cache = new Map<string, { bank: LoadedBank; at: number }>();

export function forgetBank(version?: string): void {
  if (version) cache.delete(version);
  else cache.clear();
}

export async function loadBank(db: Db, version: string): Promise<LoadedBank> {
  const hit = cache.get(version);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.bank;
  const all = (await questions.loadBankRows(db, version)).map(questions.toStoredQuestion);
  const active = all.filter((q) => q.isActive);
  const start = active[0];
  if (!start) throw new Error(`Question bank ${version} has no active questions`);
  const bank: LoadedBank = {
    version,
    startKey: start.key,
    questions: active,
    all,
    byId: new Map(all.map((q) => [q.id, q])),
    byKey: new Map(all.map((q) => [q.key, q])),
  };
  cache.set(version, { bank, at: Date.now() });
  return bank;
}
