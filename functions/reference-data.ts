import type { Db } from './core/db.ts';
import { insertBankIfMissing } from './chat/chat-questions.repository.ts';
import { BANK_V1 } from './chat/question-bank/bank-v1.ts';
import { syncLabCatalogue } from './labs/lab-catalogue.ts';

/**
 * Reference data every database needs (the question bank, the lab catalogue). Synced after the
 * migrations on every deploy, by the local seed and in the test template; idempotent.
 */
export async function syncReferenceData(db: Db): Promise<void> {
  // The seeded bank exists in every database (deploy-time sync, local seed, tests).
  await insertBankIfMissing(db, BANK_V1.version, BANK_V1.questions);
  await syncLabCatalogue(db);
}
