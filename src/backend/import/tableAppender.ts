import { DuckDBDataChunk, type DuckDBAppender, type DuckDBType, type DuckDBValue, type DuckDBVector } from '@duckdb/node-api';
import { WeftError } from '../../core/errors.js';
import type { Connection } from '../store/duck.js';

const BATCH_ROWS = 2048;

type Converter = (value: unknown) => DuckDBValue;

function converterFor(type: string): Converter {
  if (type === 'BIGINT') {
    return (v) => {
      if (typeof v === 'bigint') return v;
      return v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? null : BigInt(Math.round(Number(v)));
    };
  }
  if (type === 'INTEGER') return (v) => (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? null : Math.round(Number(v)));
  if (type === 'DOUBLE') return (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  if (type === 'BOOLEAN') return (v) => (v === null || v === undefined ? null : Boolean(v));
  return (v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));
}

/**
 * Writes rows of one internal table straight into the vectors of a DataChunk, which goes to
 * DuckDB when full, inside the writer's open transaction.
 */
export class TableAppender {
  private chunk: DuckDBDataChunk | undefined;
  private vectors: DuckDBVector[] = [];
  private rows = 0;

  private constructor(
    readonly table: string,
    readonly columns: readonly string[],
    private readonly types: readonly DuckDBType[],
    private readonly converters: readonly Converter[],
    private readonly appender: DuckDBAppender,
  ) {}

  static async open(conn: Connection, table: string): Promise<TableAppender> {
    const appender = await conn.raw.createAppender(table, 'weft');
    const columnRows = await conn.all(
      `SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'weft' AND table_name = $table ORDER BY column_index`,
      { table },
    );
    const columns = columnRows.map((r) => String(r['column_name']));
    if (columns.length !== appender.columnCount) throw new WeftError('INTERNAL', `Column count of weft.${table} disagrees with its appender`);
    const types = columns.map((_, i) => appender.columnType(i));
    return new TableAppender(table, columns, types, types.map((t) => converterFor(t.toString())), appender);
  }

  /** Index of each named column, for writers that fill rows by position. */
  indexOf(column: string): number {
    const index = this.columns.indexOf(column);
    if (index < 0) throw new WeftError('INTERNAL', `weft.${this.table} has no column ${column}`);
    return index;
  }

  /** One row, values in table column order. */
  append(values: readonly unknown[]): void {
    if (this.chunk === undefined) {
      const chunk = DuckDBDataChunk.create([...this.types], BATCH_ROWS);
      this.vectors = this.types.map((_, i) => chunk.getColumnVector(i));
      this.chunk = chunk;
    }
    const row = this.rows;
    for (let i = 0; i < this.vectors.length; i += 1) {
      (this.vectors[i] as DuckDBVector).setItem(row, (this.converters[i] as Converter)(values[i]));
    }
    this.rows = row + 1;
    if (this.rows === BATCH_ROWS) this.flush();
  }

  flush(): void {
    const chunk = this.chunk;
    if (chunk === undefined) return;
    for (const vector of this.vectors) vector.flush();
    // Resizing drops the chunk's vector objects, so it comes after their values are written.
    if (this.rows < BATCH_ROWS) chunk.rowCount = this.rows;
    this.appender.appendDataChunk(chunk);
    this.chunk = undefined;
    this.vectors = [];
    this.rows = 0;
  }

  close(): void {
    this.flush();
    this.appender.flushSync();
    this.appender.closeSync();
  }
}

/** Appends rows given by column name; columns not named are NULL. */
export async function appendRows(conn: Connection, table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const appender = await TableAppender.open(conn, table);
  const row = new Array<unknown>(appender.columns.length);
  for (const values of rows) {
    appender.columns.forEach((column, i) => {
      row[i] = values[column] ?? null;
    });
    appender.append(row);
  }
  appender.close();
}
