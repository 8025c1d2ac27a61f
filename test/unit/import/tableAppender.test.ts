import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TableAppender, appendRows } from '../../../src/backend/import/tableAppender.js';
import { createTestStudy, type TestStudy } from '../../support/study.js';

const EVENT_COLUMNS = ['stream_id', 'session_id', 't_us', 'duration_us', 'kind', 'label', 'problem', 'step', 'selection', 'action', 'input', 'outcome', 'skill', 'attempt', 'feedback', 'attributes'] as const;

/** Text DuckDB must keep byte for byte: separators, quotes, line breaks, unicode beyond the BMP. */
const AWKWARD = [
  '',
  ' ',
  '"',
  '""',
  'say "hi", then\tleave',
  'line one\nline two\r\nline three\r',
  '\\N',
  'NULL',
  ',;|\t',
  'Ünïcödé ümlaut – “curly” 分数 🧮 \u{1F600}',
  '\u0000 is not here but \u0001 is',
  'x'.repeat(5000),
];

/** Above 2^53 so a round trip through a double would show. */
const BIG_US = 9_007_199_254_740_993n;

describe('TableAppender writes values that read back exactly', () => {
  let study: TestStudy;
  beforeAll(async () => {
    study = await createTestStudy();
  });
  afterAll(async () => {
    await study.close();
  });

  it('keeps NULL apart from the empty string, and awkward text, JSON and 64-bit microseconds intact', async () => {
    const rows: Record<string, unknown>[] = AWKWARD.map((text, i) => ({
      stream_id: 7,
      session_id: `S-${i}`,
      t_us: 1_772_460_000_000_000 + i,
      duration_us: i % 2 === 0 ? null : i * 1000,
      kind: 'attempt',
      label: text,
      problem: i % 3 === 0 ? null : text,
      step: '',
      selection: null,
      action: text.toUpperCase(),
      input: text,
      outcome: i % 2 === 0 ? 'CORRECT' : null,
      skill: null,
      attempt: i,
      feedback: text,
      attributes: { text, nested: { list: [1, 'two', null], quote: '"' }, empty: '' },
    }));
    await study.workspace.study.db.write(async (conn) => {
      await appendRows(conn, 'events', rows);
      const appender = await TableAppender.open(conn, 'events');
      expect(appender.columns).toEqual(EVENT_COLUMNS);
      appender.append([8, 'S-big', BIG_US, BIG_US, 'k', null, null, null, null, null, null, null, null, null, null, '{"raw":"json text"}']);
      appender.close();
    });

    const back = await study.workspace.study.db.read((conn) =>
      conn.raw.runAndReadAll(`SELECT ${EVENT_COLUMNS.map((c) => (c === 'attributes' ? 'CAST(attributes AS VARCHAR)' : c)).join(', ')} FROM weft.events ORDER BY stream_id, t_us`),
    );
    const got = back.getRows();
    expect(got).toHaveLength(AWKWARD.length + 1);
    AWKWARD.forEach((text, i) => {
      const row = got[i] as unknown[];
      expect(row[1]).toBe(`S-${i}`);
      expect(row[2]).toBe(1_772_460_000_000_000n + BigInt(i));
      expect(row[3]).toBe(i % 2 === 0 ? null : BigInt(i * 1000));
      expect(row[5]).toBe(text);
      expect(row[6]).toBe(i % 3 === 0 ? null : text);
      expect(row[7]).toBe('');
      expect(row[8]).toBeNull();
      expect(row[9]).toBe(text.toUpperCase());
      expect(row[10]).toBe(text);
      expect(row[11]).toBe(i % 2 === 0 ? 'CORRECT' : null);
      expect(row[13]).toBe(i);
      expect(row[14]).toBe(text);
      expect(JSON.parse(row[15] as string)).toEqual({ text, nested: { list: [1, 'two', null], quote: '"' }, empty: '' });
    });
    const big = got[AWKWARD.length] as unknown[];
    expect(big.slice(0, 4)).toEqual([8n, 'S-big', BIG_US, BIG_US]);
    expect(big.slice(5, 15).every((v) => v === null)).toBe(true);
    expect(JSON.parse(big[15] as string)).toEqual({ raw: 'json text' });
  });

  it('writes more rows than one chunk holds, in order', async () => {
    const count = 5000;
    await study.workspace.study.db.write(async (conn) => {
      const appender = await TableAppender.open(conn, 'events');
      for (let i = 0; i < count; i += 1) {
        appender.append([9, 'S-many', i * 1_000_000, null, 'tick', `label ${i}`, null, null, null, null, null, null, null, i, null, null]);
      }
      appender.close();
    });
    const summary = await study.workspace.study.db.read((conn) =>
      conn.all(`SELECT count(*) AS n, count(DISTINCT label) AS labels, min(t_us) AS first, max(t_us) AS last, bool_and(label = 'label ' || attempt) AS aligned FROM weft.events WHERE stream_id = 9`),
    );
    expect(summary[0]).toEqual({ n: count, labels: count, first: 0, last: (count - 1) * 1_000_000, aligned: true });
  });
});
