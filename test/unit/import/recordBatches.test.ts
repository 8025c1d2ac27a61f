import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDatashopTransactions } from '../../../datasets/demo/writers/datashopTransactions.js';
import { WeftError } from '../../../src/core/errors.js';
import { DATASHOP_WORKER_BYTES } from '../../../src/backend/import/formats/datashopTx.js';
import { quoteOf, sniffDelimiter } from '../../../src/backend/import/formats/logDataShop.js';
import { firstLine } from '../../../src/backend/import/formats/tabular.js';
import { recordBatches } from '../../../src/backend/import/recordBatches.js';
import { inspectSource } from '../../../src/backend/import/source.js';
import type { DelimitedOptions } from '../../../src/backend/import/textReader.js';
import { HAVE_REALDATA, SKIP_REALDATA_REASON, realdata, tempDir } from '../../support/paths.js';
import { SECONDARY, createTestStudy } from '../../support/study.js';

interface ReadOut {
  /** line, width, fields, columns and field lines of each record */
  records: unknown[];
  /** each record's attributes as written, and its key flags */
  rows: string[];
  keys: number[][];
  bytesRead: number;
  batches: number;
  /** where the batches were read */
  readOn: Set<string>;
}

const decoder = new TextDecoder();

async function readAll(path: string, options: DelimitedOptions, worker: boolean, stopAfter = Infinity): Promise<ReadOut> {
  const file = await inspectSource(path);
  const out: ReadOut = { records: [], rows: [], keys: [], bytesRead: 0, batches: 0, readOn: new Set() };
  for await (const batch of recordBatches(file, options, 'datashop-attributes', { worker })) {
    const rows = batch.rows;
    if (rows === null) throw new Error('no rows written');
    batch.records.forEach((r, i) => {
      out.records.push([r.line, r.width, r.fields, r.columns, r.fieldLines]);
      out.rows.push(decoder.decode(rows.bytes.subarray(i === 0 ? 0 : rows.ends[i - 1], rows.ends[i])));
      out.keys.push([...rows.keys.subarray(i * rows.keyCount, (i + 1) * rows.keyCount)]);
    });
    out.bytesRead = batch.bytesRead;
    out.batches += 1;
    out.readOn.add(batch.readOn);
    if (out.batches >= stopAfter) break;
  }
  return out;
}

/** What a read gave, apart from where it was read. */
const same = ({ readOn: _, ...rest }: ReadOut): Omit<ReadOut, 'readOn'> => rest;

const optionsOf = async (path: string): Promise<DelimitedOptions> => {
  const file = await inspectSource(path);
  const delimiter = sniffDelimiter(firstLine(file.headText));
  return { delimiter, quote: quoteOf(file, delimiter) };
};

const tx = (name: string): string => realdata('datashop_learnsphere', 'tx', name);
const REAL = [
  'ds76_tx_All_Data_74_2018_0912_070949.txt',
  'ds76_tx_All_Data_74_2018_0912_070949_min_cols.txt',
  'ds1465_tx_All_Data_64_2016_0720_222352short.txt',
  'partial_ds2033_tx_All_Data_56_2015_1208_144924.txt',
  'ds6224_tx_All_Data_8657_2024_0824_140746.txt',
];

