import { describe, expect, test } from 'vitest';
import type { Db } from '../../../functions/core/db.ts';
import { conflict } from '../../../functions/core/errors.ts';
import { SLOT_TAKEN, takeSlot } from '../../../functions/scheduling/appointments.service.ts';

/** A database whose transactions fail with the given errors, in order, then succeed. */
function failingDb(errors: unknown[]) {
  let calls = 0;
  const db = {
    transaction: () => ({
      execute: async (work: (trx: Db) => Promise<unknown>) => {
        const error = errors[calls];
        calls += 1;
        if (error) throw error;
        return work(db as unknown as Db);
      },
    }),
  };
  return { db: db as unknown as Db, calls: () => calls };
}

/** node-postgres puts the SQLSTATE in `code`; the RDS Data API only in the message. */
const pgError = (code: string, constraint?: string) => Object.assign(new Error('db error'), { code, constraint });
const dataApiError = (code: string, message = 'ERROR: failed') => new Error(`${message}; SQLState: ${code}`);

describe('takeSlot', () => {
  test('the exclusion constraint means the slot is taken, without a retry', async () => {
    for (const error of [pgError('23P01'), dataApiError('23P01')]) {
      const { db, calls } = failingDb([error]);
      expect(await takeSlot(db, async () => 'booked')).toBe(SLOT_TAKEN);
      expect(calls()).toBe(1);
    }
  });

  test('a deadlock or serialization failure is retried once, then counts as a taken slot', async () => {
    for (const code of ['40P01', '40001']) {
      const once = failingDb([dataApiError(code)]);
      expect(await takeSlot(once.db, async () => 'booked')).toBe('booked');
      expect(once.calls()).toBe(2);
      const twice = failingDb([pgError(code), pgError(code), pgError(code)]);
      expect(await takeSlot(twice.db, async () => 'booked')).toBe(SLOT_TAKEN);
      expect(twice.calls()).toBe(2);
      const thenTaken = failingDb([pgError(code), pgError('23P01')]);
      expect(await takeSlot(thenTaken.db, async () => 'booked')).toBe(SLOT_TAKEN);
    }
  });

  test('a confirmation-code collision is retried with a new code; other errors pass through', async () => {
    const collision = failingDb([dataApiError('23505', 'ERROR: duplicate key value violates unique constraint "appointments_confirmation_code_key"')]);
    let codes = 0;
    expect(await takeSlot(collision.db, async () => `code-${++codes}`)).toBe('code-1');
    expect(collision.calls()).toBe(2);
    const otherUnique = failingDb([pgError('23505', 'appointments_rescheduled_from_id_key')]);
    await expect(takeSlot(otherUnique.db, async () => 'x')).rejects.toMatchObject({ code: '23505' });
    const problem = conflict('changed');
    const problemDb = failingDb([problem]);
    await expect(takeSlot(problemDb.db, async () => 'x')).rejects.toBe(problem);
    await expect(takeSlot(failingDb([new Error('connection reset')]).db, async () => 'x')).rejects.toThrow('connection reset');
  });
});
