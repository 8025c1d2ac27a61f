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
  it('stores strings inside and beyond the 12 bytes DuckDB keeps inline, compared and grouped like any other', async () => {
    const texts = [
      '',
      'a',
      'twelve bytes',
      'thirteen byte',
      'éééééé',
      'ééééééé',
      'abcdefghijé',
      'abcdefghijkl€',
      'abcdefghij€',
      '🧮🧮ab',
      '🧮🧮abcde',
      '分数分数',
      '分数分数x',
      'stop\u0000here',
    ];
    const utf8 = new TextEncoder();
    expect(texts.map((t) => utf8.encode(t).length)).toEqual([0, 1, 12, 13, 12, 14, 12, 15, 13, 10, 13, 12, 13, 9]);
    const rows: unknown[][] = [];
    texts.forEach((text, i) => {
      // The same text twice, a NULL between, and JSON of the text, so each row leaves some slots stale.
      for (const copy of [0, 1]) rows.push([20, 'S-inline', i * 10 + copy, null, text, copy === 0 ? text : null, text, null, null, null, null, null, null, i, null, { text }]);
    });
    await study.workspace.study.db.write(async (conn) => {
      const appender = await TableAppender.open(conn, 'events');
      // A chunk of 12-byte strings first, so the rows below go into slots that held longer text.
      const filler = 'x'.repeat(12);
      for (let i = 0; i < 2048; i += 1) appender.append([21, filler, i, null, filler, filler, filler, null, null, null, null, null, null, null, null, filler]);
      for (const row of rows) appender.append(row);
      appender.close();
    });
    const got = await study.workspace.study.db.read((conn) =>
      conn.all(`SELECT attempt, kind, label, problem, CAST(attributes AS VARCHAR) AS attributes FROM weft.events WHERE stream_id = 20 ORDER BY t_us`),
    );
    expect(got).toHaveLength(rows.length);
    got.forEach((row, r) => {
      const text = texts[Math.floor(r / 2)] as string;
      expect(row['kind']).toBe(text);
      expect(row['label']).toBe(r % 2 === 0 ? text : null);
      expect(row['problem']).toBe(text);
      expect(JSON.parse(row['attributes'] as string)).toEqual({ text });
    });
    const grouped = await study.workspace.study.db.read((conn) =>
      conn.all(`SELECT kind, count(*) AS n, count(label) AS labelled, bool_and(kind = problem) AS equal FROM weft.events WHERE stream_id = 20 GROUP BY kind ORDER BY min(t_us)`),
    );
    expect(grouped).toEqual(texts.map((kind) => ({ kind, n: 2, labelled: 1, equal: true })));
    for (const text of ['twelve bytes', 'éééééé', '🧮🧮ab']) {
      const n = await study.workspace.study.db.read((conn) => conn.scalar(`SELECT count(*) FROM weft.events WHERE stream_id = 20 AND kind = $text AND length(kind) = $chars`, { text, chars: [...text].length }));
      expect(n).toBe(2);
    }
  });

  it('keeps numbers exact and a value repeated across whole chunks, with NULLs and changes between', async () => {
    const session = 'a-session-id-longer-than-twelve-bytes';
    const count = 2048 * 2 + 300;
    await study.workspace.study.db.write(async (conn) => {
      const appender = await TableAppender.open(conn, 'events');
      for (let i = 0; i < count; i += 1) {
        // The first chunk holds only the session id; the second has one other value; the last one NULLs.
        const kind = i === 3000 ? 'another-kind-that-is-long' : i > 4096 && i % 7 === 0 ? 'short' : session;
        const t = i % 2 === 0 ? -(2 ** 40) - i : 2 ** 52 + i;
        const duration = i % 5 === 0 ? Number.NaN : i % 5 === 1 ? null : i * 1.5;
        const label = i > 4096 && i % 3 === 0 ? null : session;
        appender.append([30, session, t, duration, kind, label, null, null, null, null, null, null, null, i % 2 === 0 ? -i : i, null, null]);
      }
      appender.close();
    });
    const got = await study.workspace.study.db.read((conn) =>
      conn.all(`SELECT session_id, t_us, duration_us, kind, label, attempt FROM weft.events WHERE stream_id = 30 ORDER BY attempt * (CASE WHEN attempt < 0 THEN -1 ELSE 1 END)`),
    );
    expect(got).toHaveLength(count);
    got.forEach((row, i) => {
      expect(row['session_id']).toBe(session);
      expect(row['t_us']).toBe(i % 2 === 0 ? -(2 ** 40) - i : 2 ** 52 + i);
      expect(row['duration_us']).toBe(i % 5 === 0 || i % 5 === 1 ? null : Math.round(i * 1.5));
      expect(row['kind']).toBe(i === 3000 ? 'another-kind-that-is-long' : i > 4096 && i % 7 === 0 ? 'short' : session);
      expect(row['label']).toBe(i > 4096 && i % 3 === 0 ? null : session);
      expect(row['attempt']).toBe(i % 2 === 0 && i !== 0 ? -i : i);
    });
  });

  it('keeps each row its own value when long strings repeat in runs, between short ones and NULLs', async () => {
    // Runs of one long value (which share their bytes in the chunk), broken by a short value, a NULL
    // or another long value whose first four bytes are the same; runs cross chunk boundaries.
    const count = 2048 * 2 + 40;
    const longs = ['Find a common denominator first.', 'Find a common denominator — then add.', 'Ünïcödé feedback 分数 🧮 that is long'];
    const valueAt = (i: number): string | null => (i % 97 === 50 ? null : i % 89 === 7 ? 'short' : (longs[Math.floor(i / 13) % longs.length] as string));
    await study.workspace.study.db.write(async (conn) => {
      const appender = await TableAppender.open(conn, 'events');
      for (let i = 0; i < count; i += 1) appender.append([45, 'S-runs', i, null, 'run', null, null, null, null, null, null, null, null, i, valueAt(i), null]);
      appender.close();
    });
    const got = await study.workspace.study.db.read((conn) => conn.all(`SELECT feedback FROM weft.events WHERE stream_id = 45 ORDER BY t_us`));
    expect(got.map((r) => r['feedback'])).toEqual(Array.from({ length: count }, (_, i) => valueAt(i)));
    const counts = await study.workspace.study.db.read((conn) => conn.all(`SELECT feedback, count(*)::INTEGER AS n FROM weft.events WHERE stream_id = 45 GROUP BY feedback ORDER BY feedback`));
    const expected = new Map<string | null, number>();
    for (let i = 0; i < count; i += 1) expected.set(valueAt(i), (expected.get(valueAt(i)) ?? 0) + 1);
    expect(counts).toEqual([...expected].sort((a, b) => (a[0] === null ? 1 : b[0] === null ? -1 : Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])))).map(([feedback, n]) => ({ feedback, n })));
  });

  it("keeps long strings exact when a chunk's strings outgrow the first heap, with NULL in row 0 and a very long value", async () => {
    // Every row a different long string (several chunks' worth of ~0.5 kB JSON-like text, multi-byte
    // characters at the prefix boundary), one of 300 kB, and NULLs (row 0 of a chunk among them).
    const count = 2048 * 3 + 17;
    const texts = Array.from({ length: count }, (_, i) => (i % 2048 === 0 ? null : i === 2500 ? `é${'long '.repeat(60_000)}end` : `${i % 3 === 0 ? 'éé' : 'ab'}${String(i).padStart(6, '0')} ${'{"kc":"Fractions 分数","cf":"x"} '.repeat(1 + (i % 16))}🧮`));
    await study.workspace.study.db.write(async (conn) => {
      const appender = await TableAppender.open(conn, 'events');
      texts.forEach((text, i) => appender.append([40, 'S-heap', i, null, 'long', text, null, null, null, null, null, null, null, i, null, text === null ? null : { text }]));
      appender.close();
    });
    const got = await study.workspace.study.db.read((conn) =>
      conn.all(`SELECT label, octet_length(encode(label)) AS bytes, CAST(attributes AS VARCHAR) AS attributes FROM weft.events WHERE stream_id = 40 ORDER BY t_us`),
    );
    expect(got).toHaveLength(count);
    const utf8 = new TextEncoder();
    got.forEach((row, i) => {
      const text = texts[i] ?? null;
      expect(row['label']).toBe(text);
      expect(row['bytes']).toBe(text === null ? null : utf8.encode(text).length);
      expect(row['attributes'] === null ? null : JSON.parse(row['attributes'] as string)).toEqual(text === null ? null : { text });
    });
    // Comparisons and sorting read the 4-byte prefix DuckDB keeps beside the address: both must be right.
    const sorted = await study.workspace.study.db.read((conn) => conn.all(`SELECT label FROM weft.events WHERE stream_id = 40 AND label IS NOT NULL ORDER BY label`));
    const expected = texts.filter((t): t is string => t !== null).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(sorted.map((r) => r['label'])).toEqual(expected);
    const probe = texts[4097] as string;
    expect(await study.workspace.study.db.read((conn) => conn.scalar(`SELECT count(*) FROM weft.events WHERE stream_id = 40 AND label = $probe AND starts_with(label, $head)`, { probe, head: probe.slice(0, 3) }))).toBe(1);
  });
});
