import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTimeReader } from '../../../src/backend/import/formats/logLocalTimes.js';
import { fieldsRecord } from '../../../src/backend/import/textReader.js';
import type { ImportSummary } from '../../../src/core/api/schemas.js';
import { zonedToEpochUs } from '../../../src/core/study/instants.js';
import { WeftError } from '../../../src/core/errors.js';
import { HAVE_REALDATA, SKIP_REALDATA_REASON, realdata, tempDir } from '../../support/paths.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

const DS6224 = realdata('datashop_learnsphere', 'tx', 'ds6224_tx_All_Data_8657_2024_0824_140746.txt');

/**
 * Windows-1252 encoding, written out from the WHATWG index (Node has no encoder, and Node 20's
 * decoder reads 0x80–0x9F as Latin-1): 0x80–0x9F below, 0xA0–0xFF as in Latin-1.
 */
const CP1252 = new Map<string, number>();
[...'€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ'].forEach((c, i) => CP1252.set(c, 0x80 + i));
for (let b = 0xa0; b <= 0xff; b += 1) CP1252.set(String.fromCharCode(b), b);
const encodable = (text: string): boolean => [...text].every((c) => c.charCodeAt(0) < 0x80 || CP1252.has(c));
function encodeCp1252(text: string): Buffer {
  return Buffer.from([...text].map((c) => (c.charCodeAt(0) < 0x80 ? c.charCodeAt(0) : (CP1252.get(c) as number))));
}

