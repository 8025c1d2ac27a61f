/**
 * A Tobii Studio 2 "All-Data" export of a 60 Hz Tobii T120 recording of the tutor screen
 * (1280 x 1024): metadata preamble, the full 41-column header, one row per gaze sample and
 * event rows (screen recording, mouse clicks, key presses, the tutor's LogData sync markers)
 * interleaved by time. Every time in it is on the eye-tracker PC's clock, which is offset from
 * and drifts against the tutor server's.
 */
import { IntervalCursor } from '../behaviour.js';
import { clockOfDay, easternToUtcMs, easternWallClock, tobiiDate, tobiiTime } from '../calendar.js';
import type { WriteResult } from '../files.js';
import { BORED, CONFUSED } from '../latent.js';
import { LineWriter } from '../lineWriter.js';
import { Ar1, Rng, clamp } from '../random.js';
import { SCREEN_HEIGHT, SCREEN_WIDTH, aoiAt } from '../screen.js';
import type { SessionWorld } from '../session.js';
import { sessionFromTrackerMicros, trackerMicros } from '../study.js';

export const TOBII_SAMPLE_RATE_HZ = 60;

/** The All-Data header of Tobii Studio 2.x, in export order (rows end with a trailing tab). */
export const TOBII_COLUMNS: readonly string[] = [
  'Timestamp', 'DateTimeStamp', 'DateTimeStampStartOffset', 'Number', 'GazePointXLeft', 'GazePointYLeft',
  'CamXLeft', 'CamYLeft', 'DistanceLeft', 'PupilLeft', 'ValidityLeft', 'GazePointXRight', 'GazePointYRight',
  'CamXRight', 'CamYRight', 'DistanceRight', 'PupilRight', 'ValidityRight', 'FixationIndex', 'GazePointX',
  'GazePointY', 'Event', 'EventKey', 'Data1', 'Data2', 'Descriptor', 'StimuliName', 'StimuliID', 'MediaWidth',
  'MediaHeight', 'MediaPosX', 'MediaPosY', 'MappedFixationPointX', 'MappedFixationPointY', 'FixationDuration',
  'AoiIds', 'AoiNames', 'WebGroupImage', 'MappedGazeDataPointX', 'MappedGazeDataPointY', 'MicroSecondTimestamp',
  'AbsoluteMicroSecondTimestamp',
];

/** Every `LOG_DATA_EVERY`-th tutor transaction is echoed to Tobii Studio as a LogData event. */
export const LOG_DATA_EVERY = 10;
export const LOG_DATA_NAME = 'TutorTransaction';
export const TUTOR_URL = 'http://tutor.lakeside-ms.example/ctat/linear-equations/index.html';

interface TobiiEvent {
  readonly ms: number;
  readonly event: string;
  readonly key: number;
  readonly data1: string;
  readonly data2: string;
  readonly descriptor: string;
}

export interface SyncMarker {
  readonly transactionId: string;
  readonly ordinal: number;
  /** Tutor server time of the transaction, session seconds. */
  readonly transactionSessionS: number;
  /** Timestamp of the LogData row on the recording clock. */
  readonly trackerMs: number;
}

export interface TobiiResult extends WriteResult {
  readonly samples: number;
  readonly events: number;
  readonly syncMarkers: readonly SyncMarker[];
}

const MIN_FIXATION_SAMPLES = 5;
const TAB = 0x09;
const LOST = 4;
/** Added pupil diameter (mm) at full expression of each state: cognitive load dilates the pupil. */
const PUPIL_LOAD_MM = [0.1, 0.3, 0.26, -0.08];

function eventRow(e: TobiiEvent): string {
  const cells = new Array<string>(TOBII_COLUMNS.length + 1).fill('');
  cells[0] = String(e.ms);
  cells[21] = e.event;
  cells[22] = String(e.key);
  cells[23] = e.data1;
  cells[24] = e.data2;
  cells[25] = e.descriptor;
  return cells.join('\t');
}

