import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alignClocks, type AlignRequest } from '../../../src/backend/clock/align.js';
import { EventHub } from '../../../src/core/api/events.js';
import type { WeftError } from '../../../src/core/errors.js';
import type { ClockModel } from '../../../src/core/time.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

const SESSION_START_MS = Date.UTC(2026, 1, 3, 9, 0, 0);
/** The target device's true clock: it started 2.345678 s into the session and runs 37.5 ppm fast against it. */
const TRUTH: ClockModel = { offsetUs: 2_345_678, driftPpm: 37.5, deviceOriginUs: 0 };
const truthAt = (deviceUs: number): number => (deviceUs - TRUTH.deviceOriginUs) * (1 + TRUTH.driftPpm / 1e6) + TRUTH.offsetUs;

/** 40 segment starts over an hour on the device's millisecond clock, and one that no tutor row echoes. */
const SEGMENTS = Array.from({ length: 40 }, (_, i) => ({ label: `m${String(i).padStart(2, '0')}`, startMs: i * 90_000 + ((i * 7919) % 3000) }));
const STRAY = { label: 'stray', startMs: 1_234_567 };

const REQUEST: AlignRequest = {
  sessionId: 'S01',
  reference: { kind: 'interaction_log', key: { attribute: 'Transaction Id' } },
  target: { kind: 'segments', key: { column: 'label' } },
};

function isoUtc(epochUs: number): string {
  const whole = Math.floor(epochUs / 1e6);
  const micro = String(Math.round(epochUs - whole * 1e6)).padStart(6, '0');
  return `${new Date(whole * 1000).toISOString().slice(0, 19).replace('T', ' ')}.${micro}`;
}

/** A tutor log whose transactions carry the markers' keys at their true session times, to the microsecond. */
async function writeTutorLog(dir: string, markers: readonly { label: string; startMs: number }[], extra: readonly string[][] = []): Promise<string> {
  const header = ['Anon Student Id', 'Session Id', 'Transaction Id', 'Time', 'Time Zone', 'Student Response Type', 'Outcome'];
  const lines = markers.map((m) => ['P01', 'S01', m.label, isoUtc(SESSION_START_MS * 1000 + truthAt(m.startMs * 1000)), 'UTC', 'ATTEMPT', 'CORRECT'].join('\t'));
  const path = join(dir, 'tutor.txt');
  await writeFile(path, [header.join('\t'), ...lines, ...extra.map((r) => r.join('\t'))].join('\n') + '\n');
  return path;
}

async function writeSegments(dir: string, segments: readonly { label: string; startMs: number }[]): Promise<string> {
  const path = join(dir, 'P01.seg');
  await writeFile(path, segments.map((s) => `scene1\t${s.label}\t${s.startMs}\t${s.startMs + 5000}`).join('\n') + '\n');
  return path;
}

