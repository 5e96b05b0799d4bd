import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { DIALECTS, kyselyFor } from '../support/dialects.ts';
import { sqlState } from '../../functions/core/db-errors.ts';
import { DataApiEmulator, rewritePlaceholders, sqlStateOf } from '../support/data-api-emulator.ts';
import type { Db } from '../../functions/core/db.ts';

interface EmuItems {
  id: string;
  name: string;
  data: unknown;
  happened_at: Date | null;
  day: Date | null;
  count: number | null;
  amount: string | null;
  active: boolean | null;
}
type EmuDb = Kysely<{ emu_items: EmuItems }>;

const ARNS = {
  resourceArn: 'arn:aws:rds:us-east-1:000000000000:cluster:emulator',
  secretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:emulator',
};

let testDb: TestDatabase;
let handle: { db: Db; destroy(): Promise<void> };
let db: EmuDb;
let emulator: DataApiEmulator;

const uuid = (value: string) => sql<string>`cast(${value} as uuid)`;
const countRows = async () =>
  Number(
    (
      await db
        .selectFrom('emu_items')
        .select(sql<number>`count(*)::int4`.as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

beforeAll(async () => {
  testDb = await createTestDatabase({ migrated: false });
  await sql`
    CREATE TABLE emu_items (
      id uuid PRIMARY KEY,
      name text NOT NULL UNIQUE,
      data jsonb,
      happened_at timestamptz,
      day date,
      count int8,
      amount numeric(12, 4),
      active bool
    )`.execute(testDb.db);
  handle = await kyselyFor('data-api', testDb.url);
  db = handle.db.withTables<{ emu_items: EmuItems }>() as unknown as EmuDb;
  emulator = new DataApiEmulator(testDb.url);
});

afterAll(async () => {
  await handle?.destroy();
  await emulator?.destroy();
  await testDb?.destroy();
});

beforeEach(async () => {
  await sql`TRUNCATE emu_items`.execute(testDb.db);
});

describe('Data API typing through Kysely + DataApiDialect', () => {
  test('(1) comparing a uuid column to an uncast string fails as on Aurora; a cast works', async () => {
    const id = randomUUID();
    await db
      .insertInto('emu_items')
      .values({ id: uuid(id), name: 'one' })
      .execute();

    const error = await db
      .selectFrom('emu_items')
      .selectAll()
      .where('id', '=', id)
      .execute()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'DatabaseErrorException' });
    expect(sqlState(error)).toBe('42883');
    expect((error as Error).message).toMatch(
      /^ERROR: operator does not exist: uuid = character varying\n {2}Hint: .*\n {2}Position: \d+; SQLState: 42883$/,
    );

    const rows = await db.selectFrom('emu_items').select(['id', 'name']).where('id', '=', uuid(id)).execute();
    expect(rows).toEqual([{ id, name: 'one' }]);
  });

  test('(2) a JSON string into jsonb fails without a cast, works with one, and reads back parsed', async () => {
    const data = { answers: [1, 'two', { three: true }], note: 'colons :0 and ::casts stay' };
    const insert = (value: unknown) =>
      db
        .insertInto('emu_items')
        .values({ id: uuid(randomUUID()), name: 'json', data: value })
        .execute();

    await expect(insert(JSON.stringify(data))).rejects.toThrow(
      /column "data" is of type jsonb but expression is of type character varying/,
    );
    await insert(sql`cast(${JSON.stringify(data)} as jsonb)`);

    const row = await db.selectFrom('emu_items').select('data').executeTakeFirstOrThrow();
    expect(row.data).toEqual(data);
  });

  test('(3) a Date round-trips through timestamptz; a date column reads back as UTC midnight', async () => {
    const at = new Date('2024-03-10T07:08:09.123Z');
    await db
      .insertInto('emu_items')
      .values({ id: uuid(randomUUID()), name: 'ts', happened_at: at, day: sql`cast(${'2024-02-29'} as date)` })
      .execute();
    const row = await db.selectFrom('emu_items').select(['happened_at', 'day']).executeTakeFirstOrThrow();
    expect(row.happened_at).toBeInstanceOf(Date);
    expect(row.happened_at?.toISOString()).toBe(at.toISOString());
    expect(row.day?.toISOString()).toBe('2024-02-29T00:00:00.000Z');

    const later = await db
      .selectFrom('emu_items')
      .select('name')
      .where('happened_at', '<', new Date('2024-03-10T07:08:10Z'))
      .execute();
    expect(later).toEqual([{ name: 'ts' }]);
  });

  test('(4) int8 → number, numeric → exact string, bool → boolean, NULL → null', async () => {
    await db
      .insertInto('emu_items')
      .values({
        id: uuid(randomUUID()),
        name: 'n',
        count: 9007199254740991,
        amount: sql`cast(${'12.34'} as numeric)`,
        active: false,
      })
      .execute();
    await db
      .insertInto('emu_items')
      .values({ id: uuid(randomUUID()), name: 'nulls' })
      .execute();
    const rows = await db
      .selectFrom('emu_items')
      .select(['name', 'count', 'amount', 'active', 'data', 'happened_at'])
      .orderBy('name')
      .execute();
    expect(rows).toEqual([
      { name: 'n', count: 9007199254740991, amount: '12.3400', active: false, data: null, happened_at: null },
      { name: 'nulls', count: null, amount: null, active: null, data: null, happened_at: null },
    ]);
    expect(typeof rows[0]!.count).toBe('number');
  });

  test('(5) a failing transaction rolls back, a successful one commits, and both are isolated until then', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto('emu_items')
          .values({ id: uuid(randomUUID()), name: 'rolled back' })
          .execute();
        const inside = await trx.selectFrom('emu_items').select('name').execute();
        expect(inside).toEqual([{ name: 'rolled back' }]);
        expect(await countRows()).toBe(0); // not visible outside the transaction
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await countRows()).toBe(0);

    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('emu_items')
        .values({ id: uuid(randomUUID()), name: 'committed' })
        .execute();
    });
    expect(await countRows()).toBe(1);

    // A statement error inside a transaction aborts it and Kysely rolls back.
    await expect(
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto('emu_items')
          .values({ id: uuid(randomUUID()), name: 'second' })
          .execute();
        await trx
          .insertInto('emu_items')
          .values({ id: uuid(randomUUID()), name: 'committed' })
          .execute();
      }),
    ).rejects.toMatchObject({ name: 'DatabaseErrorException', message: expect.stringContaining('SQLState: 23505') });
    expect(await countRows()).toBe(1);
  });

  test('(6) a unique violation carries SQLSTATE 23505, in the Data API message format only (no `code`, as on Aurora)', async () => {
    await db
      .insertInto('emu_items')
      .values({ id: uuid(randomUUID()), name: 'dup' })
      .execute();
    const error = await db
      .insertInto('emu_items')
      .values({ id: uuid(randomUUID()), name: 'dup' })
      .execute()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'DatabaseErrorException' });
    expect((error as { code?: unknown }).code).toBeUndefined();
    expect(sqlState(error)).toBe('23505');
    expect((error as Error).message).toBe(
      'ERROR: duplicate key value violates unique constraint "emu_items_name_key"\n' +
        '  Detail: Key (name)=(dup) already exists.; SQLState: 23505',
    );
    expect(sqlStateOf(error)).toBe('23505');
  });

  test('rows report affected counts for statements without result columns', async () => {
    await db
      .insertInto('emu_items')
      .values([
        { id: uuid(randomUUID()), name: 'a' },
        { id: uuid(randomUUID()), name: 'b' },
      ])
      .execute();
    const result = await db.updateTable('emu_items').set({ active: true }).executeTakeFirstOrThrow();
    expect(result.numUpdatedRows).toBe(2n);
  });
});

