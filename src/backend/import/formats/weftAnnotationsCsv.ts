import { participantIdSchema } from '../../../core/api/schemas.js';
import { WeftError } from '../../../core/errors.js';
import type { Importer, ParseContext } from '../types.js';
import { Header, NumberReader, checkWidth, firstLine, recordError } from './tabular.js';

const COLUMNS = ['session_id', 'tier', 'annotator', 'label', 'start_s', 'end_s', 'note'] as const;

/** Weft's annotation CSV (docs/formats.md): labelled intervals of session time. */
export const weftAnnotationsCsv: Importer = {
  format: 'weft-annotations-csv',
  title: 'Weft annotations CSV',
  phase: 'annotations',

  detect(file) {
    return firstLine(file.headText).trim() === COLUMNS.join(',') ? 1 : 0;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const reader = ctx.openText();
    try {
      const options = { delimiter: ',', quote: '"' };
      const [headerRecord] = await reader.readRecords(options, 1);
      if (headerRecord === undefined) throw new WeftError('PARSE_ERROR', `${path} is empty`, { location: { file: path, line: 1 } });
      const header = new Header(headerRecord);
      const at = Object.fromEntries(
        COLUMNS.map((name) => {
          const index = header.index(name);
          if (index === undefined) throw recordError(path, headerRecord, `the header has no "${name}" column`);
          return [name, index];
        }),
      ) as Record<(typeof COLUMNS)[number], number>;
      const numbers = new NumberReader(path);
      for (;;) {
        const records = await reader.readRecords(options, 1024);
        if (records.length === 0) break;
        for (const record of records) {
          if (record.fields.length === 0) continue;
          checkWidth(path, header, record, 'comma');
          const text = (name: (typeof COLUMNS)[number]): string => (record.fields[at[name]] ?? '').trim();
          for (const required of ['session_id', 'tier', 'annotator', 'label'] as const) {
            if (text(required) === '') throw recordError(path, record, `"${required}" is empty`, at[required]);
          }
          if (!participantIdSchema.safeParse(text('session_id')).success) {
            throw recordError(path, record, `"${text('session_id')}" is not a usable session id`, at.session_id);
          }
          const start = numbers.required(record, at.start_s, 'start_s');
          const end = numbers.required(record, at.end_s, 'end_s');
          if (!(end > start)) throw recordError(path, record, `end_s (${end}) must be after start_s (${start})`, at.end_s);
          ctx.sink.annotation({
            location: { file: path, line: record.line },
            sessionId: text('session_id'),
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
