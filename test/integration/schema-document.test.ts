import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

/**
 * SCHEMA.md (the clinic's original schema document) against the migrated database, mapped as SCHEMA_NOTES.md says:
 * every documented table, column, index and foreign key exists.
 */

const DOCUMENT = readFileSync(new URL('../fixtures/schema/SCHEMA.md', import.meta.url), 'utf8');

const TABLE_NAMES: Record<string, string> = {
  Account: 'accounts',
  User: 'users',
  Patient: 'patients',
  ChatSession: 'chat_sessions',
  ChatQuestion: 'chat_questions',
  ChatAnswer: 'chat_answers',
  Invite: 'invites',
  EligibilityResult: 'eligibility_results',
  LabOrder: 'lab_orders',
  LabResult: 'lab_results',
  Appointments: 'appointments',
  RecurringAvailability: 'recurring_availability',
};
const COLUMN_RENAMES: Record<string, string> = { 'users.password_hash': 'cognito_sub', 'invites.token': 'token_hash' };

/** PostgreSQL `data_type` for the document's types; `VARCHAR(n)` also checks the length. */
const PG_TYPES: Record<string, string> = {
  UUID: 'uuid',
  VARCHAR: 'character varying',
  TEXT: 'text',
  ENUM: 'text',
  INTEGER: 'integer',
  INT: 'integer',
  BOOLEAN: 'boolean',
  DECIMAL: 'numeric',
  JSON: 'jsonb',
  DATE: 'date',
  TIME: 'time without time zone',
  TIMESTAMP: 'timestamp with time zone',
  DATETIME: 'timestamp with time zone',
};
/** SCHEMA_NOTES: the document's TEXT-encoded JSON lists become jsonb. */
const TYPE_OVERRIDES: Record<string, string> = {
  'recurring_availability.days_of_week': 'jsonb',
  'recurring_availability.time_slots': 'jsonb',
};

interface DocumentTable {
  heading: string;
  name: string;
  columns: { name: string; type: string }[];
  indexes: { kind: 'PRIMARY KEY' | 'UNIQUE INDEX' | 'INDEX'; columns: string[] }[];
  foreignKeys: { column: string; references: string; referencedColumn: string }[];
}

/** The `### Name` sections of "Table Definitions" that have a `| Column | Type |` table, with names mapped. */
function parseDocument(markdown: string): DocumentTable[] {
  const tables: DocumentTable[] = [];
  let current: DocumentTable | undefined;
  const column = (table: string, name: string) => COLUMN_RENAMES[`${table}.${name}`] ?? name;
  const tableName = (heading: string) => {
    const name = TABLE_NAMES[heading];
    if (!name) throw new Error(`SCHEMA.md table "${heading}" has no mapping`);
    return name;
  };
  for (const line of markdown.split('\n').map((l) => l.trim())) {
    if (line.startsWith('## ')) {
      current = undefined;
      continue;
    }
    const heading = /^### (.+)$/.exec(line);
    if (heading) {
      current = { heading: heading[1]!, name: '', columns: [], indexes: [], foreignKeys: [] };
      tables.push(current);
      continue;
    }
    if (!current) continue;
    const row = /^\|\s*(\w+)\s*\|\s*([^|]+?)\s*\|/.exec(line);
    if (row && row[1]!.toLowerCase() !== 'column') {
      current.name ||= tableName(current.heading);
      current.columns.push({ name: column(current.name, row[1]!), type: row[2]! });
      continue;
    }
    const index = /^- `(PRIMARY KEY|UNIQUE INDEX|INDEX) \(([^)]+)\)`$/.exec(line);
    if (index && current.name) {
      const columns = index[2]!.split(',').map((c) => column(current!.name, c.trim()));
      current.indexes.push({ kind: index[1] as DocumentTable['indexes'][number]['kind'], columns });
      continue;
    }
    const fk = /^- `FOREIGN KEY \((\w+)\) REFERENCES (\w+)\((\w+)\)`$/.exec(line);
    if (fk && current.name) {
      current.foreignKeys.push({
        column: column(current.name, fk[1]!),
        references: tableName(fk[2]!),
        referencedColumn: fk[3]!,
      });
    }
  }
  return tables.filter((table) => table.columns.length > 0);
}

const documentTables = parseDocument(DOCUMENT);

interface ColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
  character_maximum_length: number | null;
  numeric_precision: number | null;
}
interface IndexRow {
  table_name: string;
  is_unique: boolean;
  is_primary: boolean;
  /** Key columns in order; null for an expression. */
  columns: (string | null)[];
}
interface ForeignKeyRow {
  table_name: string;
  column_name: string;
  referenced_table: string;
  referenced_column: string;
  delete_rule: string;
}

