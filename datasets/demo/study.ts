/**
 * The demo study's design: who takes part, in which lesson variant, when, and the hidden
 * person-level traits and device clocks that the simulation and the writers share.
 */
import { BLENDSHAPE_NAMES } from '../../src/core/face/featureSchema.js';
import { easternToUtcMs } from './calendar.js';
import { Rng } from './random.js';

export type VariantId = 'A' | 'B';

export interface VariantInfo {
  readonly label: string;
  /** DataShop `Condition Type`. */
  readonly conditionType: string;
}

export const VARIANTS: Readonly<Record<VariantId, VariantInfo>> = {
  A: { label: 'worked-examples', conditionType: 'experimental' },
  B: { label: 'problem-solving', conditionType: 'control' },
};

export const LESSON_ID = 'linear-equations';
export const LESSON_TITLE = 'Linear Equations';
export const SCHOOL = 'Lakeside Middle School';
export const STUDY_NAME = 'WeftDemoStudy';

/** Monday of the study week (2026-10-19, a mid-October school week, Eastern daylight time). */
const STUDY_WEEK = { year: 2026, month: 10, day: 19 } as const;
/** Class period start times (hour, minute) of the school day. */
const PERIODS: readonly (readonly [number, number])[] = [
  [8, 5], [8, 58], [9, 51], [10, 44], [12, 31], [13, 24], [14, 17],
];

export interface Traits {
  /** Probability-scale mastery of the lesson's skills before the session. */
  readonly skill: number;
  readonly confusionProneness: number;
  readonly frustrationProneness: number;
  readonly boredomProneness: number;
  /** Scales how strongly affect shows on the face. */
  readonly expressiveness: number;
  /** Per-blendshape multiplier of the population baseline, in BLENDSHAPE_NAMES order. */
  readonly blendshapeScale: readonly number[];
  readonly headYawDeg: number;
  readonly headPitchDeg: number;
  readonly headRollDeg: number;
  readonly blinkIntervalS: number;
  readonly lookAwayRate: number;
  readonly smileRate: number;
  readonly pupilBaselineMm: number;
  /** Right pupil minus left pupil. */
  readonly pupilAsymmetryMm: number;
  readonly eyeDistanceMm: number;
  readonly glasses: boolean;
  /** Residual calibration error of each eye, pixels. */
  readonly calibration: { readonly left: readonly [number, number]; readonly right: readonly [number, number] };
  readonly keystrokeS: number;
}

export interface TrackerClock {
  /** Eye-tracker PC wall clock minus the tutor server's clock at the recording start, seconds. */
  readonly clockOffsetS: number;
  /** Rate error of the eye tracker's clock: elapsed(tracker) = elapsed(server) * (1 + driftPpm / 1e6). */
  readonly driftPpm: number;
  /** Session time (server clock) at which the recording started; negative = before the session. */
  readonly recordingStartSessionS: number;
  /** What the eye-tracker PC's clock read at the recording start: a whole second, UTC ms. */
  readonly recordingStartWallUtcMs: number;
  /** Session time at which the recording stopped. */
  readonly recordingEndSessionS: number;
  /** The tracker's free-running microsecond counter at the recording start (AbsoluteMicroSecondTimestamp - MicroSecondTimestamp). */
  readonly counterBaseUs: number;
}

