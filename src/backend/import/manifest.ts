import { dirname, resolve } from 'node:path';
import { participantIdSchema } from '../../core/api/schemas.js';
import { WeftError } from '../../core/errors.js';
import { MANIFEST_COLUMNS } from '../../core/formats/weftFormats.js';
import { parseIsoInstant } from '../../core/study/instants.js';
import { inspectSource } from './source.js';
import { TextReader } from './textReader.js';
import type { StreamTarget } from './types.js';

export interface ManifestEntry {
  readonly path: string;
  readonly format?: string;
  readonly target: StreamTarget;
  readonly sessionStartUs?: number;
  readonly clockOffsetUs?: number;
  readonly line: number;
}

type ManifestColumn = (typeof MANIFEST_COLUMNS)[number];

/** Reads an import manifest (docs/formats.md): which file belongs to whom, and its clock. */
export async function readManifest(pathArg: string): Promise<ManifestEntry[]> {
  const source = await inspectSource(pathArg);
  const path = source.path;
  const reader = TextReader.open(source);
  try {
    const [header] = await reader.readRecords({ delimiter: ',', quote: '"' }, 1);
    if (header === undefined) throw new WeftError('PARSE_ERROR', `${path} is empty; a manifest needs a header line`, { location: { file: path, line: 1 } });
    const index = new Map<ManifestColumn, number>();
    header.fields.forEach((name, i) => {
      const clean = name.trim().toLowerCase();
      if (!(MANIFEST_COLUMNS as readonly string[]).includes(clean)) {
        throw new WeftError('PARSE_ERROR', `${path}:1:${header.columns[i]}: unknown manifest column "${name}"; the columns are ${MANIFEST_COLUMNS.join(', ')}`, {
          location: { file: path, line: 1, column: header.columns[i] ?? 1 },
        });
      }
      index.set(clean as ManifestColumn, i);
    });
    if (!index.has('file')) throw new WeftError('PARSE_ERROR', `${path}: the manifest has no "file" column`, { location: { file: path, line: 1 } });
    const entries: ManifestEntry[] = [];
    for (;;) {
      const records = await reader.readRecords({ delimiter: ',', quote: '"' }, 512);
      if (records.length === 0) break;
      for (const record of records) {
        if (record.width === 0) continue;
        if (record.width !== header.fields.length) {
          throw new WeftError('PARSE_ERROR', `${path}:${record.line}: ${record.width} fields where the header has ${header.fields.length}`, {
            location: { file: path, line: record.line },
          });
        }
        const get = (column: ManifestColumn): { value: string; column: number } | undefined => {
          const i = index.get(column);
          if (i === undefined) return undefined;
          const value = (record.field(i) ?? '').trim();
          return value === '' ? undefined : { value, column: record.columns[i] ?? 1 };
        };
        const fail = (column: number, message: string): never => {
          throw new WeftError('PARSE_ERROR', `${path}:${record.line}:${column}: ${message}`, { location: { file: path, line: record.line, column } });
        };
        const file = get('file');
        if (file === undefined) fail(1, 'the "file" field is empty');
        const target: { participantId?: string; sessionId?: string; variant?: string; lesson?: string } = {};
        for (const [column, key] of [['participant_id', 'participantId'], ['session_id', 'sessionId']] as const) {
          const v = get(column);
          if (v === undefined) continue;
          if (!participantIdSchema.safeParse(v.value).success) fail(v.column, `"${v.value}" is not a usable ${column}`);
          target[key] = v.value;
        }
        const variant = get('variant');
        if (variant) target.variant = variant.value;
        const lesson = get('lesson');
        if (lesson) target.lesson = lesson.value;
        const entry: { -readonly [K in keyof ManifestEntry]: ManifestEntry[K] } = {
          path: resolve(dirname(path), (file as { value: string }).value),
          target,
          line: record.line,
        };
        const format = get('format');
        if (format) entry.format = format.value;
        const start = get('session_start');
        if (start) {
          const us = parseIsoInstant(start.value);
          if (us === null) fail(start.column, `session_start "${start.value}" is not an ISO-8601 instant with a time zone (e.g. 2026-03-02T14:05:00Z)`);
          entry.sessionStartUs = us as number;
        }
        const offset = get('clock_offset_s');
        if (offset) {
          const seconds = Number(offset.value);
          if (!Number.isFinite(seconds)) fail(offset.column, `clock_offset_s "${offset.value}" is not a number of seconds`);
          entry.clockOffsetUs = Math.round(seconds * 1e6);
        }
        entries.push(entry);
      }
    }
    return entries;
  } finally {
    await reader.close();
  }
}
