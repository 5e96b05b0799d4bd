/**
 * A pg-backed stand-in for the RDS Data API client (`RDSData` from @aws-sdk/client-rds-data), so that code
 * running through kysely-data-api's `DataApiDialect` can be tested against a real PostgreSQL and still hit the
 * Data API's typing rules:
 *
 * - Parameters are bound the way the Data API (pgJDBC underneath) binds them: a `stringValue` without a
 *   `typeHint` is a `varchar`, so `uuid_col = :0` fails with "operator does not exist: uuid = character varying"
 *   and inserting a plain string into a uuid/jsonb/date column fails, exactly as on Aurora.
 * - Results come back as Data API `Field`s with `columnMetadata` type names, in the Data API's text formats
 *   (timestamps 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC without an offset, numeric as exact text, int8 as a number).
 * - SQL errors are `DatabaseErrorException`s (the SDK's own class) whose message has the Data API's format:
 *   "ERROR: <message>\n  Detail: …\n  Hint: …\n  Position: …\n  Where: …; SQLState: <code>".
 *
 * Not emulated: `formatRecordsAs: 'JSON'`, `batchExecuteStatement`, result size limits, transaction timeouts,
 * the `serial` type names pgJDBC reports for auto-increment columns.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  BadRequestException,
  DatabaseErrorException,
  TransactionNotFoundException,
  type ArrayValue,
  type BeginTransactionCommandInput,
  type BeginTransactionCommandOutput,
  type ColumnMetadata,
  type CommitTransactionCommandInput,
  type CommitTransactionCommandOutput,
  type ExecuteStatementCommandInput,
  type ExecuteStatementCommandOutput,
  type Field,
  type RDSData,
  type RollbackTransactionCommandInput,
  type RollbackTransactionCommandOutput,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';

export interface DataApiEmulatorOptions {
  /** Pool size for statements outside transactions (each open transaction holds one more connection). */
  max?: number;
  /**
   * Also put the SQLSTATE on the thrown error as `code` (default true). The real Data API does NOT do this:
   * there the SQLSTATE is only in the message ("…; SQLState: 23505"); see `sqlStateOf`.
   */
  sqlStateAsCode?: boolean;
}

/** A Data API database error as the emulator throws it. */
export type EmulatedDatabaseError = DatabaseErrorException & { code?: string };

const RAW_TEXT = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/**
 * The SQLSTATE of an error from the Data API (parsed from "…; SQLState: 23505") or from node-postgres (`code`).
 */
export function sqlStateOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const message = (error as { message?: unknown }).message;
  if (typeof message === 'string') {
    const match = /; SQLState: ([0-9A-Z]{5})$/.exec(message);
    if (match) return match[1];
  }
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------------------------

const TYPE_HINT_CASTS: Record<string, string> = {
  UUID: 'uuid',
  TIMESTAMP: 'timestamp',
  DATE: 'date',
  TIME: 'time',
  DECIMAL: 'numeric',
  JSON: 'json',
};

interface BoundParameter {
  /** SQL that replaces the placeholder, e.g. `$1::varchar` or `NULL`. */
  sql: (index: number) => string;
  /** Value for pg, or `undefined` when the placeholder is replaced by a literal. */
  value?: unknown;
  literal: boolean;
}

function bindParameter(parameter: SqlParameter): BoundParameter {
  const value = parameter.value;
  if (!value) throw badRequest(`Parameter ${parameter.name ?? ''} has no value`);
  if (value.isNull) return { sql: () => 'NULL', literal: true };
  if (value.stringValue !== undefined) {
    const cast = parameter.typeHint ? TYPE_HINT_CASTS[parameter.typeHint] : 'varchar';
    if (!cast) throw badRequest(`Invalid typeHint: ${parameter.typeHint}`);
    return { sql: (i) => `$${i}::${cast}`, value: value.stringValue, literal: false };
  }
  if (value.longValue !== undefined)
    return { sql: (i) => `$${i}::bigint`, value: String(value.longValue), literal: false };
  if (value.doubleValue !== undefined) return { sql: (i) => `$${i}::float8`, value: value.doubleValue, literal: false };
  if (value.booleanValue !== undefined)
    return { sql: (i) => `$${i}::boolean`, value: value.booleanValue, literal: false };
  if (value.blobValue !== undefined)
    return { sql: (i) => `$${i}::bytea`, value: Buffer.from(value.blobValue), literal: false };
  if (value.arrayValue !== undefined) throw badRequest('Array parameters are not supported.');
  throw badRequest(`Parameter ${parameter.name ?? ''} has no supported value`);
}