let database: TestDatabase;
let columns: ColumnRow[];
let indexes: IndexRow[];
let foreignKeys: ForeignKeyRow[];

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  columns = (
    await sql<ColumnRow>`
      select table_name, column_name, data_type, character_maximum_length, numeric_precision
      from information_schema.columns where table_schema = 'public'
    `.execute(db)
  ).rows;
  // Non-partial indexes with their key columns (pg_indexes only has the DDL text).
  indexes = (
    await sql<IndexRow>`
      select t.relname as table_name, i.indisunique as is_unique, i.indisprimary as is_primary,
        array(
          select a.attname::text
          from unnest(i.indkey::int2[]) with ordinality as k(attnum, position)
          left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
          where k.position <= i.indnkeyatts
          order by k.position
        ) as columns
      from pg_index i
      join pg_class t on t.oid = i.indrelid
      where t.relnamespace = 'public'::regnamespace and i.indpred is null
    `.execute(db)
  ).rows;
  foreignKeys = (
    await sql<ForeignKeyRow>`
      select tc.table_name, kcu.column_name, ccu.table_name as referenced_table,
        ccu.column_name as referenced_column, rc.delete_rule
      from information_schema.table_constraints tc
      join information_schema.key_column_usage kcu
        on kcu.constraint_schema = tc.constraint_schema and kcu.constraint_name = tc.constraint_name
        and kcu.table_name = tc.table_name
      join information_schema.constraint_column_usage ccu
        on ccu.constraint_schema = tc.constraint_schema and ccu.constraint_name = tc.constraint_name
      join information_schema.referential_constraints rc
        on rc.constraint_schema = tc.constraint_schema and rc.constraint_name = tc.constraint_name
      where tc.table_schema = 'public' and tc.constraint_type = 'FOREIGN KEY'
    `.execute(db)
  ).rows;
});

afterAll(async () => {
  await database?.destroy();
});

test('the document parses into its twelve tables', () => {
  expect(documentTables.length).toBeGreaterThanOrEqual(12);
  expect(documentTables.map((table) => table.name).sort()).toEqual(Object.values(TABLE_NAMES).sort());
  for (const table of documentTables) {
    expect(
      table.indexes.some((index) => index.kind === 'PRIMARY KEY'),
      table.heading,
    ).toBe(true);
  }
});

test('the twelve tables exist', () => {
  const existing = new Set(columns.map((column) => column.table_name));
  expect(Object.values(TABLE_NAMES).filter((table) => !existing.has(table))).toEqual([]);
});

describe.each(documentTables.map((table) => ({ ...table, label: `${table.heading} (${table.name})` })))(
  '$label',
  (table) => {
    test('has every documented column, with the mapped type', () => {
      for (const documented of table.columns) {
        const where = `${table.name}.${documented.name}`;
        const actual = columns.find((c) => c.table_name === table.name && c.column_name === documented.name);
        expect(actual, `${where} exists`).toBeDefined();
        const [, base, length] = /^(\w+)(?:\((\d+)\))?$/.exec(documented.type) ?? [];
        const expected = TYPE_OVERRIDES[where] ?? PG_TYPES[base ?? ''];
        expect(expected, `${where}: document type ${documented.type} is mapped`).toBeDefined();
        expect(actual?.data_type, `${where} type`).toBe(expected);
        if (length) expect(actual?.character_maximum_length, `${where} length`).toBe(Number(length));
        if (expected === 'numeric')
          expect(actual?.numeric_precision, `${where} has an explicit precision`).not.toBeNull();
      }
    });

    test('has every documented index', () => {
      for (const documented of table.indexes) {
        const matches = indexes.filter((index) => {
          if (index.table_name !== table.name) return false;
          if (documented.kind === 'INDEX') return documented.columns.every((column, i) => index.columns[i] === column);
          const exact =
            index.columns.length === documented.columns.length &&
            documented.columns.every((c, i) => index.columns[i] === c);
          return exact && index.is_unique && (documented.kind === 'UNIQUE INDEX' || index.is_primary);
        });
        expect(matches.length, `${table.name}: ${documented.kind} (${documented.columns.join(', ')})`).toBeGreaterThan(
          0,
        );
      }
    });

    test('has every documented foreign key', () => {
      for (const documented of table.foreignKeys) {
        const fk = foreignKeys.find(
          (row) =>
            row.table_name === table.name &&
            row.column_name === documented.column &&
            row.referenced_table === documented.references &&
            row.referenced_column === documented.referencedColumn,
        );
        const label = `${table.name}.${documented.column} → ${documented.references}.${documented.referencedColumn}`;
        expect(fk, label).toBeDefined();
        // Answers go with their session; nothing else is deleted by cascade.
        const deleteRule = table.name === 'chat_answers' && documented.column === 'session_id' ? 'CASCADE' : 'RESTRICT';
        expect(fk?.delete_rule, `${label} on delete`).toBe(deleteRule);
      }
    });
  },
);
