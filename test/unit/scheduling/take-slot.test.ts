import { describe, expect, test } from 'vitest';
import type { Db } from '../../../functions/core/db.ts';
import { conflict } from '../../../functions/core/errors.ts';
import { SLOT_TAKEN, takeSlot } from '../../../functions/scheduling/appointments.service.ts';

/** A slot-taking statement that fails with the given errors, in order, then runs `work`. */
function failingDb(errors: unknown[]) {
  let calls = 0;
  const db = {} as Db;
  const statement =
    <T>(work: () => Promise<T>) =>
    async (given: Db): Promise<T> => {
      expect(given).toBe(db);
      const error = errors[calls];
      calls += 1;
      if (error) throw error;
      return work();
    };
  return { db, calls: () => calls, statement };
}

/** node-postgres puts the SQLSTATE in `code`; the RDS Data API only in the message. */
const pgError = (code: string, constraint?: string) => Object.assign(new Error('db error'), { code, constraint });
const dataApiError = (code: string, message = 'ERROR: failed') => new Error(`${message}; SQLState: ${code}`);

describe('takeSlot', () => {
  test('the exclusion constraint means the slot is taken, without a retry', async () => {
    for (const error of [pgError('23P01'), dataApiError('23P01')]) {
      const { db, calls, statement } = failingDb([error]);
      expect(
        await takeSlot(
          db,
          statement(async () => 'booked'),
        ),
      ).toBe(SLOT_TAKEN);
      expect(calls()).toBe(1);
    }
  });

  test('a deadlock or serialization failure is retried once, then counts as a taken slot', async () => {
    for (const code of ['40P01', '40001']) {
      const once = failingDb([dataApiError(code)]);
      expect(
        await takeSlot(
          once.db,
          once.statement(async () => 'booked'),
        ),
      ).toBe('booked');
      expect(once.calls()).toBe(2);
      const twice = failingDb([pgError(code), pgError(code), pgError(code)]);
      expect(
        await takeSlot(
          twice.db,
          twice.statement(async () => 'booked'),
        ),
      ).toBe(SLOT_TAKEN);
      expect(twice.calls()).toBe(2);
      const thenTaken = failingDb([pgError(code), pgError('23P01')]);
      expect(
        await takeSlot(
          thenTaken.db,
          thenTaken.statement(async () => 'booked'),
        ),
      ).toBe(SLOT_TAKEN);
    }
  });

  test('a confirmation-code collision is retried with a new code; other errors pass through', async () => {
    const collision = failingDb([
      dataApiError(
        '23505',
        'ERROR: duplicate key value violates unique constraint "appointments_confirmation_code_key"',
      ),
    ]);
    let codes = 0;
    expect(
      await takeSlot(
        collision.db,
        collision.statement(async () => `code-${++codes}`),
      ),
    ).toBe('code-1');
    expect(collision.calls()).toBe(2);
    const otherUnique = failingDb([pgError('23505', 'appointments_rescheduled_from_id_key')]);
    await expect(
      takeSlot(
        otherUnique.db,
        otherUnique.statement(async () => 'x'),
      ),
    ).rejects.toMatchObject({ code: '23505' });
    const problem = conflict('changed');
    const problemDb = failingDb([problem]);
    await expect(
      takeSlot(
        problemDb.db,
        problemDb.statement(async () => 'x'),
      ),
    ).rejects.toBe(problem);
    const reset = failingDb([new Error('connection reset')]);
    await expect(
      takeSlot(
        reset.db,
        reset.statement(async () => 'x'),
      ),
    ).rejects.toThrow('connection reset');
  });
});