interface Rewritten {
  text: string;
  values: unknown[];
  /** [rewrittenStart, rewrittenEnd, originalStart, originalEnd] of every replaced placeholder, in order. */
  replacements: Array<[number, number, number, number]>;
}

const isIdentChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_$\u0080-\uffff]/.test(c);
const isNameChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);

/**
 * Replaces `:name` placeholders that name a parameter, outside string literals, quoted identifiers, dollar-quoted
 * strings and comments, and not as part of a `::` cast.
 */
export function rewritePlaceholders(sql: string, parameters: SqlParameter[]): Rewritten {
  const byName = new Map<string, SqlParameter>();
  for (const parameter of parameters) {
    if (parameter.name === undefined) throw badRequest('Parameter name is required');
    byName.set(parameter.name, parameter);
  }
  const indexByName = new Map<string, number>();
  const values: unknown[] = [];
  const replacements: Rewritten['replacements'] = [];
  let out = '';
  let i = 0;
  const n = sql.length;
  const copyUntil = (end: number) => {
    out += sql.slice(i, end);
    i = end;
  };
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'") {
      const escapes = (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !isIdentChar(sql[i - 2]);
      let j = i + 1;
      while (j < n) {
        if (escapes && sql[j] === '\\') j += 2;
        else if (sql[j] === "'" && sql[j + 1] === "'") j += 2;
        else if (sql[j] === "'") break;
        else j++;
      }
      copyUntil(Math.min(j + 1, n));
    } else if (c === '"') {
      let j = i + 1;
      while (j < n) {
        if (sql[j] === '"' && sql[j + 1] === '"') j += 2;
        else if (sql[j] === '"') break;
        else j++;
      }
      copyUntil(Math.min(j + 1, n));
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      copyUntil(end === -1 ? n : end);
    } else if (c === '/' && next === '*') {
      let depth = 0;
      let j = i;
      while (j < n) {
        if (sql[j] === '/' && sql[j + 1] === '*') {
          depth++;
          j += 2;
        } else if (sql[j] === '*' && sql[j + 1] === '/') {
          depth--;
          j += 2;
          if (depth === 0) break;
        } else j++;
      }
      copyUntil(Math.min(j, n));
    } else if (c === '$' && !isIdentChar(sql[i - 1])) {
      const tag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i));
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        copyUntil(end === -1 ? n : end + tag[0].length);
      } else copyUntil(i + 1);
    } else if (c === ':' && next === ':') {
      copyUntil(i + 2);
    } else if (c === ':' && isNameChar(next)) {
      let j = i + 1;
      while (isNameChar(sql[j])) j++;
      const name = sql.slice(i + 1, j);
      const parameter = byName.get(name);
      if (!parameter) {
        copyUntil(j);
        continue;
      }
      const bound = bindParameter(parameter);
      let replacement: string;
      if (bound.literal) replacement = bound.sql(0);
      else {
        let index = indexByName.get(name);
        if (index === undefined) {
          values.push(bound.value);
          index = values.length;
          indexByName.set(name, index);
        }
        replacement = bound.sql(index);
      }
      replacements.push([out.length, out.length + replacement.length, i, j]);
      out += replacement;
      i = j;
    } else {
      copyUntil(i + 1);
    }
  }
  return { text: out, values, replacements };
}

/** Maps a 1-based character position in the rewritten SQL back to the SQL the caller sent. */
function originalPosition(position: number, replacements: Rewritten['replacements']): number {
  const offset = position - 1;
  let delta = 0;
  for (const [start, end, originalStart, originalEnd] of replacements) {
    if (offset < start) break;
    if (offset < end) return originalStart + 1;
    delta += end - start - (originalEnd - originalStart);
  }
  return offset - delta + 1;
}

// ---------------------------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------------------------

type Kind = 'string' | 'long' | 'double' | 'boolean' | 'blob' | 'timestamptz' | 'array';

interface TypeInfo {
  name: string;
  kind: Kind;
  /** java.sql.Types code, as pgJDBC reports it. */
  jdbcType: number;
  elementOid?: number;
}