describe('aligning a device clock to a tutor log by sync markers, through the study database', () => {
  let study: TestStudy;
  const events = new EventHub();
  const ctx = { actor: 'test', events };

  beforeEach(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
  });
  afterEach(async () => {
    await study.close();
  });

  async function query(sql: string): Promise<unknown[][]> {
    return (await study.client.call('sql.query', { sql })).rows;
  }

  async function importBoth(segments = [...SEGMENTS, STRAY], tutorExtra: string[][] = []): Promise<void> {
    await study.client.call('session.import', {
      files: [await writeTutorLog(study.root, SEGMENTS, tutorExtra)],
      participant_id: 'P01',
      session_id: 'S01',
      session_start: new Date(SESSION_START_MS).toISOString(),
    });
    // declared as starting at session time 0: 2.35 s off, and blind to the drift
    await study.client.call('session.import', { files: [await writeSegments(study.root, segments)], participant_id: 'P01', session_id: 'S01', clock_offset_s: 0 });
  }

  async function state(): Promise<unknown[][]> {
    return query(`SELECT (SELECT list(t_us ORDER BY t_us) FROM events), (SELECT list(clock_source ORDER BY stream_id) FROM streams), (SELECT count(*) FROM audit_log), (SELECT max(duration_us) FROM sessions)`);
  }

  it('recovers offset and drift to under a millisecond over an hour, and moves every row of the stream', async () => {
    await importBoth();
    const result = await alignClocks(study.workspace.study, REQUEST, ctx);
    expect(result.skipped).toEqual([]);
    expect(result.notes).toEqual([]);
    const [fit] = result.aligned;
    if (fit === undefined) throw new Error('nothing aligned');
    expect(fit).toMatchObject({ session_id: 'S01', pairs: 40, unpaired_target: 1, unpaired_reference: 0, duplicate_keys: 0, drift_fitted: true });
    expect(Math.abs(fit.drift_ppm - TRUTH.driftPpm)).toBeLessThan(0.01);
    for (let device = 0; device <= 3_600_000_000; device += 60_000_000) {
      const fitted = (device - fit.origin_us) * (1 + fit.drift_ppm / 1e6) + fit.offset_us;
      expect(Math.abs(fitted - truthAt(device))).toBeLessThan(1000);
      expect(Math.abs(fitted - truthAt(device))).toBeLessThan(5);
    }
    expect(fit.rms_us).toBeLessThan(1);
    expect(fit.previous).toEqual({ offset_us: 0, drift_ppm: 0, origin_us: 0, clock_source: 'declared offset (the command line)' });

    const stored = (await query(`SELECT label, t_us, duration_us FROM events WHERE kind = 'segment' ORDER BY t_us`)) as [string, number, number][];
    expect(stored).toHaveLength(41);
    for (const [label, t, duration] of stored) {
      const segment = [...SEGMENTS, STRAY].find((s) => s.label === label);
      expect(Math.abs(t - truthAt((segment?.startMs ?? 0) * 1000)), label).toBeLessThanOrEqual(2);
      expect(duration).toBe(Math.round(5_000_000 * (1 + fit.drift_ppm / 1e6)));
    }

    const [stream] = (await query(`SELECT stream_id, clock_offset_us, clock_drift_ppm, clock_origin_us, clock_source, clock_residual_us, start_us, end_us, CAST(provenance AS VARCHAR) FROM streams WHERE kind = 'segments'`)) as unknown[][];
    expect(stream?.slice(1, 4)).toEqual([fit.offset_us, fit.drift_ppm, fit.origin_us]);
    expect(stream?.[4]).toMatch(/^sync markers: 40 pairs with the interaction_log stream 1 \(attributes\."Transaction Id" = label\)$/);
    expect(stream?.[5]).toBeCloseTo(fit.rms_us, 6);
    expect(stream?.[6]).toBe(stored[0]?.[1]);
    const lastEnd = Math.max(...stored.map(([, t, d]) => t + d));
    // the stream's end is its old end re-timed, the rows' ends their start and length re-timed apart: a microsecond of rounding apart
    expect(Math.abs(Number(stream?.[7]) - lastEnd)).toBeLessThanOrEqual(1);
    const provenance = JSON.parse(String(stream?.[8])) as { format: string; clock_alignment: { residuals: unknown[]; previous_clock: unknown } };
    expect(provenance.format).toBe('emdat-seg');
    expect(provenance.clock_alignment.residuals).toHaveLength(40);
    expect(provenance.clock_alignment.previous_clock).toMatchObject({ offset_us: 0, source: 'declared offset (the command line)' });

    expect(await query(`SELECT duration_us FROM sessions`)).toEqual(await query(`SELECT max(end_us) FROM streams`));
    expect(Number((await query(`SELECT duration_us FROM sessions`))[0]?.[0])).toBeGreaterThan(3_500_000_000);
    const audit = (await query(`SELECT action, target, CAST(detail AS VARCHAR) FROM audit_log WHERE action = 'clock.align'`)) as string[][];
    expect(audit).toHaveLength(1);
    expect(audit[0]?.[1]).toBe('streams 2');
    expect(audit[0]?.[2]).not.toContain('P01');
    expect(audit[0]?.[2]).toContain('"participant":"p_');
  });

  it('gives the same clock when run again (device times are recovered from the current model)', async () => {
    await importBoth();
    const first = (await alignClocks(study.workspace.study, REQUEST, ctx)).aligned[0];
    const before = await query(`SELECT list(t_us ORDER BY t_us) FROM events WHERE kind = 'segment'`);
    const second = (await alignClocks(study.workspace.study, REQUEST, ctx)).aligned[0];
    expect(Math.abs((second?.offset_us ?? 0) - (first?.offset_us ?? 0))).toBeLessThanOrEqual(1);
    // stored times are whole microseconds, so the device times recovered the second time differ by rounding
    expect(Math.abs((second?.drift_ppm ?? 0) - (first?.drift_ppm ?? 0))).toBeLessThan(1e-3);
    const after = (await query(`SELECT list(t_us ORDER BY t_us) FROM events WHERE kind = 'segment'`))[0]?.[0] as number[];
    (before[0]?.[0] as number[]).forEach((t, i) => expect(Math.abs((after[i] ?? 0) - t)).toBeLessThanOrEqual(1));
    expect(second?.previous.clock_source).toMatch(/^sync markers: 40 pairs/);
  });

  it('aligns every session that has both streams when no session is named', async () => {
    await importBoth();
    const result = await alignClocks(study.workspace.study, { reference: REQUEST.reference, target: REQUEST.target }, ctx);
    expect(result.aligned.map((a) => a.session_id)).toEqual(['S01']);
  });

  it('leaves out keys that repeat in a stream, and keys it is asked to leave out', async () => {
    // a second tutor row with m05's id: m05 can no longer be paired
    await importBoth(undefined, [['P01', 'S01', 'm05', isoUtc(SESSION_START_MS * 1000 + 3_500_000_000), 'UTC', 'ATTEMPT', 'CORRECT']]);
    const result = await alignClocks(study.workspace.study, { ...REQUEST, exclude: ['m07', 'm08'] }, ctx);
    expect(result.aligned[0]).toMatchObject({ pairs: 37, duplicate_keys: 1, excluded: 2 });
    expect(result.aligned[0]?.residuals.map((r) => r.key)).not.toContain('m05');
  });

  it('reports a mispaired marker as an outlier by its residual', async () => {
    const shifted = [...SEGMENTS.slice(0, 20), { label: 'm20', startMs: (SEGMENTS[20]?.startMs ?? 0) + 4000 }, ...SEGMENTS.slice(21)];
    await importBoth(shifted);
    const fit = (await alignClocks(study.workspace.study, REQUEST, ctx)).aligned[0];
    const outliers = fit?.residuals.filter((r) => r.outlier) ?? [];
    expect(outliers.map((r) => r.key)).toEqual(['m20']);
    expect(outliers[0]?.residual_us).toBeLessThan(-3_500_000);
  });

  it('refuses an unknown session, keys that are not event columns, and marker streams that are not events', async () => {
    await importBoth();
    const before = await state();
    await expect(alignClocks(study.workspace.study, { ...REQUEST, sessionId: 'S99' }, ctx)).rejects.toThrow(/no session "S99"/);
    await expect(alignClocks(study.workspace.study, { ...REQUEST, target: { kind: 'segments', key: { column: 'x_us' as 'label' } } }, ctx)).rejects.toThrow(/"x_us" is not a column of events/);
    await expect(alignClocks(study.workspace.study, { ...REQUEST, target: { kind: 'gaze' as 'segments', key: { column: 'label' } } }, ctx)).rejects.toThrow(
      /target markers must be events: a stream kind of interaction_log, segments, eye_markers, not "gaze"/,
    );
    expect(await state()).toEqual(before);
  });

  it('refuses, and changes nothing, when no marker pairs up', async () => {
    await importBoth();
    const before = await state();
    const error = await alignClocks(study.workspace.study, { ...REQUEST, target: { kind: 'segments', eventKind: 'nothing-like-this', key: { column: 'label' } } }, ctx).then(
      () => undefined,
      (e: unknown) => e as WeftError,
    );
    expect(error?.code).toBe('INVALID_INPUT');
    expect(error?.message).toMatch(/Cannot align the clocks of session "S01": no marker of label of "nothing-like-this" events in segments streams \(0 found\) matches one of attributes\."Transaction Id" of interaction_log streams \(40 found\)/);
    expect(await state()).toEqual(before);
  });

  it('refuses, and changes nothing, when every marker is at one device time', async () => {
    await importBoth(SEGMENTS.slice(0, 3).map((s) => ({ ...s, startMs: 60_000 })));
    const before = await state();
    await expect(alignClocks(study.workspace.study, { ...REQUEST, drift: 'fit' }, ctx)).rejects.toThrow(/All 3 sync markers are at the same device time/);
    expect(await state()).toEqual(before);
  });
});
