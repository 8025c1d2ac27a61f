import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoTruth, SessionTruth } from '../../../datasets/demo/truth.js';
import { DEMO_PATHS } from '../../../datasets/demo/generate.js';
import { alignClocks, type AlignRequest, type AlignResult, type AlignedClock } from '../../../src/backend/clock/align.js';
import type { Workspace } from '../../../src/backend/workspace.js';
import { DEMO_ALIGNMENT, buildDemoStudy, demoSourcesDir } from '../../../src/cli/demo.js';
import { retimeSessionUs } from '../../../src/core/clock/model.js';
import { createClient } from '../../../src/core/api/client.js';
import { EventHub } from '../../../src/core/api/events.js';
import { createInProcessTransport } from '../../../src/core/api/inProcess.js';
import type { ClockModel } from '../../../src/core/time.js';
import { tempDir } from '../../support/paths.js';

/**
 * The demo's eye tracker echoes every 10th tutor transaction as a LogData event whose
 * Descriptor is the DataShop Transaction Id. Its preamble's recording start is on the tracker
 * PC's clock, 0.8–2.2 s off the tutor server's, and the tracker drifts 20–50 ppm. Aligning by
 * the transaction ids must bring the eye-tracking streams onto the tutor's clock, to within
 * what DataShop's whole-second times allow.
 */
const REQUEST: AlignRequest = {
  reference: { kind: 'interaction_log', key: { attribute: 'Transaction Id' } },
  target: { kind: 'eye_markers', eventKind: 'logdata', key: { attribute: 'Descriptor' } },
};

const at = (model: ClockModel, deviceUs: number): number => (deviceUs - model.deviceOriginUs) * (1 + model.driftPpm / 1e6) + model.offsetUs;

let workspace: Workspace;
let truth: DemoTruth;
let remove: () => Promise<void>;
const ctx = { actor: 'test', events: new EventHub() };

async function query(sql: string): Promise<Record<string, unknown>[]> {
  return workspace.study.db.read((conn) => conn.all(sql));
}

function truthOf(sessionId: string): SessionTruth {
  const session = truth.sessions.find((s) => s.sessionId === sessionId);
  if (session === undefined) throw new Error(`no truth for ${sessionId}`);
  return session;
}

/** Fitted minus true session time of the tracker at the fit's origin (the markers' mean time), microseconds. */
function offsetError(fit: Pick<AlignedClock, 'session_id' | 'offset_us' | 'origin_us'>): number {
  return fit.offset_us - at(truthOf(fit.session_id).eyeTracker.clockModel, fit.origin_us);
}

beforeAll(async () => {
  const temp = await tempDir('weft-clock-demo-');
  remove = temp.remove;
  const dir = join(temp.dir, 'demo');
  const build = await buildDemoStudy(dir, { minutes: 3, actor: 'test', align: false });
  workspace = build.workspace;
  truth = JSON.parse(await readFile(join(demoSourcesDir(dir), DEMO_PATHS.truth), 'utf8')) as DemoTruth;
});

afterAll(async () => {
  await workspace.close();
  await remove();
});

