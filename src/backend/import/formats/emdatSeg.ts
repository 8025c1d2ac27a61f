import { WeftError } from '../../../core/errors.js';
import type { SourceHead } from '../source.js';
import type { DelimitedOptions, DelimitedRecord } from '../textReader.js';
import type { Importer, ParseContext } from '../types.js';
import { NumberReader, recordError } from './tabular.js';

const OPTIONS: DelimitedOptions = { delimiter: '\t', quote: null };
const FIELDS = ['scene', 'segment', 'start_ms', 'end_ms'] as const;
const SEGMENT_LINE = /^([^\t]+)\t([^\t]+)\t(\d+)\t(\d+)$/;

/** Complete lines at the start of the file; the last is dropped when the head cuts it off. */
function headLines(file: SourceHead): string[] {
  const lines = file.headText.split('\n');
  if (file.head.length < file.bytes) lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)).filter((l) => l !== '');
}

function wholeMilliseconds(numbers: NumberReader, record: DelimitedRecord, index: 2 | 3): number {
  const value = numbers.required(record, index, FIELDS[index]);
  if (!Number.isInteger(value) || value < 0) {
    throw numbers.error(record, index, `${FIELDS[index]} "${record.field(index) ?? ''}" is not a whole, non-negative number of milliseconds`);
  }
  return value;
}

/** Points at the first field too many, or at the end of a line that stops short. */
function fieldCountError(path: string, record: DelimitedRecord): WeftError {
  const got = record.width;
  const last = got - 1;
  const column = got > FIELDS.length ? (record.columns[FIELDS.length] ?? 1) : (record.columns[last] ?? 1) + (record.field(last) ?? '').length;
  const message = `${got} field${got === 1 ? '' : 's'} where an EMDAT segment line has ${FIELDS.length} (${FIELDS.join(', ')}, tab-separated)${got < FIELDS.length ? `; ${FIELDS[got] ?? ''} is missing` : ''}`;
  return new WeftError('PARSE_ERROR', `${path}:${record.line}:${column}: ${message}`, { location: { file: path, line: record.line, column } });
}

/**
 * EMDAT segment files (docs/formats.md): `scene<TAB>segment<TAB>start_ms<TAB>end_ms`, no
 * header, times on the eye tracker's recording clock. The file has no clock of its own, so
 * its session time comes from the offset declared for it.
 */
export const emdatSeg: Importer = {
  format: 'emdat-seg',
  title: 'EMDAT segment file (.seg)',
  phase: 'data',

  detect(file) {
    const lines = headLines(file);
    if (lines.length === 0) return 0;
    const allSegments = lines.every((line) => {
      const m = SEGMENT_LINE.exec(line);
      return m !== null && Number(m[4]) >= Number(m[3]);
    });
    return allSegments ? 0.9 : 0;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const reader = ctx.openText();
    try {
      const writer = await ctx.sink.openStream({
        kind: 'segments',
        target: {},
        time: { kind: 'relative' },
        provenance: { format: 'emdat-seg', clock: "the eye tracker's recording clock, ms; placed on session time by the declared clock offset" },
      });
      const numbers = new NumberReader(path);
      for (;;) {
        const records = await reader.readRecords(OPTIONS, 1024);
        if (records.length === 0) break;
        ctx.sink.progress(reader.bytesRead);
        for (const record of records) {
          if (record.width === 0) continue;
          if (record.width !== FIELDS.length) throw fieldCountError(path, record);
          const [scene, segment] = [(record.field(0) ?? '').trim(), (record.field(1) ?? '').trim()];
          if (scene === '') throw recordError(path, record, 'the scene is empty', 0);
          if (segment === '') throw recordError(path, record, 'the segment name is empty', 1);
          const start = wholeMilliseconds(numbers, record, 2);
          const end = wholeMilliseconds(numbers, record, 3);
          if (end < start) throw recordError(path, record, `segment "${segment}" ends (${end} ms) before it starts (${start} ms)`, 3);
          if (!writer.accepted) {
            writer.event(0, { kind: 'segment' });
            continue;
          }
          writer.event(start * 1000, { kind: 'segment', label: segment, durationUs: (end - start) * 1000, attributes: { scene } }, record.line);
        }
      }
      numbers.flushWarnings(ctx.sink);
    } finally {
      await reader.close();
    }
  },
};
