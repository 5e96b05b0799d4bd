import type { Db } from './core/db.ts';
import { syncQuestionBank } from './chat/question-bank-store.ts';
import { syncLabCatalogue } from './labs/lab-catalogue.ts';

/**
 * Reference data every database needs (the question bank, the lab catalogue). Synced after the
 * migrations on every deploy, by the local seed and in the test template; idempotent.
 */
export async function syncReferenceData(db: Db): Promise<void> {
  await syncQuestionBank(db);
  await syncLabCatalogue(db);
}