describe('aligning the demo eye tracker to the tutor log by transaction-id markers', () => {
  let before: Map<string, ClockModel>;
  let gazeBefore: Record<string, unknown>[];
  let result: AlignResult;

  beforeAll(async () => {
    const streams = await query(`SELECT session_id, clock_offset_us, clock_drift_ppm, clock_origin_us FROM streams WHERE kind = 'eye_markers'`);
    before = new Map(streams.map((s) => [String(s['session_id']), { offsetUs: Number(s['clock_offset_us']), driftPpm: Number(s['clock_drift_ppm']), deviceOriginUs: Number(s['clock_origin_us']) }]));
    gazeBefore = await query(
      `SELECT stream_id, session_id, min(t_us) AS t_us FROM gaze_samples GROUP BY ALL UNION ALL SELECT stream_id, session_id, max(t_us) FROM gaze_samples GROUP BY ALL`,
    );
    result = await alignClocks(workspace.study, REQUEST, ctx);
  });

  it('pairs every LogData marker of the sessions the study holds with its tutor transaction', () => {
    // P06 withdrew, so the study has no S06
    expect(result.aligned.map((a) => a.session_id)).toEqual(['S01', 'S02', 'S03', 'S04', 'S05']);
    for (const fit of result.aligned) {
      expect(fit.pairs, fit.session_id).toBe(truthOf(fit.session_id).eyeTracker.syncMarkers.length);
      expect(fit.unpaired_target).toBe(0);
      expect(fit.duplicate_keys).toBe(0);
    }
  });

  it('re-times the gaze, fixation and marker streams of each Tobii file together', async () => {
    for (const fit of result.aligned) {
      const kinds = await query(`SELECT list(kind ORDER BY kind) AS kinds FROM streams WHERE stream_id IN (${fit.retimed_stream_ids.join(', ')})`);
      expect(kinds[0]?.['kinds'], fit.session_id).toEqual(['eye_markers', 'fixations', 'gaze']);
    }
    const after = await query(`SELECT stream_id, t_us FROM gaze_samples`);
    const times = new Map<string, Set<number>>();
    for (const row of after) {
      const key = String(row['stream_id']);
      const set = times.get(key) ?? new Set<number>();
      set.add(Number(row['t_us']));
      times.set(key, set);
    }
    for (const row of gazeBefore) {
      const fit = result.aligned.find((a) => a.session_id === row['session_id']) as AlignedClock;
      const old = before.get(fit.session_id) as ClockModel;
      const moved = retimeSessionUs(old, { offsetUs: fit.offset_us, driftPpm: fit.drift_ppm, deviceOriginUs: fit.origin_us }, Number(row['t_us']));
      expect(times.get(String(row['stream_id']))?.has(moved), `gaze sample of stream ${String(row['stream_id'])} at ${String(row['t_us'])}`).toBe(true);
    }
  });

  it('places the tracker within the bounds whole-second tutor times allow: between 1 s early and 0.4 s late', () => {
    // A DataShop Time is the server's receipt of the click (20–400 ms after it) cut to the second; the
    // LogData row is 2–8 ms after the click. So each tutor time is between 0.988 s before and 0.398 s after
    // its marker's true session time, and so is any mean of them; 1 ms more for Tobii's ms timestamps.
    for (const fit of result.aligned) {
      expect(offsetError(fit), fit.session_id).toBeGreaterThan(-989_000);
      expect(offsetError(fit), fit.session_id).toBeLessThan(399_000);
    }
  });

  it('is closer to the truth than the tracker PC’s own clock was', () => {
    const fitted = result.aligned.reduce((sum, fit) => sum + Math.abs(offsetError(fit)), 0);
    const header = result.aligned.reduce((sum, fit) => sum + Math.abs(at(before.get(fit.session_id) as ClockModel, fit.origin_us) - at(truthOf(fit.session_id).eyeTracker.clockModel, fit.origin_us)), 0);
    const trackerOffsets = result.aligned.reduce((sum, fit) => sum + Math.abs(truthOf(fit.session_id).eyeTracker.clockOffsetS) * 1e6, 0);
    expect(Math.abs(header - trackerOffsets)).toBeLessThan(5 * 20_000);
    expect(fitted).toBeLessThan(header / 2);
  });

  it('fits no drift: one or two markers in three minutes cannot measure tens of ppm, and says why', () => {
    for (const fit of result.aligned) {
      expect(fit.drift_fitted).toBe(false);
      expect(fit.drift_ppm).toBe(0);
      expect(fit.drift_note).toMatch(/offset only/);
      // ignoring a true drift of at most 50 ppm costs at most 50e-6 × 200 s = 10 ms anywhere in these sessions
      expect(Math.abs(truthOf(fit.session_id).eyeTracker.driftPpm)).toBeLessThanOrEqual(50);
    }
  });

  it('notes that the tutor times are whole seconds', () => {
    expect(result.notes.join('\n')).toMatch(/whole second/);
  });

  it('updates the session lengths to the streams’ new ends', async () => {
    const rows = await query(`SELECT s.session_id, s.duration_us, (SELECT max(end_us) FROM streams t WHERE t.session_id = s.session_id) AS last_end FROM sessions s ORDER BY 1`);
    for (const row of rows) expect(row['duration_us'], String(row['session_id'])).toBe(Math.max(0, Number(row['last_end'])));
  });

  it('with the middle of each second as reference, lands between 0.5 s early and 0.9 s late', async () => {
    const mid = await alignClocks(workspace.study, { ...REQUEST, referenceTruncatedUs: 1_000_000 }, ctx);
    expect(mid.notes).toEqual([]);
    for (const fit of mid.aligned) {
      expect(offsetError(fit), fit.session_id).toBeGreaterThan(-489_000);
      expect(offsetError(fit), fit.session_id).toBeLessThan(899_000);
    }
  });

  it('leaves the EMDAT segments alone, with a note, once the tracker has moved without them', async () => {
    const client = createClient(createInProcessTransport(workspace.handlers, workspace.hub, 'test'));
    const api = await client.call('clock.align', { ...demoAlignInput(), session_id: 'S01' });
    const kinds = await query(`SELECT list(DISTINCT kind ORDER BY kind) AS kinds FROM streams WHERE stream_id IN (${api.aligned[0]?.retimed_stream_ids.join(', ') ?? ''})`);
    expect(kinds[0]?.['kinds']).toEqual(['eye_markers', 'fixations', 'gaze']);
    expect(api.notes.join('\n')).toMatch(/\(segments\) of session "S01" was not re-timed: its clock model differs/);
  });
});

const demoAlignInput = () => ({
  reference: { ...DEMO_ALIGNMENT.reference },
  target: { ...DEMO_ALIGNMENT.target },
  reference_truncated_us: DEMO_ALIGNMENT.reference_truncated_us,
  also_kinds: [...DEMO_ALIGNMENT.also_kinds],
});

describe('the demo build', () => {
  it('aligns the tracker and the EMDAT segments cut from its recording together, close to the truth', async () => {
    const temp = await tempDir('weft-clock-demo-built-');
    const dir = join(temp.dir, 'demo');
    const build = await buildDemoStudy(dir, { minutes: 3, actor: 'test' });
    try {
      const builtTruth = JSON.parse(await readFile(join(demoSourcesDir(dir), DEMO_PATHS.truth), 'utf8')) as DemoTruth;
      expect(build.alignment?.aligned.map((a) => a.session_id)).toEqual(['S01', 'S02', 'S03', 'S04', 'S05']);
      for (const fit of build.alignment?.aligned ?? []) {
        const sessionTruth = builtTruth.sessions.find((s) => s.sessionId === fit.session_id) as SessionTruth;
        const error = fit.offset_us - at(sessionTruth.eyeTracker.clockModel, fit.origin_us);
        expect(error, fit.session_id).toBeGreaterThan(-489_000);
        expect(error, fit.session_id).toBeLessThan(899_000);
        const kinds = await build.workspace.study.db.read((conn) =>
          conn.all(`SELECT list(DISTINCT kind ORDER BY kind) AS kinds FROM streams WHERE stream_id IN (${fit.retimed_stream_ids.join(', ')})`),
        );
        expect(kinds[0]?.['kinds'], fit.session_id).toEqual(['eye_markers', 'fixations', 'gaze', 'segments']);
      }
    } finally {
      await build.workspace.close();
      await temp.remove();
    }
  });
});