const BUILTIN_TYPES = new Map<number, TypeInfo>([
  [16, { name: 'bool', kind: 'boolean', jdbcType: -7 }],
  [17, { name: 'bytea', kind: 'blob', jdbcType: -2 }],
  [18, { name: 'char', kind: 'string', jdbcType: 1 }],
  [19, { name: 'name', kind: 'string', jdbcType: 12 }],
  [20, { name: 'int8', kind: 'long', jdbcType: -5 }],
  [21, { name: 'int2', kind: 'long', jdbcType: 5 }],
  [23, { name: 'int4', kind: 'long', jdbcType: 4 }],
  [25, { name: 'text', kind: 'string', jdbcType: 12 }],
  [26, { name: 'oid', kind: 'long', jdbcType: -5 }],
  [114, { name: 'json', kind: 'string', jdbcType: 1111 }],
  [700, { name: 'float4', kind: 'double', jdbcType: 7 }],
  [701, { name: 'float8', kind: 'double', jdbcType: 8 }],
  [705, { name: 'unknown', kind: 'string', jdbcType: 1111 }],
  [1042, { name: 'bpchar', kind: 'string', jdbcType: 1 }],
  [1043, { name: 'varchar', kind: 'string', jdbcType: 12 }],
  [1082, { name: 'date', kind: 'string', jdbcType: 91 }],
  [1083, { name: 'time', kind: 'string', jdbcType: 92 }],
  [1114, { name: 'timestamp', kind: 'string', jdbcType: 93 }],
  [1184, { name: 'timestamptz', kind: 'timestamptz', jdbcType: 93 }],
  [1186, { name: 'interval', kind: 'string', jdbcType: 1111 }],
  [1266, { name: 'timetz', kind: 'string', jdbcType: 92 }],
  [1700, { name: 'numeric', kind: 'string', jdbcType: 2 }],
  [2950, { name: 'uuid', kind: 'string', jdbcType: 1111 }],
  [3802, { name: 'jsonb', kind: 'string', jdbcType: 1111 }],
]);

function kindOfCategory(category: string, name: string): Kind {
  if (name === 'timestamptz') return 'timestamptz';
  switch (category) {
    case 'B':
      return 'boolean';
    case 'A':
      return 'array';
    case 'N':
      return name === 'numeric' || name === 'money' ? 'string' : name.startsWith('float') ? 'double' : 'long';
    default:
      return name === 'bytea' ? 'blob' : 'string';
  }
}

/** 'YYYY-MM-DD HH:MM:SS[.ffffff]+00' (session time zone is UTC) → the Data API's offset-less UTC text. */
function utcTimestampText(text: string): string {
  return text.replace(/\+00(?::00)?$/, '');
}

function parseBytea(text: string): Uint8Array {
  if (text.startsWith('\\x')) return new Uint8Array(Buffer.from(text.slice(2), 'hex'));
  // 'escape' output format (bytea_output = escape).
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && text[i + 1] === '\\') {
      bytes.push(0x5c);
      i++;
    } else if (text[i] === '\\') {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    } else bytes.push(text.charCodeAt(i));
  }
  return new Uint8Array(bytes);
}

type ArrayItem = string | null | ArrayItem[];

/** Parses PostgreSQL's text output of an array ('{a,"b c",NULL}', nested, optionally with '[1:2]=' bounds). */
function parseArrayText(text: string): ArrayItem[] {
  let i = text.startsWith('[') ? text.indexOf('=') + 1 : 0;
  const parse = (): ArrayItem[] => {
    const items: ArrayItem[] = [];
    i++; // '{'
    while (i < text.length) {
      const c = text[i];
      if (c === '}') {
        i++;
        return items;
      }
      if (c === ',') {
        i++;
        continue;
      }
      if (c === '{') {
        items.push(parse());
        continue;
      }
      if (c === '"') {
        let value = '';
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\') i++;
          value += text[i];
          i++;
        }
        i++;
        items.push(value);
        continue;
      }
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '}') end++;
      const raw = text.slice(i, end).trim();
      items.push(raw === 'NULL' ? null : raw);
      i = end;
    }
    return items;
  };
  return parse();
}

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

function badRequest(message: string): BadRequestException {
  return new BadRequestException({ $metadata: {}, message });
}

/** pgJDBC's ServerErrorMessage text plus the Data API's "; SQLState: …" suffix. */
function dataApiMessage(error: pg.DatabaseError, position: number | undefined): string {
  let message = `${error.severity ?? 'ERROR'}: ${error.message}`;
  if (error.detail) message += `\n  Detail: ${error.detail}`;
  if (error.hint) message += `\n  Hint: ${error.hint}`;
  if (position !== undefined) message += `\n  Position: ${position}`;
  if (error.where) message += `\n  Where: ${error.where}`;
  return `${message}; SQLState: ${error.code ?? ''}`;
}

function isPgError(error: unknown): error is pg.DatabaseError {
  return error instanceof pg.DatabaseError;
}

// ---------------------------------------------------------------------------------------------------------------
// The emulator
// ---------------------------------------------------------------------------------------------------------------