describe('record batches read on a worker thread', () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  const files = { quoted: '', unclosed: '' };
  const header = ['Anon Student Id', 'Session Id', 'Time', 'Sample Name', 'Feedback Text', 'KC (Default)', 'CF (Note)'];

  beforeAll(async () => {
    temp = await tempDir();
    files.quoted = join(temp.dir, 'quoted.csv');
    files.unclosed = join(temp.dir, 'unclosed.csv');
    const rows = Array.from({ length: 5000 }, (_, i) => [`s${i % 7}`, `S${i % 3}`, '2026-01-01 10:00:00', 'All "Data"', i % 5 === 0 ? 'two\r\nlines, and a comma' : '', `k${i % 4}~~k${i % 2}`, i % 9 === 0 ? '' : 'naïve ½']);
    const csv = (cells: string[]): string => cells.map((c) => `"${c.replaceAll('"', '""')}"`).join(',');
    await writeFile(files.quoted, [header, ...rows].map(csv).join('\r\n'));
    await writeFile(files.unclosed, `${[header, ...rows.slice(0, 3000)].map(csv).join('\r\n')}\r\n"s1","S1","2026-01-01 10:00:00","never closed`);
  });
  afterAll(async () => {
    await temp.remove();
  });

  it.skipIf(!HAVE_REALDATA).each(REAL)(`reads real export %s exactly as the importer's own thread does${HAVE_REALDATA ? '' : ` (skipped: ${SKIP_REALDATA_REASON})`}`, async (name) => {
    const options = await optionsOf(tx(name));
    const inline = await readAll(tx(name), options, false);
    const worker = await readAll(tx(name), options, true);
    expect(inline.records.length).toBeGreaterThan(400);
    expect(inline.rows.every((row) => row.startsWith('{') && row.endsWith('}'))).toBe(true);
    expect([...worker.readOn]).toEqual(['worker']);
    expect(same(worker)).toEqual(same(inline));
  });

  it('reads quoted cells that span lines, with their line and column numbers, the same way', async () => {
    const options = { delimiter: ',', quote: '"' } as const;
    const inline = await readAll(files.quoted, options, false);
    expect(inline.records).toHaveLength(5000);
    expect(inline.batches).toBeGreaterThan(2);
    const worker = await readAll(files.quoted, options, true);
    expect([...worker.readOn]).toEqual(['worker']);
    expect(same(worker)).toEqual(same(inline));
  });

  it('reports an error found on the worker as the same error, with its place in the file', async () => {
    const options = { delimiter: ',', quote: '"' } as const;
    const failure = async (worker: boolean): Promise<WeftError> => {
      const error: unknown = await readAll(files.unclosed, options, worker).then(
        () => null,
        (e: unknown) => e,
      );
      if (!(error instanceof WeftError)) throw new Error(`expected a WeftError, got ${String(error)}`);
      return error;
    };
    const inline = await failure(false);
    expect(inline.message).toMatch(/a quoted field is never closed/);
    const worker = await failure(true);
    expect([worker.code, worker.message, worker.location]).toEqual([inline.code, inline.message, inline.location]);
    expect(worker.location?.line).toBe(3002 + 600);
  });

  it('stops when the importer stops, and reads the next file, or two at once, correctly', async () => {
    const options = { delimiter: ',', quote: '"' } as const;
    const whole = await readAll(files.quoted, options, false);
    const first = await readAll(files.quoted, options, true, 1);
    expect(first.records).toEqual(whole.records.slice(0, first.records.length));
    const [a, b] = await Promise.all([readAll(files.quoted, options, true), readAll(files.quoted, options, true)]);
    // One worker for the process: the second file is read on the importer's thread meanwhile.
    expect([[...a.readOn].join(), [...b.readOn].join()].sort()).toEqual(['importer', 'worker']);
    expect(same(a)).toEqual(same(whole));
    expect(same(b)).toEqual(same(whole));
    const after = await readAll(files.quoted, options, true);
    expect([...after.readOn]).toEqual(['worker']);
  });
});

describe('a DataShop import large enough to be read on a worker thread', () => {
  it('stores every row, with the attributes written for it', async () => {
    const temp = await tempDir();
    const study = await createTestStudy({ dataBasis: SECONDARY });
    try {
      const path = join(temp.dir, 'large.txt');
      await writeDatashopTransactions(path, 30_000);
      expect((await stat(path)).size).toBeGreaterThanOrEqual(DATASHOP_WORKER_BYTES);
      const summary = await study.client.call('session.import', { files: [path] });
      expect(summary.files[0]?.streams.reduce((n, s) => n + s.rows, 0)).toBe(30_000);
      const stored = await study.workspace.study.db.read((conn) => conn.all(`SELECT attributes->>'Transaction Id' AS id, attributes::VARCHAR AS json FROM weft.events`));
      const byId = new Map(stored.map((r) => [String(r['id']), String(r['json'])]));
      const expected = await readAll(path, await optionsOf(path), false);
      expect(byId.size).toBe(30_000);
      for (const json of expected.rows) {
        const id = (JSON.parse(json) as Record<string, unknown>)['Transaction Id'];
        expect(byId.get(String(id))).toBe(json);
      }
    } finally {
      await study.close();
      await temp.remove();
    }
  }, 60_000);
});
