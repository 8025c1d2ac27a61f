/** Readers for the demo study's files, written independently of the generator's writers. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function makeTempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `weft-demo-${label}-`));
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

export async function readText(dir: string, file: string): Promise<string> {
  return readFile(join(dir, file), 'utf8');
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Index of the first column with this name. */
  col(name: string): number;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): Table {
  return {
    header,
    rows,
    col(name: string): number {
      const i = header.indexOf(name);
      if (i < 0) throw new Error(`no column ${name}`);
      return i;
    },
  };
}

export function csvTable(text: string): Table {
  const [header, ...rows] = parseCsv(text);
  return table(header ?? [], rows);
}

export function tsvTable(text: string): Table {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const [header, ...rows] = lines.map((l) => l.split('\t'));
  return table(header ?? [], rows);
}

export interface TobiiFile {
  readonly preamble: readonly string[];
  readonly table: Table;
}

/** A Tobii Studio export: preamble lines up to the header line that starts with `Timestamp`. */
export function parseTobii(text: string): TobiiFile {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const h = lines.findIndex((l) => l.startsWith('Timestamp\t'));
  if (h < 0) throw new Error('no Tobii header');
  return {
    preamble: lines.slice(0, h),
    table: table(lines[h]?.split('\t') ?? [], lines.slice(h + 1).map((l) => l.split('\t'))),
  };
}

/** Value of a `Key:\t value` preamble line. */
export function preambleValue(preamble: readonly string[], key: string): string | undefined {
  const line = preamble.find((l) => l.startsWith(`${key}:`));
  return line?.slice(key.length + 1).trim();
}

/** Cohen's kappa, computed here rather than taken from the generator. */
export function kappa(a: readonly string[], b: readonly string[]): number {
  const n = a.length;
  let agree = 0;
  const ca = new Map<string, number>();
  const cb = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x === y) agree++;
    ca.set(x, (ca.get(x) ?? 0) + 1);
    cb.set(y, (cb.get(y) ?? 0) + 1);
  }
  let pe = 0;
  for (const [label, count] of ca) pe += (count / n) * ((cb.get(label) ?? 0) / n);
  return (agree / n - pe) / (1 - pe);
}

export const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
}

/** State of a truth affect timeline at a session time. */
export function stateAt(affect: readonly { startS: number; endS: number; state: string }[], t: number): string | undefined {
  let lo = 0;
  let hi = affect.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const seg = affect[mid];
    if (!seg) break;
    if (t < seg.startS) hi = mid - 1;
    else if (t >= seg.endS) lo = mid + 1;
    else return seg.state;
  }
  return undefined;
}

/** Parses `YYYY-MM-DD HH:MM:SS` Eastern daylight time (the demo week is in October) to UTC ms. */
export function easternDaylightToUtcMs(time: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(time);
  if (!m) throw new Error(`bad DataShop time ${time}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]) + 4, Number(m[5]), Number(m[6]));
}

/** The 41 columns of a real Tobii Studio 2 All-Data export (UBC EMDAT sample P63-All-Data.tsv), in order. */
export const REAL_TOBII_ALL_DATA_HEADER = [
  'Timestamp', 'DateTimeStamp', 'DateTimeStampStartOffset', 'Number', 'GazePointXLeft', 'GazePointYLeft', 'CamXLeft',
  'CamYLeft', 'DistanceLeft', 'PupilLeft', 'ValidityLeft', 'GazePointXRight', 'GazePointYRight', 'CamXRight', 'CamYRight',
  'DistanceRight', 'PupilRight', 'ValidityRight', 'FixationIndex', 'GazePointX', 'GazePointY', 'Event', 'EventKey',
  'Data1', 'Data2', 'Descriptor', 'StimuliName', 'StimuliID', 'MediaWidth', 'MediaHeight', 'MediaPosX', 'MediaPosY',
  'MappedFixationPointX', 'MappedFixationPointY', 'FixationDuration', 'AoiIds', 'AoiNames', 'WebGroupImage',
  'MappedGazeDataPointX', 'MappedGazeDataPointY', 'MicroSecondTimestamp', 'AbsoluteMicroSecondTimestamp',
] as const;
