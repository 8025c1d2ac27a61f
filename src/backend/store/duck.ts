import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBMaterializedResult,
  type DuckDBResultReader,
  type DuckDBValue,
} from '@duckdb/node-api';
import { open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { WeftError } from '../../core/errors.js';
import { loadEncryptionWriter, PASSPHRASE_ENV } from './encryption.js';

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export type SqlParams = Record<string, DuckDBValue> | DuckDBValue[];
export type JsonRow = Record<string, unknown>;

const LOCK_PATTERN = /Could not set lock on file "([^"]+)": Conflicting lock is held in (.*?) \(PID (\d+)\)/;
const STORAGE_VERSION_PATTERN = /version number|newer version|storage version/i;

/** Serializes async work: each task starts after the previous one settles. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

function isIntegerType(type: string): boolean {
  return /^(BIGINT|HUGEINT|UBIGINT|UHUGEINT)$/.test(type);
}

/** "2023-11-14 22:13:20.123456+00" -> "2023-11-14T22:13:20.123456Z" */
function isoFromDuck(text: string): string {
  return text.replace(' ', 'T').replace(/\+00(:00)?$/, 'Z');
}

/**
 * Rows as plain JSON values: 64-bit integers become numbers when they are exact in a double
 * (microsecond times always are) and strings otherwise; instants become ISO-8601 strings.
 */
export function readerToJsonRows(reader: DuckDBResultReader | DuckDBMaterializedResult & DuckDBResultReader): {
  columns: { name: string; type: string }[];
  rows: unknown[][];
} {
  const names = reader.columnNames();
  const types = reader.columnTypes().map((t) => t.toString());
  const rows = reader.getRowsJson() as unknown[][];
  const integerColumns = types.flatMap((type, i) => (isIntegerType(type) ? [i] : []));
  const instantColumns = types.flatMap((type, i) => (type === 'TIMESTAMP WITH TIME ZONE' ? [i] : []));
  if (integerColumns.length > 0 || instantColumns.length > 0) {
    for (const row of rows) {
      for (const i of integerColumns) {
        const value = row[i];
        if (typeof value === 'string') {
          const n = Number(value);
          if (Number.isSafeInteger(n)) row[i] = n;
        }
      }
      for (const i of instantColumns) {
        const value = row[i];
        if (typeof value === 'string') row[i] = isoFromDuck(value);
      }
    }
  }
  return { columns: names.map((name, i) => ({ name, type: types[i] ?? 'UNKNOWN' })), rows };
}

export function rowsToObjects(columns: { name: string }[], rows: unknown[][]): JsonRow[] {
  return rows.map((row) => Object.fromEntries(columns.map((c, i) => [c.name, row[i]])));
}

export class Connection {
  constructor(readonly raw: DuckDBConnection) {}

  async run(sql: string, params?: SqlParams): Promise<void> {
    await this.raw.run(sql, params);
  }

  async all(sql: string, params?: SqlParams): Promise<JsonRow[]> {
    const reader = await this.raw.runAndReadAll(sql, params);
    const { columns, rows } = readerToJsonRows(reader);
    return rowsToObjects(columns, rows);
  }

  async one(sql: string, params?: SqlParams): Promise<JsonRow | undefined> {
    return (await this.all(sql, params))[0];
  }

  async scalar(sql: string, params?: SqlParams): Promise<unknown> {
    const row = await this.one(sql, params);
    return row === undefined ? undefined : Object.values(row)[0];
  }
}

export interface OpenOptions {
  readonly readOnly: boolean;
  readonly encryptionKey?: string;
}

/** The name the study file is attached under; every connection USEs it. */
export const CATALOG = 'study';

/**
 * A list of strings as a parameter: JSON text, decoded in SQL with `textList('$name')`. Binding
 * DuckDB lists directly fails for empty lists, whose item type cannot be inferred.
 */
export function textList(values: readonly string[]): string {
  return JSON.stringify(values);
}