export class DataApiEmulator {
  readonly #pool: pg.Pool;
  readonly #transactions = new Map<string, pg.PoolClient>();
  readonly #types = new Map<number, TypeInfo>(BUILTIN_TYPES);
  readonly #sqlStateAsCode: boolean;

  constructor(connectionString: string, options: DataApiEmulatorOptions = {}) {
    // Real Aurora errors carry no `code`; production code reads the SQLSTATE from the message (core/db-errors.ts).
    this.#sqlStateAsCode = options.sqlStateAsCode ?? false;
    this.#pool = new pg.Pool({
      connectionString,
      max: options.max ?? 10,
      // The Data API's sessions run in UTC with ISO dates (pgJDBC sets these on connect).
      options: '-c TimeZone=UTC -c DateStyle=ISO,MDY -c IntervalStyle=postgres',
    });
    // Connections can be killed under us (e.g. DROP DATABASE … WITH (FORCE) in test teardown).
    this.#pool.on('error', () => {});
  }

  /** The emulator typed as the SDK client that kysely-data-api expects. */
  asClient(): RDSData {
    return this as unknown as RDSData;
  }

  async executeStatement(input: ExecuteStatementCommandInput): Promise<ExecuteStatementCommandOutput> {
    if (!input.sql) throw badRequest('SQL statement is required');
    if (input.formatRecordsAs === 'JSON') throw badRequest('formatRecordsAs JSON is not supported by the emulator');
    const rewritten = rewritePlaceholders(input.sql, input.parameters ?? []);
    const client = input.transactionId ? this.#transaction(input.transactionId) : undefined;
    const runner = client ?? (await this.#pool.connect());
    try {
      const config: pg.QueryArrayConfig = {
        text: rewritten.text,
        values: rewritten.values,
        rowMode: 'array',
        types: RAW_TEXT,
      };
      let result: pg.QueryArrayResult | pg.QueryArrayResult[];
      try {
        result = await runner.query(config);
      } catch (error) {
        throw this.#databaseError(error, rewritten);
      }
      // A multi-statement string without parameters runs as a simple query: report the last result.
      const last = Array.isArray(result) ? result[result.length - 1] : result;
      return await this.#output(runner, last, input);
    } finally {
      if (!client) runner.release();
    }
  }

  async beginTransaction(_input: BeginTransactionCommandInput): Promise<BeginTransactionCommandOutput> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
    } catch (error) {
      client.release(error instanceof Error ? error : true);
      throw this.#databaseError(error);
    }
    const transactionId = randomBytes(96).toString('base64');
    this.#transactions.set(transactionId, client);
    return { $metadata: {}, transactionId };
  }

  async commitTransaction(input: CommitTransactionCommandInput): Promise<CommitTransactionCommandOutput> {
    await this.#finish(input.transactionId, 'COMMIT');
    return { $metadata: {}, transactionStatus: 'Transaction Committed' };
  }

  async rollbackTransaction(input: RollbackTransactionCommandInput): Promise<RollbackTransactionCommandOutput> {
    await this.#finish(input.transactionId, 'ROLLBACK');
    return { $metadata: {}, transactionStatus: 'Rollback Complete' };
  }

  /** Rolls back open transactions and closes the pool. */
  async destroy(): Promise<void> {
    const open = [...this.#transactions.values()];
    this.#transactions.clear();
    await Promise.all(
      open.map(async (client) => {
        try {
          await client.query('ROLLBACK');
          client.release();
        } catch (error) {
          client.release(error instanceof Error ? error : true);
        }
      }),
    );
    await this.#pool.end();
  }

  #transaction(transactionId: string | undefined): pg.PoolClient {
    const client = transactionId ? this.#transactions.get(transactionId) : undefined;
    if (!client) {
      throw new TransactionNotFoundException({ $metadata: {}, message: `Transaction ${transactionId} is not found` });
    }
    return client;
  }

  async #finish(transactionId: string | undefined, command: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    const client = this.#transaction(transactionId);
    this.#transactions.delete(transactionId!);
    try {
      await client.query(command);
    } catch (error) {
      client.release(error instanceof Error ? error : true);
      throw this.#databaseError(error);
    }
    client.release();
  }

  #databaseError(error: unknown, rewritten?: Rewritten): unknown {
    if (!isPgError(error)) return error;
    const raw = error.position ? Number.parseInt(error.position, 10) : undefined;
    const position = raw !== undefined && rewritten ? originalPosition(raw, rewritten.replacements) : raw;
    const wrapped: EmulatedDatabaseError = new DatabaseErrorException({
      $metadata: {},
      message: dataApiMessage(error, position),
    });
    if (this.#sqlStateAsCode) wrapped.code = error.code;
    wrapped.cause = error;
    return wrapped;
  }

  async #typeInfos(client: pg.ClientBase, oids: number[]): Promise<TypeInfo[]> {
    const missing = [...new Set(oids.filter((oid) => !this.#types.has(oid)))];
    if (missing.length > 0) {
      const { rows } = await client.query<{ oid: number; typname: string; typcategory: string; typelem: number }>(
        'SELECT oid::int4 AS oid, typname, typcategory, typelem::int4 AS typelem FROM pg_type WHERE oid = ANY($1::oid[])',
        [missing],
      );
      for (const row of rows) {
        this.#types.set(row.oid, {
          name: row.typname,
          kind: kindOfCategory(row.typcategory, row.typname),
          jdbcType: row.typcategory === 'A' ? 2003 : row.typcategory === 'E' ? 12 : 1111,
          elementOid: row.typcategory === 'A' ? row.typelem : undefined,
        });
      }
      const elements = rows.filter((row) => row.typcategory === 'A').map((row) => row.typelem);
      if (elements.length > 0) await this.#typeInfos(client, elements);
    }
    return oids.map((oid) => this.#types.get(oid) ?? { name: String(oid), kind: 'string', jdbcType: 1111 });
  }

  async #output(
    client: pg.ClientBase,
    result: pg.QueryArrayResult | undefined,
    input: ExecuteStatementCommandInput,
  ): Promise<ExecuteStatementCommandOutput> {
    const fields = result?.fields ?? [];
    if (!result || fields.length === 0) {
      // No result columns (INSERT/UPDATE/DELETE without RETURNING, DDL): the Data API sends no columnMetadata.
      return { $metadata: {}, numberOfRecordsUpdated: result?.rowCount ?? 0, generatedFields: [] };
    }
    const types = await this.#typeInfos(
      client,
      fields.map((field) => field.dataTypeID),
    );
    const options = input.resultSetOptions ?? {};
    const records = result.rows.map((row) =>
      row.map((value: unknown, index: number) => this.#field(value as string | null, types[index]!, options)),
    );
    const output: ExecuteStatementCommandOutput = { $metadata: {}, numberOfRecordsUpdated: 0, records };
    if (input.includeResultMetadata) {
      output.columnMetadata = fields.map((field, index): ColumnMetadata => ({
        name: field.name,
        label: field.name,
        typeName: types[index]!.name,
        type: types[index]!.jdbcType,
        ...(types[index]!.elementOid !== undefined
          ? { arrayBaseColumnType: this.#types.get(types[index]!.elementOid!)?.jdbcType ?? 1111 }
          : {}),
      }));
    }
    return output;
  }

  #field(
    text: string | null,
    type: TypeInfo,
    options: NonNullable<ExecuteStatementCommandInput['resultSetOptions']>,
  ): Field {
    if (text === null) return { isNull: true };
    switch (type.kind) {
      case 'boolean':
        return { booleanValue: text === 't' };
      case 'long':
        return options.longReturnType === 'STRING' ? { stringValue: text } : { longValue: Number.parseInt(text, 10) };
      case 'double':
        return { doubleValue: Number(text) };
      case 'blob':
        return { blobValue: parseBytea(text) };
      case 'timestamptz':
        return { stringValue: utcTimestampText(text) };
      case 'array':
        return { arrayValue: this.#arrayValue(parseArrayText(text), this.#types.get(type.elementOid ?? 0)) };
      default:
        if (type.name === 'numeric' && options.decimalReturnType === 'DOUBLE_OR_LONG') {
          return /^-?\d+$/.test(text) ? { longValue: Number.parseInt(text, 10) } : { doubleValue: Number(text) };
        }
        return { stringValue: text };
    }
  }

  #arrayValue(items: ArrayItem[], element: TypeInfo | undefined): ArrayValue {
    if (items.some((item) => Array.isArray(item))) {
      return { arrayValues: items.map((item) => this.#arrayValue(Array.isArray(item) ? item : [], element)) };
    }
    const scalars = items as Array<string | null>;
    switch (element?.kind) {
      case 'boolean':
        return { booleanValues: scalars.map((item) => (item === null ? null : item === 't')) };
      case 'long':
        return { longValues: scalars.map((item) => (item === null ? null : Number.parseInt(item, 10))) };
      case 'double':
        return { doubleValues: scalars.map((item) => (item === null ? null : Number(item))) };
      case 'timestamptz':
        return { stringValues: scalars.map((item) => (item === null ? null : utcTimestampText(item))) };
      default:
        return { stringValues: scalars };
    }
  }
}
