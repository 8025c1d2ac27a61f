import { participantIdSchema } from '../../../core/api/schemas.js';
import { WEFT_ANNOTATION_COLUMNS, WEFT_ANNOTATION_OPTIONAL_COLUMNS } from '../../../core/formats/weftFormats.js';
import type { Importer, ParseContext } from '../types.js';
import { readHeader, NumberReader, checkWidth, commaHeader, recordError } from './tabular.js';

type Column = (typeof WEFT_ANNOTATION_COLUMNS)[number];
const REQUIRED = WEFT_ANNOTATION_COLUMNS.filter((c) => !WEFT_ANNOTATION_OPTIONAL_COLUMNS.has(c));

/** Weft's annotation CSV (docs/formats.md): labelled intervals of session time. */
export const weftAnnotationsCsv: Importer = {
  format: 'weft-annotations-csv',
  title: 'Weft annotations CSV',
  phase: 'annotations',

  detect(file) {
    const header = commaHeader(file.headText);
    const known = new Set<string>(WEFT_ANNOTATION_COLUMNS);
    return REQUIRED.every((c) => header.includes(c)) && header.every((c) => known.has(c)) ? 1 : 0;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const reader = ctx.openText();
    try {
      const options = { delimiter: ',', quote: '"' };
      const header = await readHeader(reader, options);
      const headerRecord = header.record;
      const at = new Map<Column, number>();
      for (const name of WEFT_ANNOTATION_COLUMNS) {
        const index = header.index(name);
        if (index !== undefined) at.set(name, index);
        else if (!WEFT_ANNOTATION_OPTIONAL_COLUMNS.has(name)) throw recordError(path, headerRecord, `the header has no "${name}" column`);
      }
      const numbers = new NumberReader(path);
      for (;;) {
        const records = await reader.readRecords(options, 1024);
        if (records.length === 0) break;
        for (const record of records) {
          if (record.width === 0) continue;
          checkWidth(path, header, record, 'comma');
          const text = (name: Column): string => {
            const index = at.get(name);
            return index === undefined ? '' : (record.field(index) ?? '').trim();
          };
          for (const required of ['session_id', 'tier', 'annotator', 'label'] as const) {
            if (text(required) === '') throw recordError(path, record, `"${required}" is empty`, at.get(required));
          }
          for (const id of ['session_id', 'participant_id'] as const) {
            if (text(id) !== '' && !participantIdSchema.safeParse(text(id)).success) {
              throw recordError(path, record, `"${text(id)}" is not a usable ${id}`, at.get(id));
            }
          }
          const start = numbers.required(record, at.get('start_s') as number, 'start_s');
          const end = numbers.required(record, at.get('end_s') as number, 'end_s');
          if (!(end > start)) throw recordError(path, record, `end_s (${end}) must be after start_s (${start})`, at.get('end_s'));
          ctx.sink.annotation({
            location: { file: path, line: record.line },
            sessionId: text('session_id'),
            participantId: text('participant_id') === '' ? null : text('participant_id'),
            tier: text('tier'),
            annotator: text('annotator'),
            label: text('label'),
            startUs: Math.round(start * 1e6),
            endUs: Math.round(end * 1e6),
            note: text('note') === '' ? null : text('note'),
          });
        }
      }
      numbers.flushWarnings(ctx.sink);
    } finally {
      await reader.close();
    }
  },
};