export async function writeTobii(path: string, world: SessionWorld, seed: number): Promise<TobiiResult> {
  const { plan, behaviour, activation, tutor } = world;
  const { tracker, traits } = plan;
  const rng = Rng.stream(seed, plan.participantId, 'tobii');
  const periodUs = 1e6 / TOBII_SAMPLE_RATE_HZ;
  const msAt = (sessionS: number): number => Math.round(trackerMicros(tracker, sessionS) / 1000);
  const endUs = trackerMicros(tracker, tracker.recordingEndSessionS);
  const n = Math.floor(endUs / periodUs);

  const us = new Float64Array(n);
  const ms = new Int32Array(n);
  const valid = new Uint8Array(n * 2);
  const eyeX = new Int32Array(n * 2);
  const eyeY = new Int32Array(n * 2);
  const cam = new Float32Array(n * 4);
  const distance = new Float32Array(n * 2);
  const pupil = new Float32Array(n * 2);
  const gx = new Int32Array(n);
  const gy = new Int32Array(n);
  const planned = new Int32Array(n).fill(-1);

  const lookAways = new IntervalCursor(behaviour.lookAways);
  const blinks = new IntervalCursor(behaviour.blinks);
  const fixations = world.fixations;
  const incorrect = tutor.transactions.filter((x) => x.outcome === 'INCORRECT').map((x) => x.tS + 0.2);
  const pupilDrift = new Ar1(rng, 8, 1 / TOBII_SAMPLE_RATE_HZ);
  const distanceDrift = new Ar1(rng, 15, 1 / TOBII_SAMPLE_RATE_HZ);
  const camDriftX = new Ar1(rng, 10, 1 / TOBII_SAMPLE_RATE_HZ);
  const camDriftY = new Ar1(rng, 10, 1 / TOBII_SAMPLE_RATE_HZ);
  const tremorX = new Ar1(rng, 0.12, 1 / TOBII_SAMPLE_RATE_HZ);
  const tremorY = new Ar1(rng, 0.12, 1 / TOBII_SAMPLE_RATE_HZ);
  const dropoutScale = traits.glasses ? 2.2 : 1;
  let fixIdx = 0;
  let incorrectIdx = 0;
  let oneEyeLeft = 0;
  let oneEyeWhich = 0;
  let bothLost = 0;

  for (let k = 0; k < n; k++) {
    const u = Math.max(k === 0 ? 0 : (us[k - 1] ?? 0) + 1, Math.round(k * periodUs + (k === 0 ? 0 : rng.normal(0, 25))));
    us[k] = u;
    ms[k] = Math.round(u / 1000);
    const t = sessionFromTrackerMicros(tracker, u);

    while (fixIdx < fixations.length && (fixations[fixIdx]?.endS ?? Infinity) <= t) fixIdx++;
    const current = fixations[fixIdx];
    const previous = fixations[fixIdx - 1];
    let x: number;
    let y: number;
    const tx = tremorX.next();
    const ty = tremorY.next();
    if (current && current.startS <= t) {
      x = current.x + current.spreadPx * tx;
      y = current.y + current.spreadPx * ty;
      planned[k] = fixIdx;
    } else if (current && previous) {
      const p = clamp((t - previous.endS) / Math.max(current.startS - previous.endS, 1e-3), 0, 1);
      const s = p * p * (3 - 2 * p);
      x = previous.x + (current.x - previous.x) * s;
      y = previous.y + (current.y - previous.y) * s;
    } else {
      const f = current ?? previous;
      x = f?.x ?? SCREEN_WIDTH / 2;
      y = f?.y ?? SCREEN_HEIGHT / 2;
    }

    let leftOk = true;
    let rightOk = true;
    if (lookAways.at(t) || blinks.at(t)) {
      leftOk = false;
      rightOk = false;
    } else if (bothLost > 0) {
      bothLost--;
      leftOk = false;
      rightOk = false;
    } else if (rng.chance(0.002 * dropoutScale)) {
      bothLost = rng.int(0, 3);
      leftOk = false;
      rightOk = false;
    }
    if (oneEyeLeft > 0) {
      oneEyeLeft--;
      if (oneEyeWhich === 0) leftOk = false;
      else rightOk = false;
    } else if (rng.chance(0.0015 * dropoutScale)) {
      oneEyeLeft = rng.int(2, 15);
      oneEyeWhich = rng.int(0, 1);
    }

    while (incorrectIdx < incorrect.length && (incorrect[incorrectIdx] ?? Infinity) < t - 6) incorrectIdx++;
    let phasic = 0;
    for (let i = incorrectIdx; i < incorrect.length && (incorrect[i] ?? Infinity) <= t; i++) {
      const since = t - (incorrect[i] ?? t);
      phasic += 0.18 * since * Math.exp(1 - since);
    }
    let load = 0;
    for (let s = 0; s < PUPIL_LOAD_MM.length; s++) load += (PUPIL_LOAD_MM[s] ?? 0) * activation.at(s, t);
    const pupilMm = traits.pupilBaselineMm + load + phasic + 0.08 * pupilDrift.next();
    const distMm = traits.eyeDistanceMm + 12 * distanceDrift.next() + 25 * activation.at(BORED, t) - 10 * activation.at(CONFUSED, t);
    const camX = 0.44 + 0.03 * camDriftX.next();
    const camY = 0.53 + 0.03 * camDriftY.next();

    const sides: readonly (readonly [boolean, readonly [number, number], number])[] = [
      [leftOk, traits.calibration.left, -traits.pupilAsymmetryMm / 2],
      [rightOk, traits.calibration.right, traits.pupilAsymmetryMm / 2],
    ];
    sides.forEach(([ok, calibration, asym], e) => {
      valid[2 * k + e] = ok ? 0 : LOST;
      if (!ok) return;
      eyeX[2 * k + e] = Math.round(x + calibration[0] + rng.normal(0, 4));
      eyeY[2 * k + e] = Math.round(y + calibration[1] + rng.normal(0, 4));
      cam[4 * k + 2 * e] = camX + e * 0.13 * (600 / distMm);
      cam[4 * k + 2 * e + 1] = camY + rng.normal(0, 0.002);
      distance[2 * k + e] = distMm + (e === 0 ? -3 : 3) + rng.normal(0, 0.8);
      pupil[2 * k + e] = pupilMm + asym + rng.normal(0, 0.02);
    });
    if (leftOk && rightOk) {
      gx[k] = Math.round(((eyeX[2 * k] ?? 0) + (eyeX[2 * k + 1] ?? 0)) / 2);
      gy[k] = Math.round(((eyeY[2 * k] ?? 0) + (eyeY[2 * k + 1] ?? 0)) / 2);
    } else if (leftOk || rightOk) {
      const e = leftOk ? 0 : 1;
      gx[k] = eyeX[2 * k + e] ?? 0;
      gy[k] = eyeY[2 * k + e] ?? 0;
    }
    if (!leftOk && !rightOk) planned[k] = -1;
  }

  // Fixations as the Tobii filter reports them: runs of tracked samples on one fixation,
  // numbered in order, each sample carrying the fixation's mean point and total duration.
  const fixIndex = new Int32Array(n);
  const fixX = new Int32Array(n);
  const fixY = new Int32Array(n);
  const fixDur = new Int32Array(n);
  let fixationCount = 0;
  for (let k = 0; k < n; ) {
    const id = planned[k] ?? -1;
    let end = k + 1;
    if (id >= 0) while (end < n && planned[end] === id) end++;
    if (id >= 0 && end - k >= MIN_FIXATION_SAMPLES) {
      fixationCount++;
      let sx = 0;
      let sy = 0;
      for (let j = k; j < end; j++) {
        sx += gx[j] ?? 0;
        sy += gy[j] ?? 0;
      }
      const duration = (end < n ? (ms[end] ?? 0) : (ms[end - 1] ?? 0) + 17) - (ms[k] ?? 0);
      for (let j = k; j < end; j++) {
        fixIndex[j] = fixationCount;
        fixX[j] = Math.round(sx / (end - k));
        fixY[j] = Math.round(sy / (end - k));
        fixDur[j] = duration;
      }
    }
    k = end;
  }

  const events: TobiiEvent[] = [{ ms: 0, event: 'ScreenRecStarted', key: 8192, data1: '0', data2: '0', descriptor: '' }];
  events.push({ ms: msAt(0.3), event: 'URLStart', key: 512, data1: '0', data2: '0', descriptor: TUTOR_URL });
  for (const c of tutor.clicks) events.push({ ms: msAt(c.tS), event: 'LeftMouseClick', key: 1, data1: String(c.x), data2: String(c.y), descriptor: '' });
  for (const key of tutor.keys) events.push({ ms: msAt(key.tS), event: 'KeyPress', key: 4, data1: String(key.code), data2: '0', descriptor: key.name });
  const syncMarkers: SyncMarker[] = [];
  for (const x of tutor.transactions) {
    if (x.ordinal % LOG_DATA_EVERY !== 0) continue;
    const at = msAt(x.clickS + rng.range(0.002, 0.008));
    syncMarkers.push({ transactionId: x.id, ordinal: x.ordinal, transactionSessionS: x.tS, trackerMs: at });
    events.push({ ms: at, event: 'LogData', key: 0, data1: LOG_DATA_NAME, data2: String(x.ordinal), descriptor: x.id });
  }
  events.push({ ms: msAt(plan.durationS + 0.5), event: 'URLEnd', key: 1024, data1: '0', data2: '0', descriptor: TUTOR_URL });
  const lastMs = ms[n - 1] ?? 0;
  events.push({ ms: lastMs + 1, event: 'ScreenRecStopped', key: 16384, data1: '0', data2: '0', descriptor: '' });
  events.sort((a, b) => a.ms - b.ms);

  const wall = easternWallClock(tracker.recordingStartWallUtcMs);
  const startOfDayMs = ((wall.hour * 60 + wall.minute) * 60 + wall.second) * 1000 + Math.floor(wall.micro / 1000);
  const exportWall = easternWallClock(easternToUtcMs(2026, 10, 26, 10, 5 + plan.index * 2, rng.int(0, 59)));
  const out = new LineWriter(path);
  const preamble = [
    'System Properties:',
    'Operating System:\t Microsoft Windows NT 6.2.9200.0',
    'System User Name:\t eyelab',
    'Machine Name:\t LAKESIDE-ET01',
    '',
    'Data properties:',
    '',
    `Recording name:\t Rec ${String(plan.index + 1).padStart(2, '0')}`,
    `Recording date:\t ${tobiiDate(wall)}`,
    `Recording time:\t ${tobiiTime(wall)}`,
    `Recording resolution:\t ${SCREEN_WIDTH} x ${SCREEN_HEIGHT}`,
    '',
    `Export date:\t ${tobiiDate(exportWall)}`,
    `Export time:\t ${tobiiTime(exportWall)}`,
    '',
    `Participant:\t ${plan.participantId}`,
    'Participant properties:',
    '',
    `Condition:\t ${plan.variant}`,
    `Glasses:\t ${traits.glasses ? 'glasses' : 'none'}`,
    '',
    'Filter settings:',
    '',
    'Eye: Average',
    'Validity: Normal',
    'Fixation filter: Tobii fixation filter',
    'Fixation radius: 35',
    '',
    `${TOBII_COLUMNS.join('\t')}\t`,
  ];
  for (const line of preamble) await out.meta(line);

  let e = 0;
  const media = `\t\t\t\t\t\tScreenRec\t0\t${SCREEN_WIDTH}\t${SCREEN_HEIGHT}\t0\t0\t`;
  const lostEye = `-${SCREEN_WIDTH}\t-${SCREEN_HEIGHT}\t-1\t-1\t-1\t-1\t${LOST}\t`;
  for (let k = 0; k < n; k++) {
    const sampleMs = ms[k] ?? 0;
    for (let ev = events[e]; ev && ev.ms <= sampleMs; ev = events[++e]) await out.row(eventRow(ev));
    const micro = Math.round(us[k] ?? 0);
    out.int(sampleMs);
    out.byte(TAB);
    out.put(clockOfDay(startOfDayMs + sampleMs));
    out.byte(TAB);
    out.put(clockOfDay(Math.floor(micro / 1000)));
    out.byte(TAB);
    out.int(k + 1);
    out.byte(TAB);
    for (let side = 0; side < 2; side++) {
      const i = 2 * k + side;
      if (valid[i] === LOST) {
        out.put(lostEye);
        continue;
      }
      out.int(eyeX[i] ?? 0);
      out.byte(TAB);
      out.int(eyeY[i] ?? 0);
      out.byte(TAB);
      out.fixed(cam[2 * i] ?? 0, 3);
      out.byte(TAB);
      out.fixed(cam[2 * i + 1] ?? 0, 3);
      out.byte(TAB);
      out.fixed(distance[i] ?? 0, 1);
      out.byte(TAB);
      out.fixed(pupil[i] ?? 0, 2);
      out.put('\t0\t');
    }
    const tracked = valid[2 * k] !== LOST || valid[2 * k + 1] !== LOST;
    const x = tracked ? (gx[k] ?? 0) : 0;
    const y = tracked ? (gy[k] ?? 0) : 0;
    const fixation = fixIndex[k] ?? 0;
    if (fixation > 0) out.int(fixation);
    out.byte(TAB);
    out.int(x);
    out.byte(TAB);
    out.int(y);
    out.put(media);
    if (fixation > 0) {
      out.int(fixX[k] ?? 0);
      out.byte(TAB);
      out.int(fixY[k] ?? 0);
      out.byte(TAB);
      out.int(fixDur[k] ?? 0);
      out.byte(TAB);
    } else {
      out.put('\t\t\t');
    }
    const aoi = tracked ? aoiAt(x, y) : null;
    if (aoi) {
      out.int(aoi.id);
      out.byte(TAB);
      out.put(aoi.name);
      out.put('\t\t');
    } else {
      out.put('\t\t\t');
    }
    out.int(x);
    out.byte(TAB);
    out.int(y);
    out.byte(TAB);
    out.int(micro);
    out.byte(TAB);
    out.int(tracker.counterBaseUs + micro);
    out.byte(TAB);
    out.endRow();
    await out.maybeFlush();
  }
  for (let ev = events[e]; ev; ev = events[++e]) await out.row(eventRow(ev));
  const bytes = await out.close();
  return { rows: out.rows, bytes, samples: n, events: events.length, syncMarkers };
}