/** The SQL that decodes a textList parameter. */
export function sqlTextList(parameter: string): string {
  return `from_json(${parameter}, '["VARCHAR"]')`;
}

export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Paths opened by this process; DuckDB does not stop one process opening a file twice. */
const openInThisProcess = new Set<string>();

/**
 * One embedded DuckDB database: a single writer connection whose work is serialized in
 * transactions, and short-lived reader connections that only ever see committed data.
 */
export class Database {
  private readonly writeLock = new Mutex();
  private writer: Connection | undefined;
  private closed = false;
  private activeReads = 0;
  private readsDrained: (() => void) | undefined;
  private compacting: Promise<unknown> | undefined;

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly path: string,
    readonly readOnly: boolean,
    private encryptionKey: string | undefined,
  ) {}

  static async open(path: string, options: OpenOptions): Promise<Database> {
    if (openInThisProcess.has(path)) {
      throw new WeftError('STUDY_LOCKED', `The study database ${path} is already open in this process`);
    }
    const instance = await DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    const host = await instance.connect();
    try {
      await host.run(`SET GLOBAL TimeZone = 'UTC'`);
      const attachOptions = [options.readOnly ? 'READ_ONLY' : 'READ_WRITE'];
      if (options.encryptionKey !== undefined) {
        if (!options.readOnly) await loadEncryptionWriter(host);
        attachOptions.push(`ENCRYPTION_KEY ${sqlString(options.encryptionKey)}`);
      }
      await host.run(`ATTACH ${sqlString(path)} AS ${CATALOG} (${attachOptions.join(', ')})`);
    } catch (error) {
      host.closeSync();
      instance.closeSync();
      throw error instanceof WeftError ? error : translateOpenError(path, error);
    }
    host.closeSync();
    openInThisProcess.add(path);
    return new Database(instance, path, options.readOnly, options.encryptionKey);
  }

  get encrypted(): boolean {
    return this.encryptionKey !== undefined;
  }

  async connect(): Promise<Connection> {
    this.assertOpen();
    const raw = await this.instance.connect();
    await raw.run(`USE ${CATALOG}`);
    return new Connection(raw);
  }

  /** Runs fn on a fresh connection that is closed afterwards. */
  async read<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    while (this.compacting !== undefined) await this.compacting.catch(() => undefined);
    this.activeReads += 1;
    try {
      const conn = await this.connect();
      try {
        return await fn(conn);
      } finally {
        conn.raw.closeSync();
      }
    } finally {
      this.activeReads -= 1;
      if (this.activeReads === 0) this.readsDrained?.();
    }
  }

  /** Runs fn inside one transaction on the writer connection: all of it lands, or none. */
  async write<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    if (this.readOnly) throw new WeftError('STUDY_READ_ONLY', `The study database ${this.path} is open read-only`);
    return this.writeLock.run(async () => {
      this.writer ??= await this.connect();
      const conn = this.writer;
      await conn.run('BEGIN TRANSACTION');
      try {
        const result = await fn(conn);
        await conn.run('COMMIT');
        return result;
      } catch (error) {
        await conn.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  /** Statements that cannot run inside a transaction (CHECKPOINT, VACUUM). */
  async maintenance(sql: string): Promise<void> {
    if (this.readOnly) throw new WeftError('STUDY_READ_ONLY', `The study database ${this.path} is open read-only`);
    await this.writeLock.run(async () => {
      this.writer ??= await this.connect();
      await this.writer.run(sql);
    });
  }

  /**
   * Rewrites the database into a fresh file and puts it in place of the old one, so that the
   * bytes of deleted rows, which DuckDB may leave in freed blocks, leave the file. Waits for
   * reads in flight and holds new ones back until the new file is attached.
   */
  async compact(): Promise<{ bytesBefore: number; bytesAfter: number }> {
    return this.rewrite(this.encryptionKey);
  }

  /**
   * Rewrites the database under another key: encrypts a plain database, changes the key, or
   * (undefined) decrypts. The old file stays in place until the new one is complete.
   */
  async rekey(key: string | undefined): Promise<{ bytesBefore: number; bytesAfter: number }> {
    return this.rewrite(key);
  }

  private async rewrite(key: string | undefined): Promise<{ bytesBefore: number; bytesAfter: number }> {
    if (this.readOnly) throw new WeftError('STUDY_READ_ONLY', `The study database ${this.path} is open read-only`);
    const run = this.writeLock.run(async () => {
      if (this.activeReads > 0) await new Promise<void>((resolve) => (this.readsDrained = resolve));
      this.readsDrained = undefined;
      const host = await this.instance.connect();
      try {
        if (key !== undefined && this.encryptionKey === undefined) await loadEncryptionWriter(host);
        this.writer?.raw.closeSync();
        this.writer = undefined;
        const fresh = `${this.path}.compacting`;
        await rm(fresh, { force: true });
        const bytesBefore = (await stat(this.path)).size;
        const keyOption = key === undefined ? '' : `, ENCRYPTION_KEY ${sqlString(key)}`;
        try {
          await host.run(`ATTACH ${sqlString(fresh)} AS weft_compacted (READ_WRITE${keyOption})`);
          await host.run(`COPY FROM DATABASE ${CATALOG} TO weft_compacted`);
          await host.run(`DETACH weft_compacted`);
        } catch (error) {
          await host.run(`DETACH DATABASE IF EXISTS weft_compacted`).catch(() => undefined);
          await rm(fresh, { force: true });
          throw error;
        }
        await host.run(`DETACH ${CATALOG}`);
        await syncFile(fresh);
        await rename(fresh, this.path);
        await syncFile(dirname(this.path));
        await host.run(`ATTACH ${sqlString(this.path)} AS ${CATALOG} (READ_WRITE${keyOption})`);
        this.encryptionKey = key;
        return { bytesBefore, bytesAfter: (await stat(this.path)).size };
      } finally {
        host.closeSync();
      }
    });
    this.compacting = run;
    try {
      return await run;
    } finally {
      this.compacting = undefined;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.writeLock.run(async () => {
      this.closed = true;
      this.writer?.raw.closeSync();
      this.writer = undefined;
      this.instance.closeSync();
      openInThisProcess.delete(this.path);
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new WeftError('INTERNAL', `The study database ${this.path} is closed`);
  }
}

function translateOpenError(path: string, error: unknown): WeftError {
  const message = error instanceof Error ? error.message : String(error);
  const lock = LOCK_PATTERN.exec(message);
  if (lock) {
    return new WeftError(
      'STUDY_LOCKED',
      `The study database ${path} is in use by another process (${lock[2]}, PID ${lock[3]}). Close that Weft window or command, then try again.`,
      { details: { pid: Number(lock[3]) }, cause: error },
    );
  }
  if (/without a key/i.test(message)) {
    return new WeftError('UNAUTHORIZED', `The study database ${path} is encrypted: give its passphrase (--passphrase-file FILE, or ${PASSPHRASE_ENV})`, {
      details: { reason: 'passphrase_required' },
      cause: error,
    });
  }
  if (/Wrong encryption key/i.test(message)) {
    return new WeftError('UNAUTHORIZED', `The study database ${path} is encrypted and the passphrase given does not open it`, {
      details: { reason: 'wrong_passphrase' },
      cause: error,
    });
  }
  if (/key is explicitly specified, but database .* is not encrypted/i.test(message)) {
    return new WeftError('INVALID_INPUT', `The study database ${path} is not encrypted; open it without a passphrase`, {
      details: { reason: 'not_encrypted' },
      cause: error,
    });
  }
  if (STORAGE_VERSION_PATTERN.test(message)) {
    return new WeftError('SCHEMA_TOO_NEW', `The study database ${path} was written by a newer DuckDB than this Weft has: ${message}`, {
      cause: error,
    });
  }
  return new WeftError('NOT_A_STUDY', `Cannot open ${path} as a DuckDB database: ${message}`, { cause: error });
}
