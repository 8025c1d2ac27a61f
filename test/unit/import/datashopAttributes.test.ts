import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatashopAttributesPlan, datashopLayout } from '../../../src/backend/import/formats/datashopLayout.js';
import { readHeader } from '../../../src/backend/import/formats/tabular.js';
import { ByteHeap } from '../../../src/backend/import/jsonBytes.js';
import { KeyTally, WrittenRow, writeRows } from '../../../src/backend/import/rowBytes.js';
import { inspectSource } from '../../../src/backend/import/source.js';
import { TextReader, type DelimitedOptions, type DelimitedRecord } from '../../../src/backend/import/textReader.js';
import { tempDir } from '../../support/paths.js';

const HEADER = [
  'Row', 'Anon Student Id', 'Session Id', 'Time', 'Sample Name', 'Level (Unit)', 'Level (Section)', 'Level (Section)', 'KC (Default)', 'KC (Default)',
  'KC Category (Default)', 'KC (Other)', 'CF (Note)', 'Condition Name', 'Condition Type', 'Condition Name', 'Condition Type', 'School', 'School', 'kc',
];

/** Rows and the attributes each must get: the object JSON.stringify would have written, key order included. */
const ROWS: [string[], Record<string, unknown>][] = [
  [
    ['1', 's1', 'S1', '2026-01-01 10:00:00', 'All Data', 'Unit "1"', 'A', 'B', 'add~~sub~~add', 'sub', 'cat', 'x', 'naïve ½ – 分数', 'c1', 'exp', 'c2', '', 'Pine \\ Ridge', '', 'own'],
    {
      session: 'S1',
      'Sample Name': 'All Data',
      School: ['Pine \\ Ridge'],
      'kc (column)': 'own',
      levels: { Unit: 'Unit "1"', Section: ['A', 'B'] },
      kc: { Default: ['add', 'sub'], Other: ['x'] },
      kc_category: { Default: 'cat' },
      cf: { Note: 'naïve ½ – 分数' },
      conditions: [{ name: 'c1', type: 'exp' }, { name: 'c2', type: '' }],
    },
  ],
  [['2', 's1', '', '2026-01-01 10:00:01', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', ''], {}],
  [
    ['3', 's1', 'S1', '2026-01-01 10:00:02', 'All Data', '', '', 'C', '', '~~k~~', '', '', 'ctrl\u0001char', '', '', 'c3', 'ctl', '', 'East', ''],
    { session: 'S1', 'Sample Name': 'All Data', School: ['East'], levels: { Section: ['C'] }, kc: { Default: ['k'] }, cf: { Note: 'ctrl\u0001char' }, conditions: [{ name: 'c3', type: 'ctl' }] },
  ],
];

const quoted = (cells: readonly string[]): string => cells.map((c) => `"${c.replaceAll('"', '""')}"`).join('\t');

async function readAll(path: string, options: DelimitedOptions): Promise<{ plan: DatashopAttributesPlan; records: DelimitedRecord[] }> {
  const reader = TextReader.open(await inspectSource(path));
  try {
    const plan = new DatashopAttributesPlan(datashopLayout(await readHeader(reader, options)));
    return { plan, records: await reader.readRecords(options, 100) };
  } finally {
    await reader.close();
  }
}

function written(plan: DatashopAttributesPlan, record: DelimitedRecord): string {
  return new TextDecoder().decode(writeRows(plan, [record]).bytes);
}

describe('DataShop attributes, written straight from the cells', () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  const files = { plain: '', quoted: '' };

  beforeAll(async () => {
    temp = await tempDir();
    files.plain = join(temp.dir, 'plain.txt');
    files.quoted = join(temp.dir, 'quoted.txt');
    await writeFile(files.plain, [HEADER, ...ROWS.map(([cells]) => cells)].map((cells) => cells.join('\t')).join('\n'));
    await writeFile(files.quoted, [HEADER, ...ROWS.map(([cells]) => cells)].map(quoted).join('\r\n'));
  });
  afterAll(async () => {
    await temp.remove();
  });

  it.each([
    ['an export that never quotes (fields read from the line)', 'plain', null],
    ['a re-saved export that quotes every cell', 'quoted', '"'],
  ] as const)('writes the JSON of the attributes object, byte for byte, from %s', async (_, which, quote) => {
    const { plan, records } = await readAll(files[which], { delimiter: '\t', quote });
    expect(records).toHaveLength(ROWS.length);
    records.forEach((record, i) => {
      expect(written(plan, record)).toBe(JSON.stringify(ROWS[i]?.[1]));
    });
  });

  it('tallies the top-level keys of the rows stored, and only those', async () => {
    const { plan, records } = await readAll(files.plain, { delimiter: '\t', quote: null });
    const rows = writeRows(plan, records);
    const tally = new KeyTally(plan.keyNames);
    const store = (index: number): string => {
      const heap = new ByteHeap();
      new WrittenRow(rows, index, tally).writeTo(heap);
      return new TextDecoder().decode(heap.bytes.subarray(0, heap.used));
    };
    expect(tally.written()).toEqual([]);
    expect(store(1)).toBe('{}');
    expect(tally.written()).toEqual([]);
    expect(store(2)).toBe(JSON.stringify(ROWS[2]?.[1]));
    expect(tally.written()).toEqual(['session', 'Sample Name', 'School', 'levels', 'kc', 'cf', 'conditions']);
    expect(store(0)).toBe(JSON.stringify(ROWS[0]?.[1]));
    expect(tally.written()).toEqual(['session', 'Sample Name', 'School', 'kc (column)', 'levels', 'kc', 'kc_category', 'cf', 'conditions']);
  });
});
