import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_REALDATA, SKIP_REALDATA_REASON, realdata } from '../../support/paths.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

const tx = (name: string): string => realdata('datashop_learnsphere', 'tx', name);
const FILES = {
  ds76: tx('ds76_tx_All_Data_74_2018_0912_070949.txt'),
  ds76min: tx('ds76_tx_All_Data_74_2018_0912_070949_min_cols.txt'),
  ds1465: tx('ds1465_tx_All_Data_64_2016_0720_222352short.txt'),
  ds2033: tx('partial_ds2033_tx_All_Data_56_2015_1208_144924.txt'),
  ds6224: tx('ds6224_tx_All_Data_8657_2024_0824_140746.txt'),
};

describe.skipIf(!HAVE_REALDATA)(`DataShop transaction exports (real files)${HAVE_REALDATA ? '' : `: skipped, ${SKIP_REALDATA_REASON}`}`, () => {
  let study: TestStudy;
  beforeAll(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
  });
  afterAll(async () => {
    await study.close();
  });

  it('detects the format from contents and reads every transaction of ds76, with its 40+ KC models', async () => {
    const summary = await study.client.call('session.import', { files: [FILES.ds76] });
    const file = summary.files[0];
    expect(file?.format).toBe('datashop-tx');
    expect(file?.streams.reduce((n, s) => n + s.rows, 0)).toBe(492);
    expect(new Set(file?.streams.map((s) => s.participant_id)).size).toBe(7);
    const { rows } = await study.client.call('sql.query', {
      sql: `SELECT e.kind, e.outcome, e.problem, e.step, e.skill, e.attempt, len(json_keys(e.attributes->'kc')) AS models,
                   json_array_length(e.attributes->'kc'->'Lasso Model') AS lasso, s.started_at, e.t_us
            FROM events e JOIN sessions s USING (session_id) JOIN streams st USING (stream_id)
            WHERE e.attributes->>'Transaction Id' = 'c2b5d79a23b1b1f6fd1cf8fa77a7e32d'`,
    });
    const [kind, outcome, problem, step, skill, attempt, models, lasso, startedAt, t] = rows[0] ?? [];
    expect([kind, outcome, problem, step, skill, attempt]).toEqual(['attempt', 'CORRECT', 'RECTANGLE_ABCD', '(AREA QUESTION1)', 'Geometry', 1]);
    expect(models).toBeGreaterThan(40);
    expect(lasso).toBeGreaterThanOrEqual(1);
    // 1996-02-01 00:00:48 US/Eastern is 05:00:48 UTC; the first transaction opens the session.
    expect([startedAt, t]).toEqual(['1996-02-01T05:00:48Z', 0]);
  });

  it('keeps stray quotes and HTML inside unquoted cells (ds6224) and reads every row', async () => {
    const summary = await study.client.call('session.import', { files: [FILES.ds6224] });
    expect(summary.files[0]?.streams.reduce((n, s) => n + s.rows, 0)).toBe(5553);
    const { rows } = await study.client.call('sql.query', { sql: `SELECT count(*) FROM events WHERE feedback LIKE '<p><span class="formula">%'` });
    expect(rows[0]?.[0]).toBeGreaterThan(0);
    const levels = await study.client.call('sql.query', { sql: `SELECT DISTINCT json_keys(attributes->'levels') FROM events WHERE (attributes->'levels') IS NOT NULL AND stream_id IN (SELECT stream_id FROM streams WHERE source_path LIKE '%ds6224%')` });
    expect(levels.rows.length).toBeGreaterThan(0);
  });

  it('warns once per file about empty time zones and varying conditions, saying what it did', async () => {
    const summary = await study.client.call('session.import', { files: [FILES.ds1465, FILES.ds2033] });
    const ds1465 = summary.files.find((f) => f.path === FILES.ds1465);
    expect(ds1465?.streams.reduce((n, s) => n + s.rows, 0)).toBe(2074);
    const messages = ds1465?.warnings.map((w) => w.message) ?? [];
    expect(messages, messages.join('\n')).toHaveLength(2);
    expect(messages.some((m) => /Time Zone is empty on 2074 rows .* read in the study's time zone, UTC/.test(m))).toBe(true);
    expect(messages.find((m) => m.startsWith("Condition Name"))).toMatch(/^Condition Name varies within 27 sessions \("Tue, 03 Nov 2015 SVOranfor3tdf.xml" \(timeout, keypress\)/);
    const ds2033 = summary.files.find((f) => f.path === FILES.ds2033);
    expect(ds2033?.streams.reduce((n, s) => n + s.rows, 0)).toBe(467);
  });

  it('reads the minimal five-column export, where sessions are not named', async () => {
    const summary = await study.client.call('session.import', { files: [FILES.ds76min] });
    expect(summary.files[0]?.streams.reduce((n, s) => n + s.rows, 0)).toBe(6778);
    expect(new Set(summary.files[0]?.streams.map((s) => s.participant_id)).size).toBe(59);
  });

  it('registers exactly the attribute keys the stored rows have, which the import knew without reading them back', async () => {
    const stored = await study.client.call('sql.query', { sql: `SELECT DISTINCT unnest(json_keys(attributes)) AS k FROM events ORDER BY k` });
    const fields = await study.client.call('field.list', {});
    const registered = fields.filter((f) => f.field.startsWith('events.attributes.')).map((f) => f.column.slice('attributes.'.length));
    expect(registered.length).toBeGreaterThan(10);
    expect([...registered].sort()).toEqual(stored.rows.map((r) => String(r[0])).sort());
  });

  it('recognises every file when imported again and adds nothing', async () => {
    const before = await study.client.call('sql.query', { sql: 'SELECT count(*) FROM events' });
    const summary = await study.client.call('session.import', { files: Object.values(FILES) });
    expect(summary.files.map((f) => f.status)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    const after = await study.client.call('sql.query', { sql: 'SELECT count(*) FROM events' });
    expect(after.rows).toEqual(before.rows);
    expect(before.rows[0]?.[0]).toBe(492 + 5553 + 2074 + 467 + 6778);
  });
});
