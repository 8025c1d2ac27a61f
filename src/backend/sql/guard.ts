import { StatementType } from '@duckdb/node-api';
import { WeftError } from '../../core/errors.js';
import { CATALOG, type Connection } from '../store/duck.js';
import { VIEW_NAMES } from '../store/views.js';

/** Table functions that only compute values; everything else (read_csv, glob, query, ...) is refused. */
const PURE_TABLE_FUNCTIONS = new Set(['range', 'generate_series', 'unnest']);

interface TableRef {
  readonly kind: 'table' | 'function';
  readonly catalog: string;
  readonly schema: string;
  readonly name: string;
}

function collect(node: unknown, refs: TableRef[], ctes: Set<string>): void {
  if (Array.isArray(node)) {
    for (const child of node) collect(child, refs, ctes);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  const cteMap = record['cte_map'] as { map?: { key?: unknown }[] } | undefined;
  for (const entry of cteMap?.map ?? []) if (typeof entry.key === 'string') ctes.add(entry.key.toLowerCase());
  if (record['type'] === 'BASE_TABLE' && typeof record['table_name'] === 'string') {
    refs.push({
      kind: 'table',
      catalog: String(record['catalog_name'] ?? '').toLowerCase(),
      schema: String(record['schema_name'] ?? '').toLowerCase(),
      name: record['table_name'].toLowerCase(),
    });
  }
  if (record['type'] === 'TABLE_FUNCTION') {
    const fn = record['function'] as Record<string, unknown> | undefined;
    refs.push({
      kind: 'function',
      catalog: '',
      schema: String(fn?.['schema'] ?? '').toLowerCase(),
      name: String(fn?.['function_name'] ?? '').toLowerCase(),
    });
  }
  for (const value of Object.values(record)) collect(value, refs, ctes);
}

/**
 * Admits one SELECT that reads only the documented views. Write statements, file-reading
 * table functions and the internal tables are refused before anything runs; the query then
 * runs in a read-only transaction as a second line of defence.
 */
export async function checkReadOnlyQuery(conn: Connection, sql: string): Promise<void> {
  const serialized = await conn.scalar(`SELECT json_serialize_sql($sql::VARCHAR)`, { sql });
  const tree = JSON.parse(String(serialized)) as { error?: boolean; error_message?: string; statements?: unknown[] };
  if (tree.error === true) {
    const message = tree.error_message ?? 'The query could not be parsed';
    if (/Only SELECT statements/i.test(message)) throw notReadOnly(sql);
    throw new WeftError('SQL_SYNTAX', cleanDuckMessage(message));
  }
  const statements = tree.statements ?? [];
  if (statements.length !== 1) {
    throw new WeftError('SQL_NOT_READ_ONLY', `Give exactly one SELECT statement (got ${statements.length})`);
  }
  const refs: TableRef[] = [];
  const ctes = new Set<string>();
  collect(statements, refs, ctes);
  for (const ref of refs) {
    if (ref.kind === 'function') {
      if (!PURE_TABLE_FUNCTIONS.has(ref.name)) {
        throw new WeftError('SQL_NOT_ALLOWED', `The table function ${ref.name}() is not allowed in weft sql; query the views instead`);
      }
      continue;
    }
    const qualified = ref.catalog !== '' || ref.schema !== '';
    if (!qualified && ctes.has(ref.name)) continue;
    const catalogOk = ref.catalog === '' || ref.catalog === CATALOG;
    const schemaOk = ref.schema === '' || ref.schema === 'main';
    if (!catalogOk || !schemaOk || !VIEW_NAMES.has(ref.name)) {
      const shown = [ref.catalog, ref.schema, ref.name].filter((p) => p !== '').join('.');
      throw new WeftError('SQL_NOT_ALLOWED', `"${shown}" is not one of Weft's views. Query these: ${[...VIEW_NAMES].join(', ')}`);
    }
  }
  let prepared;
  try {
    prepared = await conn.raw.prepare(sql);
  } catch (error) {
    throw new WeftError('SQL_ERROR', cleanDuckMessage(error));
  }
  const statementType = prepared.statementType;
  prepared.destroySync();
  if (statementType !== StatementType.SELECT) throw notReadOnly(sql);
}

function notReadOnly(sql: string): WeftError {
  const verb = /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase() ?? 'this';
  return new WeftError(
    'SQL_NOT_READ_ONLY',
    `Only SELECT queries are allowed, and ${verb} is not one. The study changes only through Weft's own commands.`,
  );
}

export function cleanDuckMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .replace(/^Failed to extract statements: /, '')
    .replace(/^(Parser|Binder|Catalog|Conversion|Invalid Input) Error: /, '$1 error: ')
    .trim();
}