const csvCell = (cell: string): string => `"${cell.replaceAll('"', '""')}"`;
/** What a spreadsheet program writes when it saves tab-separated text: quotes only cells that need them. */
const tsvCell = (cell: string): string => (/[\t\n\r"]/.test(cell) ? csvCell(cell) : cell);

/** Every event a study holds, in a fixed order, with every column. */
async function allEvents(study: TestStudy): Promise<unknown[][]> {
  const { rows } = await study.client.call('sql.query', {
    sql: `SELECT participant_id, session_id, t_us, duration_us, kind, label, problem, step, selection, action, input, outcome, skill, attempt, feedback, CAST(attributes AS VARCHAR)
          FROM events ORDER BY attributes->>'Transaction Id'`,
  });
  return rows;
}

describe.skipIf(!HAVE_REALDATA)(`DataShop exports re-saved by other programs import identically (built from ds6224)${HAVE_REALDATA ? '' : `: skipped, ${SKIP_REALDATA_REASON}`}`, () => {
  let temp: { dir: string; remove: () => Promise<void> };
  let header: string[];
  let rows: string[][];
  const studies: TestStudy[] = [];

  async function importInto(path: string): Promise<{ study: TestStudy; summary: ImportSummary }> {
    const study = await createTestStudy({ dataBasis: SECONDARY, timeZone: 'America/New_York' });
    studies.push(study);
    const summary = await study.client.call('session.import', { files: [path] });
    return { study, summary };
  }

  beforeAll(async () => {
    temp = await tempDir();
    const lines = (await readFile(DS6224, 'utf8')).split('\n').filter((l) => l !== '');
    header = (lines[0] ?? '').split('\t');
    // Two rows hold "Δ", which Windows-1252 cannot write; every variant leaves them out. A curly
    // apostrophe (0x92 in Windows-1252) replaces the straight one of "Le Châtelier's".
    rows = lines.slice(1).filter(encodable).map((l) => l.replaceAll("Châtelier's", 'Châtelier’s').split('\t'));
  });
  afterAll(async () => {
    for (const study of studies) await study.close();
    await temp.remove();
  });

  it('as UTF-8 tab-separated text, as Windows-1252 with CRLF, and as a UTF-8-BOM CSV with every cell quoted and CRLF', async () => {
    const body = [header, ...rows];
    const utf8 = join(temp.dir, 'ds6224-utf8.txt');
    const cp1252 = join(temp.dir, 'ds6224-cp1252.txt');
    const bomCsv = join(temp.dir, 'ds6224-bom.csv');
    await writeFile(utf8, body.map((r) => r.join('\t')).join('\n') + '\n');
    await writeFile(cp1252, encodeCp1252(body.map((r) => r.join('\t')).join('\r\n') + '\r\n'));
    await writeFile(bomCsv, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n', 'utf8')]));
    expect((await readFile(cp1252)).includes(Buffer.from([0x92]))).toBe(true);

    const base = await importInto(utf8);
    const others = [await importInto(cp1252), await importInto(bomCsv)];
    const expected = await allEvents(base.study);
    expect(expected).toHaveLength(rows.length);
    expect(rows.length).toBe(5553 - 2);
    expect(expected.filter((e) => String(e[15]).includes('Châtelier’s'))).toHaveLength(rows.filter((r) => r.join('\t').includes('Châtelier’s')).length);
    for (const other of others) {
      expect(other.summary.files[0]?.format).toBe('datashop-tx');
      expect(other.summary.files[0]?.warnings).toEqual(base.summary.files[0]?.warnings.map((w) => ({ ...w, location: { ...w.location, file: other.summary.files[0]?.path } })));
      expect(await allEvents(other.study)).toEqual(expected);
    }
  });

  it('with line breaks inside quoted feedback cells, saved as tab-separated text and as CSV', async () => {
    const feedback = header.indexOf('Feedback Text');
    const broken = rows.map((r) => r.map((cell, i) => (i === feedback ? cell.replaceAll('</p>', '</p>\r\n') : cell)));
    const withBreaks = broken.filter((r) => (r[feedback] ?? '').includes('\n')).length;
    expect(withBreaks).toBeGreaterThan(10);
    const tsv = join(temp.dir, 'ds6224-multiline.txt');
    const csv = join(temp.dir, 'ds6224-multiline.csv');
    await writeFile(tsv, [header, ...broken].map((r) => r.map(tsvCell).join('\t')).join('\r\n') + '\r\n');
    await writeFile(csv, [header, ...broken].map((r) => r.map(csvCell).join(',')).join('\n') + '\n');
    const fromTsv = await importInto(tsv);
    const fromCsv = await importInto(csv);
    const events = await allEvents(fromTsv.study);
    expect(events).toHaveLength(rows.length);
    expect(events.filter((e) => String(e[14]).includes('</p>\r\n'))).toHaveLength(withBreaks);
    expect(await allEvents(fromCsv.study)).toEqual(events);
  });

  it('with times a spreadsheet rewrote as M/D/YYYY h:mm:ss AM/PM: same instants, and a warning saying how they were read', async () => {
    const time = header.indexOf('Time');
    const us = (cell: string): string => {
      const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(cell);
      if (m === null) return cell;
      const hour = Number(m[4]);
      return `${Number(m[2])}/${Number(m[3])}/${m[1]} ${hour % 12 === 0 ? 12 : hour % 12}:${m[5]}:${m[6]} ${hour < 12 ? 'AM' : 'PM'}`;
    };
    const path = join(temp.dir, 'ds6224-us-times.txt');
    await writeFile(path, [header, ...rows.map((r) => r.map((cell, i) => (i === time ? us(cell) : cell)))].map((r) => r.join('\t')).join('\n'));
    const base = studies[0] as TestStudy;
    const rewritten = await importInto(path);
    const times = async (study: TestStudy): Promise<unknown[][]> =>
      (await study.client.call('sql.query', { sql: `SELECT attributes->>'Transaction Id', epoch_us(s.started_at) + e.t_us FROM events e JOIN sessions s USING (session_id) ORDER BY 1` })).rows;
    expect(await times(rewritten.study)).toEqual(await times(base));
    const proof = rows.findIndex((r) => Number(us(r[time] ?? '').split('/')[1]) > 12);
    expect(rewritten.summary.files[0]?.warnings.map((w) => w.message)).toContain(
      `Time: ${rows.length} times are written with slashes, which read day/month or month/day (first at line 2); they were read month/day/year, as the dates in the file show`,
    );
    expect(proof).toBeGreaterThanOrEqual(0);
  });

  it('keeps every repeated "Level (Container)" column, in order, as the level list', async () => {
    const base = studies[0] as TestStudy;
    const containers = header.flatMap((name, i) => (name === 'Level (Container)' ? [i] : []));
    expect(containers).toHaveLength(3);
    const row = rows[0] as string[];
    const tx = row[header.indexOf('Transaction Id')] ?? '';
    const { rows: found } = await base.client.call('sql.query', { sql: `SELECT attributes->'levels'->'Container', attributes->'levels'->>'Page' FROM events WHERE (attributes->>'Transaction Id') = '${tx}'` });
    expect(found).toEqual([[JSON.stringify(containers.map((i) => row[i]).filter((v) => v !== '')), row[header.indexOf('Level (Page)')]]]);
  });

  it('a Time Zone Weft does not know is an error at its cell', async () => {
    const path = join(temp.dir, 'ds6224-bad-zone.txt');
    const zone = header.indexOf('Time Zone');
    await writeFile(path, [header, ...rows.slice(0, 3).map((r, k) => r.map((cell, i) => (i === zone && k === 2 ? 'Mars/Olympus' : cell)))].map((r) => r.join('\t')).join('\n'));
    const study = await createTestStudy({ dataBasis: SECONDARY });
    studies.push(study);
    const error = await study.client.call('session.import', { files: [path] }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(WeftError);
    const line = [header, ...rows.slice(0, 3)][3] as string[];
    expect((error as WeftError).location).toEqual({ file: path, line: 4, column: line.slice(0, zone).reduce((c, f) => c + f.length + 1, 1) });
    expect((error as WeftError).message).toContain('Time Zone "Mars/Olympus" is not a time zone name Weft knows');
    expect((await study.client.call('sql.query', { sql: 'SELECT count(*) FROM events' })).rows).toEqual([[0]]);
  });
});

describe('local times read an hour at a time', () => {
  it('agree with the zone rules to the microsecond on both daylight-saving days', () => {
    const reader = new LocalTimeReader('clock.txt', [], 'month/day/year', 'test');
    const p2 = (n: number): string => String(n).padStart(2, '0');
    for (const [zone, day] of [['America/New_York', [2026, 3, 8]], ['America/New_York', [2026, 11, 1]], ['Europe/Berlin', [2026, 3, 29]], ['Australia/Lord_Howe', [2026, 4, 5]], ['Australia/Lord_Howe', [2026, 10, 4]]] as const) {
      for (let minute = 0; minute < 24 * 60; minute += 7) {
        for (const second of [0, 59]) {
          const [y, m, d] = day;
          const [h, mi] = [Math.floor(minute / 60), minute % 60];
          const text = `${y}-${p2(m)}-${p2(d)} ${p2(h)}:${p2(mi)}:${p2(second)}.25`;
          const record = fieldsRecord(1, [text], [1]);
          expect(reader.read(record, 0, 'Time', zone), `${zone} ${text}`).toBe(zonedToEpochUs(zone, y, m, d, h, mi, second, 250_000));
        }
      }
    }
  });
});