describe('plain pg accepts what the Data API rejects (the difference the emulator exists for)', () => {
  test.each(DIALECTS)('%s: uncast uuid comparison and JSON string insert', async (kind) => {
    const other = await kyselyFor(kind, testDb.url);
    try {
      const odb = other.db.withTables<{ emu_items: EmuItems }>() as unknown as EmuDb;
      const id = randomUUID();
      const run = async () => {
        await odb
          .insertInto('emu_items')
          .values({ id, name: `d-${kind}`, data: JSON.stringify({ a: 1 }) })
          .execute();
        return odb.selectFrom('emu_items').select('name').where('id', '=', id).execute();
      };
      if (kind === 'pg') await expect(run()).resolves.toEqual([{ name: 'd-pg' }]);
      else await expect(run()).rejects.toThrow(/is of type uuid but expression is of type character varying/);
    } finally {
      await other.destroy();
    }
  });
});

describe('DataApiEmulator wire format', () => {
  test('columnMetadata type names and Field encodings', async () => {
    const result = await emulator.executeStatement({
      ...ARNS,
      database: testDb.name,
      includeResultMetadata: true,
      sql: `SELECT :0 AS s, :1 AS l, :2 AS d, :3 AS b, :4 AS n, :5 AS blob,
        'ba5eba11-0000-4000-8000-000000000000'::uuid AS u, 'x'::text AS t, 1::int4 AS i4, 1::int2 AS i2,
        12.5000::numeric AS num, '2024-01-02 03:04:05.123456+02'::timestamptz AS tstz, '2024-01-02 03:04:05'::timestamp AS ts,
        '2024-01-02'::date AS dt, '13:14:15.5'::time AS tm, '{"b": 1, "a": [2]}'::jsonb AS jb, '{"b": 1}'::json AS js,
        ARRAY[1, 2, NULL]::int8[] AS ai, ARRAY['a', 'b c', NULL] AS at, 1.5::float4 AS f4,
        :6 AS hinted_uuid, :7 AS hinted_ts, :8 AS hinted_date, :9 AS hinted_time, :10 AS hinted_dec, :11 AS hinted_json`,
      parameters: [
        { name: '0', value: { stringValue: 'str' } },
        { name: '1', value: { longValue: 42 } },
        { name: '2', value: { doubleValue: 1.25 } },
        { name: '3', value: { booleanValue: true } },
        { name: '4', value: { isNull: true } },
        { name: '5', value: { blobValue: new Uint8Array([0, 1, 255]) } },
        { name: '6', value: { stringValue: 'ba5eba11-0000-4000-8000-000000000000' }, typeHint: 'UUID' },
        { name: '7', value: { stringValue: '2024-01-02 03:04:05.678' }, typeHint: 'TIMESTAMP' },
        { name: '8', value: { stringValue: '2024-01-02' }, typeHint: 'DATE' },
        { name: '9', value: { stringValue: '03:04:05' }, typeHint: 'TIME' },
        { name: '10', value: { stringValue: '1.10' }, typeHint: 'DECIMAL' },
        { name: '11', value: { stringValue: '{"x": 1}' }, typeHint: 'JSON' },
      ],
    });
    const columns = result.columnMetadata!.map((column) => [column.name, column.typeName]);
    expect(Object.fromEntries(columns)).toEqual({
      s: 'varchar',
      l: 'int8',
      d: 'float8',
      b: 'bool',
      n: 'text',
      blob: 'bytea',
      u: 'uuid',
      t: 'text',
      i4: 'int4',
      i2: 'int2',
      num: 'numeric',
      tstz: 'timestamptz',
      ts: 'timestamp',
      dt: 'date',
      tm: 'time',
      jb: 'jsonb',
      js: 'json',
      ai: '_int8',
      at: '_text',
      f4: 'float4',
      hinted_uuid: 'uuid',
      hinted_ts: 'timestamp',
      hinted_date: 'date',
      hinted_time: 'time',
      hinted_dec: 'numeric',
      hinted_json: 'json',
    });
    const record = Object.fromEntries(result.columnMetadata!.map((column, i) => [column.name, result.records![0]![i]]));
    expect(record).toEqual({
      s: { stringValue: 'str' },
      l: { longValue: 42 },
      d: { doubleValue: 1.25 },
      b: { booleanValue: true },
      n: { isNull: true },
      blob: { blobValue: new Uint8Array([0, 1, 255]) },
      u: { stringValue: 'ba5eba11-0000-4000-8000-000000000000' },
      t: { stringValue: 'x' },
      i4: { longValue: 1 },
      i2: { longValue: 1 },
      num: { stringValue: '12.5000' },
      tstz: { stringValue: '2024-01-02 01:04:05.123456' },
      ts: { stringValue: '2024-01-02 03:04:05' },
      dt: { stringValue: '2024-01-02' },
      tm: { stringValue: '13:14:15.5' },
      jb: { stringValue: '{"a": [2], "b": 1}' },
      js: { stringValue: '{"b": 1}' },
      ai: { arrayValue: { longValues: [1, 2, null] } },
      at: { arrayValue: { stringValues: ['a', 'b c', null] } },
      f4: { doubleValue: 1.5 },
      hinted_uuid: { stringValue: 'ba5eba11-0000-4000-8000-000000000000' },
      hinted_ts: { stringValue: '2024-01-02 03:04:05.678' },
      hinted_date: { stringValue: '2024-01-02' },
      hinted_time: { stringValue: '03:04:05' },
      hinted_dec: { stringValue: '1.10' },
      hinted_json: { stringValue: '{"x": 1}' },
    });
  });

  test('statements without result columns return numberOfRecordsUpdated and no columnMetadata', async () => {
    const result = await emulator.executeStatement({
      ...ARNS,
      includeResultMetadata: true,
      sql: 'INSERT INTO emu_items (id, name) VALUES (:id, :name)',
      parameters: [
        { name: 'id', value: { stringValue: randomUUID() }, typeHint: 'UUID' },
        { name: 'name', value: { stringValue: 'named' } },
      ],
    });
    expect(result.columnMetadata).toBeUndefined();
    expect(result.records).toBeUndefined();
    expect(result.numberOfRecordsUpdated).toBe(1);
  });

  test('unknown transaction ids are rejected; errors point at the caller’s SQL', async () => {
    await expect(emulator.executeStatement({ ...ARNS, sql: 'SELECT 1', transactionId: 'nope' })).rejects.toMatchObject({
      name: 'TransactionNotFoundException',
      message: 'Transaction nope is not found',
    });
    await expect(emulator.commitTransaction({ ...ARNS, transactionId: 'nope' })).rejects.toMatchObject({
      name: 'TransactionNotFoundException',
    });

    const sqlText = 'SELECT * FROM emu_items WHERE name = :0 AND id = :1';
    const error: Error = await emulator
      .executeStatement({
        ...ARNS,
        sql: sqlText,
        parameters: [
          { name: '0', value: { stringValue: 'x' } },
          { name: '1', value: { stringValue: 'y' } },
        ],
      })
      .then(
        () => new Error('expected a failure'),
        (e: unknown) => e as Error,
      );
    const position = Number(/Position: (\d+)/.exec(error.message)![1]);
    expect(sqlText.slice(position - 1)).toBe('= :1');
  });

  test('placeholders are only replaced outside literals, quoted identifiers, comments and casts', () => {
    const { text, values } = rewritePlaceholders(
      `SELECT ':0', E'\\':0', "a:0", $$ :0 $$, $t$ :1 $t$, x::text, :0, :1, :0 -- :1\n/* :0 /* :1 */ */ :missing`,
      [
        { name: '0', value: { stringValue: 'a' } },
        { name: '1', value: { isNull: true } },
      ],
    );
    expect(text).toBe(
      `SELECT ':0', E'\\':0', "a:0", $$ :0 $$, $t$ :1 $t$, x::text, $1::varchar, NULL, $1::varchar -- :1\n/* :0 /* :1 */ */ :missing`,
    );
    expect(values).toEqual(['a']);
  });
});
