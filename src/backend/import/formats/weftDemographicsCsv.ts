import { participantIdSchema } from '../../../core/api/schemas.js';
import type { Importer, ParseContext } from '../types.js';
import { checkWidth, commaHeader, readHeader, recordError } from './tabular.js';

const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * Demographic items per participant (docs/formats.md): a CSV whose first column is
 * `participant_id` and whose other columns are the items (age, gender, grade, ...). Numbers stay
 * numbers, empty cells are missing. Stored only with consent for demographics.
 */
export const weftDemographicsCsv: Importer = {
  format: 'weft-demographics-csv',
  title: 'Weft demographics CSV',
  phase: 'data',

  detect(file) {
    const header = commaHeader(file.headText);
    return header[0] === 'participant_id' && header.length >= 2 && !header.includes('session_id') && !header.includes('file') ? 0.7 : 0;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const reader = ctx.openText();
    try {
      const options = { delimiter: ',', quote: '"' };
      const header = await readHeader(reader, options);
      const items = header.record.fields.slice(1).map((name) => name.trim());
      const seen = new Map<string, number>();
      items.forEach((name, i) => {
        if (name === '') throw recordError(path, header.record, `column ${i + 2} has no name`, i + 1);
        if (seen.has(name)) throw recordError(path, header.record, `the item "${name}" appears twice`, i + 1);
        seen.set(name, i);
      });
      const participants = new Map<string, number>();
      for (;;) {
        const records = await reader.readRecords(options, 512);
        if (records.length === 0) break;
        for (const record of records) {
          if (record.width === 0) continue;
          checkWidth(path, header, record, 'comma');
          const id = (record.field(0) ?? '').trim();
          if (!participantIdSchema.safeParse(id).success) throw recordError(path, record, `"${id}" is not a usable participant_id`, 0);
          const earlier = participants.get(id);
          if (earlier !== undefined) throw recordError(path, record, `participant "${id}" is listed twice (first on line ${earlier})`, 0);
          participants.set(id, record.line);
          ctx.sink.demographics({
            location: { file: path, line: record.line },
            participantId: id,
            items: Object.fromEntries(
              items.map((name, i) => {
                const value = (record.field(i + 1) ?? '').trim();
                return [name, value === '' ? null : NUMBER.test(value) ? Number(value) : value];
              }),
            ),
          });
        }
      }
    } finally {
      await reader.close();
    }
  },
};
