import { WeftError } from '../../../core/errors.js';
import { fieldsRecord, type DelimitedRecord, type TextReader } from '../textReader.js';
import { Header } from './tabular.js';

export type BeGazeTable = 'Fixations' | 'Saccades' | 'Blinks' | 'User Events';

/** The event type in a row's first field, the table whose header describes it, and the eye. */
export const ROW_TYPE = /^(Fixation|Saccade|Blink) ([LRB])$|^(UserEvent)$/;
const TABLE_OF: Readonly<Record<string, BeGazeTable>> = { Fixation: 'Fixations', Saccade: 'Saccades', Blink: 'Blinks', UserEvent: 'User Events' };

export function tableOf(eventType: string): { table: BeGazeTable; eye: 'left' | 'right' | 'both' | null } | null {
  const m = ROW_TYPE.exec(eventType.trim());
  if (m === null) return null;
  const table = TABLE_OF[m[1] ?? m[3] ?? ''];
  if (table === undefined) return null;
  const eye = m[2] === undefined ? null : m[2] === 'L' ? 'left' : m[2] === 'R' ? 'right' : 'both';
  return { table, eye };
}

/**
 * Metadata kept as provenance. "Converted from" is a path on the lab computer (with the
 * participant code in it) and "Subject" names the participant, whose id the stream carries:
 * both stay out, as does anything not known to be about the recording.
 */
const KEPT = new Set(['Date', 'Version', 'Sample Rate', 'Description', 'Stimulus']);
const MAX_HEADER_LINES = 200;

export interface BeGazeHeader {
  readonly kept: Record<string, string>;
  readonly omitted: string[];
  readonly subject: string | undefined;
  readonly tables: ReadonlyMap<BeGazeTable, Header>;
}

function commaRecord(text: string, line: number): DelimitedRecord {
  const fields = text.split(',');
  const columns: number[] = [];
  let at = 1;
  for (const f of fields) {
    columns.push(at);
    at += f.length + 1;
  }
  return fieldsRecord(line, fields, columns);
}

/**
 * Reads the block before the first event row: "[BeGaze]", "Key:<TAB>value" lines and, for each
 * event table, "Table Header for <table>:" followed by its comma-separated column names.
 */
export async function readBeGazeHeader(reader: TextReader, path: string): Promise<BeGazeHeader> {
  const kept: Record<string, string> = {};
  const omitted: string[] = [];
  const tables = new Map<BeGazeTable, Header>();
  let subject: string | undefined;
  let pendingTable: BeGazeTable | undefined;
  for (let count = 0; ; count += 1) {
    const next = await reader.peekLine();
    if (next === null || tableOf(next.split(',')[0] ?? '') !== null) break;
    if (count >= MAX_HEADER_LINES) {
      throw new WeftError('PARSE_ERROR', `${path}: no event row (Fixation L, Saccade R, UserEvent, …) in the first ${MAX_HEADER_LINES} lines`, { location: { file: path, line: reader.line } });
    }
    const line = reader.line;
    const text = (await reader.readLine()) ?? '';
    if (text.trim() === '' || text.trim() === '[BeGaze]') continue;
    const tableTitle = /^Table Header for (.+):\s*$/.exec(text);
    if (tableTitle !== null) {
      const name = (tableTitle[1] ?? '').trim();
      if (name !== 'Fixations' && name !== 'Saccades' && name !== 'Blinks' && name !== 'User Events') {
        throw new WeftError('PARSE_ERROR', `${path}:${line}:17: "${name}" is not a BeGaze event table Weft knows (Fixations, Saccades, Blinks, User Events)`, { location: { file: path, line, column: 17 } });
      }
      pendingTable = name;
      continue;
    }
    if (pendingTable !== undefined) {
      tables.set(pendingTable, new Header(commaRecord(text, line)));
      pendingTable = undefined;
      continue;
    }
    const m = /^([^:\t]+):\t?(.*)$/.exec(text);
    if (m === null) continue;
    const key = (m[1] ?? '').trim();
    const value = (m[2] ?? '').trim();
    if (key === 'Subject') subject = value === '' ? undefined : value;
    else if (KEPT.has(key)) kept[key] = value;
    else omitted.push(key);
  }
  if (tables.size === 0) throw new WeftError('PARSE_ERROR', `${path}: the file has no "Table Header for …" lines before its first event row; is it a BeGaze event export?`, { location: { file: path, line: reader.line } });
  return { kept, omitted, subject, tables };
}