export interface SessionPlan {
  readonly index: number;
  readonly participantId: string;
  readonly sessionId: string;
  readonly variant: VariantId;
  readonly className: string;
  readonly sessionStartUtcMs: number;
  readonly durationS: number;
  /** Session time of the webcam video's media time 0; whole milliseconds. */
  readonly videoOffsetS: number;
  readonly videoEndSessionS: number;
  readonly tracker: TrackerClock;
  readonly traits: Traits;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

function drawTraits(rng: Rng): Traits {
  const scale = BLENDSHAPE_NAMES.map(() => rng.lognormal(1, 0.3));
  return {
    skill: rng.range(0.45, 0.85),
    confusionProneness: rng.lognormal(1, 0.25),
    frustrationProneness: rng.lognormal(1, 0.35),
    boredomProneness: rng.lognormal(1, 0.35),
    expressiveness: rng.range(0.75, 1.25),
    blendshapeScale: scale,
    headYawDeg: rng.normal(0, 4),
    headPitchDeg: rng.normal(7, 3),
    headRollDeg: rng.normal(0, 2),
    blinkIntervalS: rng.range(3, 4.4),
    lookAwayRate: rng.lognormal(1, 0.3),
    smileRate: rng.lognormal(1, 0.4),
    pupilBaselineMm: rng.range(3.0, 3.7),
    pupilAsymmetryMm: rng.normal(0, 0.06),
    eyeDistanceMm: rng.range(570, 660),
    glasses: rng.chance(0.35),
    calibration: {
      left: [rng.normal(0, 9), rng.normal(0, 9)],
      right: [rng.normal(0, 9), rng.normal(0, 9)],
    },
    keystrokeS: rng.range(0.17, 0.3),
  };
}

/** Lays out `participants` sessions over the school week (Monday to Friday, then wrapping). */
export function planStudy(seed: number, participants: number, minutes: number): SessionPlan[] {
  const rng = Rng.stream(seed, 'plan');
  const periodsTaken = new Map<number, Set<number>>();
  const half = Math.ceil(participants / 2);
  const plans: SessionPlan[] = [];
  for (let i = 0; i < participants; i++) {
    const participantId = `P${pad2(i + 1)}`;
    const sessionId = `S${pad2(i + 1)}`;
    const variant: VariantId = i < half ? 'A' : 'B';
    const weekday = i % 5;
    const taken = periodsTaken.get(weekday) ?? new Set<number>();
    periodsTaken.set(weekday, taken);
    let period = rng.int(0, PERIODS.length - 1);
    while (taken.has(period) && taken.size < PERIODS.length) period = (period + 1) % PERIODS.length;
    taken.add(period);
    const [periodHour, periodMinute] = PERIODS[period] ?? [9, 0];
    const startMinute = periodMinute + rng.int(6, 14);
    const sessionStartUtcMs = easternToUtcMs(
      STUDY_WEEK.year, STUDY_WEEK.month, STUDY_WEEK.day + weekday,
      periodHour + Math.floor(startMinute / 60), startMinute % 60, rng.int(0, 59),
    );
    const durationS = Math.round(minutes * 60 * rng.range(0.9, 1.1) * 1000) / 1000;

    const clockOffsetS = (rng.chance(0.5) ? -1 : 1) * Math.round(rng.range(0.8, 2.2) * 1000) / 1000;
    const driftPpm = (rng.chance(0.5) ? -1 : 1) * Math.round(rng.range(20, 50) * 10) / 10;
    const leadS = rng.range(3, 8);
    const recordingStartWallUtcMs = Math.floor((sessionStartUtcMs + (clockOffsetS - leadS) * 1000) / 1000) * 1000;
    const recordingStartSessionS = (recordingStartWallUtcMs - sessionStartUtcMs) / 1000 - clockOffsetS;
    const tracker: TrackerClock = {
      clockOffsetS,
      driftPpm,
      recordingStartSessionS,
      recordingStartWallUtcMs,
      recordingEndSessionS: durationS + rng.range(2, 6),
      counterBaseUs: Math.round(rng.range(0.5, 12) * 86_400) * 1_000_000 + rng.int(0, 999_999),
    };
    const videoOffsetS = rng.int(2000, 6000) / 1000;
    plans.push({
      index: i,
      participantId,
      sessionId,
      variant,
      className: `Math 8 - Period ${period + 1}`,
      sessionStartUtcMs,
      durationS,
      videoOffsetS,
      videoEndSessionS: durationS + rng.range(1, 4),
      tracker,
      traits: drawTraits(Rng.stream(seed, participantId, 'traits')),
    });
  }
  return plans;
}

/** Session time (server clock, seconds) to the eye tracker's recording clock, microseconds. */
export function trackerMicros(tracker: TrackerClock, sessionS: number): number {
  return (sessionS - tracker.recordingStartSessionS) * (1 + tracker.driftPpm / 1e6) * 1e6;
}

/** The eye tracker's recording clock (microseconds) to session time (seconds). */
export function sessionFromTrackerMicros(tracker: TrackerClock, micros: number): number {
  return tracker.recordingStartSessionS + micros / 1e6 / (1 + tracker.driftPpm / 1e6);
}
