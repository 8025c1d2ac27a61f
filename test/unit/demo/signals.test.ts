/**
 * The default demo study (seed 20261123, six 10-minute sessions): its size, and whether the
 * hidden affect process really shows in every modality, so detectors have signal to find.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo, type DemoManifest } from '../../../datasets/demo/generate.js';
import type { DemoTruth, SessionTruth } from '../../../datasets/demo/truth.js';
import {
  csvTable, easternDaylightToUtcMs, kappa, makeTempDir, mean, median, parseTobii, preambleValue, readText, removeDir,
  stateAt, tsvTable, type Table, type TobiiFile,
} from './helpers.js';

interface FaceFrame {
  readonly t: number;
  readonly state: string | undefined;
  readonly browDown: number;
  readonly browInnerUp: number;
  readonly mouthPress: number;
  readonly blink: number;
}

describe('default demo study', () => {
  let dir = '';
  let demo: DemoManifest;
  let truth: DemoTruth;
  let tx: Table;
  const faces = new Map<string, FaceFrame[]>();
  const tobii = new Map<string, TobiiFile>();

  beforeAll(async () => {
    dir = await makeTempDir('default');
    demo = await generateDemo(dir);
    truth = JSON.parse(await readText(dir, 'demo-truth.json')) as DemoTruth;
    tx = tsvTable(await readText(dir, demo.files.find((f) => f.kind === 'tutor-log')?.path ?? ''));
    for (const s of truth.sessions) {
      const t = csvTable(await readText(dir, s.video.file));
      const c = (n: string): number => t.col(n);
      const frames: FaceFrame[] = [];
      for (const r of t.rows) {
        if (r[c('face_present')] !== '1') continue;
        const time = s.video.offsetS + Number(r[c('media_time_us')]) / 1e6;
        frames.push({
          t: time,
          state: stateAt(s.affect, time),
          browDown: (Number(r[c('browDownLeft')]) + Number(r[c('browDownRight')])) / 2,
          browInnerUp: Number(r[c('browInnerUp')]),
          mouthPress: (Number(r[c('mouthPressLeft')]) + Number(r[c('mouthPressRight')])) / 2,
          blink: Number(r[c('eyeBlinkLeft')]),
        });
      }
      faces.set(s.participantId, frames);
      tobii.set(s.participantId, parseTobii(await readText(dir, s.eyeTracker.file)));
    }
  }, 180_000);

  afterAll(async () => {
    await removeDir(dir);
  });

  const session = (participant: string): SessionTruth => {
    const s = truth.sessions.find((x) => x.participantId === participant);
    if (!s) throw new Error(`no session ${participant}`);
    return s;
  };

  /** Session time of an eye-tracker sample or event, through the true clock model. */
  const trackerToSession = (s: SessionTruth, micro: number): number => {
    const m = s.eyeTracker.clockModel;
    return (micro - m.deviceOriginUs + ((micro - m.deviceOriginUs) * m.driftPpm) / 1e6 + m.offsetUs) / 1e6;
  };

  describe('size and timing', () => {
    it('stays moderate in size', () => {
      expect(demo.totalBytes).toBeLessThan(100e6);
      expect(demo.files.filter((f) => f.kind === 'truth')[0]?.bytes ?? 0).toBeLessThan(1e6);
    });

    it('has six sessions of 9 to 11 minutes on school days of one week, Eastern time', () => {
      expect(demo.sessions.map((s) => s.participantId)).toEqual(['P01', 'P02', 'P03', 'P04', 'P05', 'P06']);
      const starts = demo.sessions.map((s) => Date.parse(s.sessionStart));
      expect(Math.max(...starts) - Math.min(...starts)).toBeLessThan(5 * 86_400_000);
      expect(new Set(demo.sessions.map((s) => s.sessionStart.slice(0, 10))).size).toBe(5);
      for (const s of demo.sessions) {
        expect(s.durationS).toBeGreaterThanOrEqual(540);
        expect(s.durationS).toBeLessThanOrEqual(660);
        const local = new Date(Date.parse(s.sessionStart) - 4 * 3_600_000);
        expect(local.getUTCDay()).toBeGreaterThanOrEqual(1);
        expect(local.getUTCDay()).toBeLessThanOrEqual(5);
        expect(local.getUTCHours()).toBeGreaterThanOrEqual(8);
        expect(local.getUTCHours()).toBeLessThan(15);
      }
    });

    it('writes 30 face frames and 60 gaze samples per second over each recording', () => {
      for (const s of truth.sessions) {
        const frameRows = demo.files.find((f) => f.path === s.video.file)?.rows ?? 0;
        expect(Math.abs(frameRows - (s.video.endSessionS - s.video.offsetS) * 30)).toBeLessThanOrEqual(1);
        const t = tobii.get(s.participantId)?.table;
        const samples = t?.rows.filter((r) => r[t.col('Event')] === '').length ?? 0;
        const recordingS = (s.eyeTracker.recordingEndSessionS - s.eyeTracker.recordingStartSessionS) * (1 + s.eyeTracker.driftPpm / 1e6);
        expect(Math.abs(samples - recordingS * 60)).toBeLessThanOrEqual(2);
        expect(s.video.offsetS).toBeGreaterThanOrEqual(2);
        expect(s.video.offsetS).toBeLessThanOrEqual(6);
      }
    });
  });

  describe('annotations', () => {
    it('shows realistic agreement between the two BROMP coders', async () => {
      const t = csvTable(await readText(dir, 'annotations/bromp_affect.csv'));
      const coder = (name: string): string[] => t.rows.filter((r) => r[3] === name).map((r) => r[4] ?? '');
      const k = kappa(coder('coder1'), coder('coder2'));
      expect(k).toBeGreaterThanOrEqual(0.55);
      expect(k).toBeLessThanOrEqual(0.75);
      expect(t.rows.every((r) => Number(r[5]) >= 120 && Number(r[6]) <= 420)).toBe(true);
    });
  });

  describe('the hidden affect drives the face', () => {
    const byState = (state: string, pick: (f: FaceFrame) => number): number[] =>
      [...faces.values()].flat().filter((f) => f.state === state).map(pick);

    it('lowers the brows (AU4) when confused', () => {
      expect(mean(byState('CONFUSED', (f) => f.browDown)) - mean(byState('CONCENTRATING', (f) => f.browDown))).toBeGreaterThan(0.1);
      for (const frames of faces.values()) {
        const confused = frames.filter((f) => f.state === 'CONFUSED').map((f) => f.browDown);
        const focused = frames.filter((f) => f.state === 'CONCENTRATING').map((f) => f.browDown);
        if (confused.length > 300 && focused.length > 300) expect(mean(confused)).toBeGreaterThan(mean(focused));
      }
    });

    it('raises the inner brows and presses the lips when frustrated', () => {
      expect(mean(byState('FRUSTRATED', (f) => f.browInnerUp))).toBeGreaterThan(mean(byState('CONCENTRATING', (f) => f.browInnerUp)) + 0.08);
      expect(mean(byState('FRUSTRATED', (f) => f.mouthPress))).toBeGreaterThan(mean(byState('CONCENTRATING', (f) => f.mouthPress)) + 0.05);
    });

    it('blinks when the truth says so, every 2 to 6 seconds', () => {
      for (const s of truth.sessions) {
        const frames = faces.get(s.participantId) ?? [];
        const inVideo = s.blinks.filter(([a, b]) => a > s.video.offsetS && b < s.video.endSessionS);
        let seen = 0;
        let i = 0;
        for (const [a, b] of inVideo) {
          while (i < frames.length && (frames[i]?.t ?? Infinity) < a) i++;
          let peak = 0;
          for (let j = i; j < frames.length && (frames[j]?.t ?? Infinity) <= b; j++) peak = Math.max(peak, frames[j]?.blink ?? 0);
          if (peak > 0.45) seen++;
        }
        expect(seen / inVideo.length).toBeGreaterThan(0.75);
        const intervals = s.blinks.slice(1).map(([a], k) => a - (s.blinks[k]?.[0] ?? 0));
        expect(median(intervals)).toBeGreaterThan(2);
        expect(median(intervals)).toBeLessThan(6);
      }
    });
  });

  describe('the hidden affect drives the tutor log', () => {
    const attempts = (): { state: string | undefined; outcome: string; hint: boolean }[] =>
      tx.rows
        .filter((r) => r[tx.col('Step Name')] !== 'done ButtonPressed')
        .map((r) => {
          const s = session(r[tx.col('Anon Student Id')] ?? '');
          const at = (easternDaylightToUtcMs(r[tx.col('Time')] ?? '') - Date.parse(s.sessionStart)) / 1000 + 0.5;
          return { state: stateAt(s.affect, at), outcome: r[tx.col('Outcome')] ?? '', hint: r[tx.col('Outcome')] === 'HINT' };
        });

    it('makes more errors when confused or frustrated than when concentrating', () => {
      const errorRate = (state: string): number => {
        const mine = attempts().filter((a) => a.state === state && !a.hint);
        return mine.filter((a) => a.outcome === 'INCORRECT').length / mine.length;
      };
      expect(errorRate('CONFUSED')).toBeGreaterThan(errorRate('CONCENTRATING') + 0.08);
      expect(errorRate('FRUSTRATED')).toBeGreaterThan(errorRate('CONCENTRATING') + 0.08);
    });

    it('asks for more hints when confused or frustrated', () => {
      const hintShare = (state: string): number => {
        const mine = attempts().filter((a) => a.state === state);
        return mine.filter((a) => a.hint).length / mine.length;
      };
      expect(hintShare('CONFUSED')).toBeGreaterThan(hintShare('CONCENTRATING') * 1.5);
      expect(hintShare('FRUSTRATED')).toBeGreaterThan(hintShare('CONCENTRATING') * 1.5);
    });

    it('has more confusion in the harder problem-solving variant', () => {
      const confused = (variant: string): number =>
        mean(truth.sessions.filter((s) => s.variant === variant).map((s) => s.affectShare.CONFUSED));
      expect(confused('B')).toBeGreaterThan(confused('A'));
    });
  });

  describe('the hidden affect drives the eyes', () => {
    it('makes fixations longer when confused and dilates the pupil under load', () => {
      const durations: Record<string, number[]> = {};
      let pupilWins = 0;
      for (const s of truth.sessions) {
        const t = tobii.get(s.participantId)?.table;
        if (!t) throw new Error('missing Tobii file');
        const c = (n: string): number => t.col(n);
        const seen = new Set<string>();
        const pupils: Record<string, number[]> = {};
        for (const r of t.rows) {
          if (r[c('Event')] !== '') continue;
          const state = stateAt(s.affect, trackerToSession(s, Number(r[c('MicroSecondTimestamp')])));
          if (!state) continue;
          if (r[c('ValidityLeft')] === '0') (pupils[state] ??= []).push(Number(r[c('PupilLeft')]));
          const index = r[c('FixationIndex')] ?? '';
          if (index !== '' && !seen.has(index)) {
            seen.add(index);
            (durations[state] ??= []).push(Number(r[c('FixationDuration')]));
          }
        }
        if (mean(pupils.CONFUSED ?? [0]) > mean(pupils.CONCENTRATING ?? [0])) pupilWins++;
      }
      expect(median(durations.CONFUSED ?? [])).toBeGreaterThan(median(durations.CONCENTRATING ?? []) * 1.15);
      expect(pupilWins).toBeGreaterThanOrEqual(5);
    });

    it('loses the eyes during the blinks and glances away the webcam also sees', () => {
      for (const s of truth.sessions) {
        const t = tobii.get(s.participantId)?.table;
        if (!t) throw new Error('missing Tobii file');
        const samples = t.rows
          .filter((r) => r[t.col('Event')] === '')
          .map((r) => ({ t: trackerToSession(s, Number(r[t.col('MicroSecondTimestamp')])), lost: r[t.col('ValidityLeft')] === '4' && r[t.col('ValidityRight')] === '4' }));
        const midpoints = [...s.blinks, ...s.lookAways]
          .map(([a, b]) => (a + b) / 2)
          .filter((m) => m > (samples[0]?.t ?? Infinity) && m < (samples[samples.length - 1]?.t ?? -Infinity));
        let lost = 0;
        for (const m of midpoints) {
          let lo = 0;
          let hi = samples.length - 1;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if ((samples[mid]?.t ?? Infinity) < m) lo = mid + 1;
            else hi = mid;
          }
          const near = [samples[lo - 1], samples[lo]].filter((x) => x !== undefined);
          if (near.some((x) => x.lost)) lost++;
        }
        expect(lost / midpoints.length).toBeGreaterThan(0.95);
      }
    });
  });

  describe('clocks', () => {
    it('puts the eye tracker a second or two off the tutor server, drifting 20–50 ppm', () => {
      for (const s of truth.sessions) {
        const et = s.eyeTracker;
        expect(Math.abs(et.clockOffsetS)).toBeGreaterThanOrEqual(0.8);
        expect(Math.abs(et.clockOffsetS)).toBeLessThanOrEqual(2.2);
        expect(Math.abs(et.driftPpm)).toBeGreaterThanOrEqual(20);
        expect(Math.abs(et.driftPpm)).toBeLessThanOrEqual(50);
        expect(et.headerImpliedStartSessionS - et.recordingStartSessionS).toBeCloseTo(et.clockOffsetS, 6);
        const file = tobii.get(s.participantId);
        const [month, day, year] = (preambleValue(file?.preamble ?? [], 'Recording date') ?? '').split('/').map(Number);
        expect(et.headerRecordingStart.slice(0, 10)).toBe(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
      }
    });

    it('lets the LogData markers recover the eye-tracker clock from the DataShop times', () => {
      for (const s of truth.sessions) {
        const t = tobii.get(s.participantId)?.table;
        if (!t) throw new Error('missing Tobii file');
        const markers = t.rows.filter((r) => r[t.col('Event')] === 'LogData');
        expect(markers.length).toBe(s.eyeTracker.syncMarkers.length);
        const offsets: number[] = [];
        for (const m of markers) {
          const id = m[t.col('Descriptor')];
          const row = tx.rows.find((r) => r[tx.col('Transaction Id')] === id);
          const serverS = (easternDaylightToUtcMs(row?.[tx.col('Time')] ?? '') - Date.parse(s.sessionStart)) / 1000;
          const trackerMs = Number(m[t.col('Timestamp')]);
          const trueS = trackerToSession(s, trackerMs * 1000);
          const marker = s.eyeTracker.syncMarkers.find((x) => x.transactionId === id);
          expect(marker?.transactionSessionS).toBeDefined();
          expect((marker?.transactionSessionS ?? 0) - trueS).toBeGreaterThan(0);
          expect((marker?.transactionSessionS ?? 0) - trueS).toBeLessThan(0.45);
          expect(Math.floor(marker?.transactionSessionS ?? 0)).toBe(serverS);
          offsets.push(s.eyeTracker.headerImpliedStartSessionS + trackerMs / 1000 - serverS);
        }
        expect(Math.abs(median(offsets) - s.eyeTracker.clockOffsetS)).toBeLessThan(1);
      }
    });
  });
});
