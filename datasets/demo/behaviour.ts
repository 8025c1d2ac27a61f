/**
 * Momentary behaviours that both the webcam and the eye tracker see: blinks, looking away
 * from the screen, smiles and yawns, on session time. Sharing them between the face and gaze
 * streams is what makes the streams line up once their clocks are aligned.
 */
import { BORED, CONFUSED, FRUSTRATED, type LatentAffect } from './latent.js';
import { clamp, type Rng } from './random.js';
import type { Traits } from './study.js';
import type { TutorRun } from './tutor.js';

export interface Interval {
  readonly startS: number;
  readonly endS: number;
}

export interface LookAway extends Interval {
  /** Which way the head turns: -1 to the camera's right, +1 to its left. */
  readonly direction: number;
}

export interface Expression extends Interval {
  /** Peak intensity, 0..1. */
  readonly amplitude: number;
}

export interface Behaviour {
  readonly blinks: readonly Expression[];
  readonly lookAways: readonly LookAway[];
  readonly smiles: readonly Expression[];
  readonly yawns: readonly Interval[];
}

/** Blink interval multiplier by state: concentration suppresses blinking, boredom and frustration raise it. */
const BLINK_INTERVAL = [1.15, 0.95, 0.8, 0.75];
const LOOK_AWAY_PER_MIN = [0.8, 1.2, 2.2, 4.5];
const SMILE_PER_MIN = [0.35, 0.12, 0.08, 0.25];

export function simulateBehaviour(
  latent: LatentAffect,
  traits: Traits,
  tutor: TutorRun,
  fromS: number,
  toS: number,
  rng: Rng,
): Behaviour {
  const clickTimes = tutor.clicks.map((c) => c.tS);
  const nearClick = (a: number, b: number): boolean => {
    let lo = 0;
    let hi = clickTimes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((clickTimes[mid] ?? 0) < a - 0.3) lo = mid + 1;
      else hi = mid;
    }
    return lo < clickTimes.length && (clickTimes[lo] ?? 0) <= b + 0.3;
  };

  const lookAways: LookAway[] = [];
  const stepS = 0.25;
  for (let t = fromS; t < toS; t += stepS) {
    const rate = (LOOK_AWAY_PER_MIN[latent.stateAt(t)] ?? 0.5) * traits.lookAwayRate;
    if (!rng.chance((rate / 60) * stepS)) continue;
    const dur = clamp(rng.lognormal(0.85, 0.55), 0.25, 4);
    if (nearClick(t, t + dur)) continue;
    lookAways.push({ startS: t, endS: t + dur, direction: rng.chance(0.5) ? -1 : 1 });
    t += dur + 1;
  }

  const blinks: Expression[] = [];
  for (let t = fromS + rng.range(0, 3); t < toS; ) {
    const dur = clamp(rng.lognormal(0.16, 0.25), 0.08, 0.4);
    blinks.push({ startS: t, endS: t + dur, amplitude: rng.range(0.7, 0.97) });
    const state = latent.stateAt(t);
    t += clamp(rng.lognormal(traits.blinkIntervalS * (BLINK_INTERVAL[state] ?? 1), 0.3), 1.5, 8);
  }

  const smiles: Expression[] = [];
  const addSmile = (at: number): void => {
    const dur = clamp(rng.lognormal(1.8, 0.35), 0.8, 4);
    const prev = smiles[smiles.length - 1];
    if (prev && prev.endS > at - 1) return;
    smiles.push({ startS: at, endS: at + dur, amplitude: rng.range(0.35, 0.85) });
  };
  const solved = tutor.transactions.filter((x) => x.step.kind === 'done').map((x) => x.clickS);
  let nextSolved = 0;
  const yawns: Interval[] = [];
  for (let t = fromS; t < toS; t += stepS) {
    const state = latent.stateAt(t);
    while (nextSolved < solved.length && (solved[nextSolved] ?? Infinity) <= t) {
      if (state !== FRUSTRATED && state !== CONFUSED && rng.chance(0.25 * traits.smileRate)) addSmile(t + rng.range(0.2, 0.8));
      nextSolved++;
    }
    if (rng.chance((((SMILE_PER_MIN[state] ?? 0.2) * traits.smileRate) / 60) * stepS)) addSmile(t);
    if (state === BORED && rng.chance((0.3 / 60) * stepS)) {
      const dur = rng.range(2.5, 4.5);
      yawns.push({ startS: t, endS: t + dur });
      t += dur;
    }
  }
  smiles.sort((a, b) => a.startS - b.startS);
  const separate: Expression[] = [];
  for (const smile of smiles) if (smile.startS >= (separate[separate.length - 1]?.endS ?? -Infinity)) separate.push(smile);
  return { blinks, lookAways, smiles: separate, yawns };
}

/** Walks a start-sorted, non-overlapping list of intervals with non-decreasing query times. */
export class IntervalCursor<T extends Interval> {
  private i = 0;

  constructor(private readonly items: readonly T[]) {}

  at(tS: number): T | null {
    while (this.i < this.items.length && (this.items[this.i]?.endS ?? Infinity) <= tS) this.i++;
    const item = this.items[this.i];
    return item && item.startS <= tS ? item : null;
  }

  /** The next interval starting after tS, if any. */
  next(tS: number): T | null {
    this.at(tS);
    for (let k = this.i; k < this.items.length; k++) {
      const item = this.items[k];
      if (item && item.startS > tS) return item;
    }
    return null;
  }
}
