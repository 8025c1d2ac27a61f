import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalName } from '../../../src/backend/import/formats/signalName.js';
import { inspectSource } from '../../../src/backend/import/source.js';
import { TextReader, type DelimitedOptions } from '../../../src/backend/import/textReader.js';
import { tempDir } from '../../support/paths.js';

let dir: string;
let remove: () => Promise<void>;
beforeAll(async () => {
  ({ dir, remove } = await tempDir());
});
afterAll(async () => {
  await remove();
});

interface Read {
  line: number;
  fields: string[];
  columns: number[];
  fieldLines: number[];
}

async function readAll(text: string, options: DelimitedOptions): Promise<Read[]> {
  const path = join(dir, 'records.txt');
  await writeFile(path, text);
  const reader = TextReader.open(await inspectSource(path));
  const out: Read[] = [];
  try {
    for (;;) {
      const records = await reader.readRecords(options, 7);
      if (records.length === 0) return out;
      for (const r of records) {
        // Fields asked for one by one, and past either end, agree with the split record.
        const asked = Array.from({ length: r.width + 2 }, (_, i) => r.field(i - 1));
        expect(asked).toEqual([undefined, ...r.fields, undefined]);
        out.push({ line: r.line, fields: [...r.fields], columns: [...r.columns], fieldLines: [...r.fieldLines] });
      }
    }
  } finally {
    await reader.close();
  }
}

const NO_QUOTE: DelimitedOptions = { delimiter: '\t', quote: null };
/** A quote character the texts below never contain: the character-by-character parser. */
const GENERAL: DelimitedOptions = { delimiter: '\t', quote: '"' };

describe('records of a file that never quotes', () => {
  it.each([
    ['LF line ends', 'a\tb\n\tc\td\n'],
    ['CRLF line ends', 'a\tb\r\n\tc\td\r\n'],
    ['CR-only line ends', 'a\tb\r\tc\td\r'],
    ['CR CR LF line ends (Tobii 4C exports)', 'a;1\r\r\nb;2\r\r\n'],
    ['blank lines, and a last line without a line end', 'a\tb\n\n\r\nc\t\td'],
    ['a CR inside a line ends the record there', 'a\tb\rc\td\n'],
  ])('%s: the same records, lines and columns as the general parser', async (_what, text) => {
    const fast = await readAll(text, NO_QUOTE);
    expect(fast.length).toBeGreaterThan(1);
    expect(fast).toEqual(await readAll(text, GENERAL));
  });

  it('a field asked for alone is the same text the whole split gives, empty fields included', async () => {
    const text = 'Timestamp\tEvent\t\tGazePointX\t\n12\t\t\t640\t\n\t\t\t\t\n';
    const path = join(dir, 'fields.txt');
    await writeFile(path, text);
    const reader = TextReader.open(await inspectSource(path));
    try {
      const [header, row, blanks] = await reader.readRecords(NO_QUOTE, 3);
      expect(header?.width).toBe(5);
      expect(header?.field(3)).toBe('GazePointX');
      expect(row?.field(0)).toBe('12');
      expect(row?.field(1)).toBe('');
      expect(row?.field(3)).toBe('640');
      expect(row?.field(4)).toBe('');
      expect(row?.field(5)).toBeUndefined();
      expect(row?.columns).toEqual([1, 4, 5, 6, 10]);
      expect(blanks?.width).toBe(5);
      expect(blanks?.fields).toEqual(['', '', '', '', '']);
    } finally {
      await reader.close();
    }
  });

  it('reads lines that straddle the 1 MiB read chunks, numbering lines and columns', async () => {
    const row = (k: number): string => `${k}\t${'x'.repeat(k % 97)}\t${k * 2}`;
    const count = 40_000;
    const text = Array.from({ length: count }, (_, k) => row(k)).join('\r\n');
    expect(text.length).toBeGreaterThan(2 << 20);
    const records = await readAll(text, NO_QUOTE);
    expect(records).toHaveLength(count);
    const wrong = records.findIndex((r, k) => r.line !== k + 1 || r.fields.join('\t') !== row(k) || r.fields.length !== 3);
    expect(wrong).toBe(-1);
    const last = records[count - 1];
    expect(last?.columns).toEqual([1, String(count - 1).length + 2, String(count - 1).length + 3 + ((count - 1) % 97)]);
  });
});

describe('signal names', () => {
  it('face columns split CamelCase words; eye-tracker columns keep them whole', () => {
    expect(signalName('FaceRect X', { splitCamelCase: true })).toBe('face_rect_x');
    expect(signalName('Confusion Evidence', { splitCamelCase: true })).toBe('confusion_evidence');
    expect(signalName('gaze_0_x', { splitCamelCase: true })).toBe('gaze_0_x');
    expect(signalName('GazePointXLeft')).toBe('gazepointxleft');
    expect(signalName('Avg. Pupil Size X')).toBe('avg_pupil_size_x');
    expect(signalName('AOI hit [Page - Title]')).toBe('aoi_hit_page_title');
  });

  it('folds accents instead of dropping the letters', () => {
    expect(signalName('Ärger Évidence', { splitCamelCase: true })).toBe('arger_evidence');
    expect(signalName('Pupille (größe)')).toBe('pupille_große');
  });
});
