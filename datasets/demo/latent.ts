/**
 * The hidden affect process that drives every modality: a one-second discrete-time Markov
 * chain over the four BROMP affective states whose transition rates depend on the person,
 * the lesson variant, the current step's difficulty, recent errors and time on task.
 */
import type { Rng } from './random.js';
import type { Traits, VariantId } from './study.js';

export const AFFECT_STATES = ['CONCENTRATING', 'CONFUSED', 'FRUSTRATED', 'BORED'] as const;
export type AffectState = (typeof AFFECT_STATES)[number];

export const CONCENTRATING = 0;
export const CONFUSED = 1;
export const FRUSTRATED = 2;
export const BORED = 3;
export const STATE_COUNT = AFFECT_STATES.length;

export interface AffectContext {
  /** Difficulty of the step being worked on, 0 (trivial) to 1 (hard). */
  readonly difficulty: number;
  /** Incorrect attempts in the last 30 seconds. */
  readonly recentErrors: number;
  /** Fraction of the session elapsed. */
  readonly progress: number;
}

export interface AffectSegment {
  readonly startS: number;
  readonly endS: number;
  readonly state: AffectState;
}

export const affectName = (index: number): AffectState => AFFECT_STATES[index] ?? 'CONCENTRATING';

export class LatentAffect {
  /** states[k] is the state during session second [k, k + 1). */
  private readonly states: number[] = [CONCENTRATING];

  constructor(
    private readonly rng: Rng,
    private readonly traits: Traits,
    private readonly variant: VariantId,
  ) {}

  /** Extends the chain so that every second up to `tS` is decided, using the context in force now. */
  advanceTo(tS: number, context: AffectContext): void {
    const last = Math.floor(tS);
    while (this.states.length <= last) this.step(context);
  }

  stateAt(tS: number): number {
    const k = Math.min(Math.max(Math.floor(tS), 0), this.states.length - 1);
    return this.states[k] ?? CONCENTRATING;
  }

  get seconds(): number {
    return this.states.length;
  }

  /** Maximal runs of one state, clipped to [0, endS]. */
  segments(endS: number): AffectSegment[] {
    const out: AffectSegment[] = [];
    let start = 0;
    const n = Math.min(this.states.length, Math.ceil(endS));
    for (let k = 1; k <= n; k++) {
      if (k === n || this.states[k] !== this.states[start]) {
        out.push({ startS: start, endS: Math.min(k, endS), state: affectName(this.states[start] ?? 0) });
        start = k;
      }
    }
    return out;
  }

  private step(context: AffectContext): void {
    const current = this.states[this.states.length - 1] ?? CONCENTRATING;
    const rates = this.rates(current, context);
    let total = 0;
    for (const r of rates) total += r;
    let next = current;
    if (total > 0 && this.rng.chance(1 - Math.exp(-total))) next = this.rng.weightedIndex(rates);
    this.states.push(next);
  }

  /** Per-second transition rates out of `from` to each state (0 for staying). */
  private rates(from: number, c: AffectContext): number[] {
    const t = this.traits;
    // Problem solving without worked examples (B) is harder: impasses come more often and
    // take longer to resolve.
    const hard = this.variant === 'B' ? 1.5 : 0.75;
    const resolve = this.variant === 'B' ? 0.85 : 1.3;
    const errors = Math.min(c.recentErrors, 4);
    const r = [0, 0, 0, 0];
    switch (from) {
      case CONCENTRATING:
        r[CONFUSED] = (1 / 70) * t.confusionProneness * (0.3 + 1.5 * c.difficulty) * (1 + 0.6 * errors) * hard;
        r[BORED] = (1 / 260) * t.boredomProneness * (1.4 - c.difficulty) * (0.5 + 1.2 * c.progress);
        r[FRUSTRATED] = (1 / 700) * t.frustrationProneness * (1 + errors);
        break;
      case CONFUSED:
        r[CONCENTRATING] = (1 / 24) * (0.5 + t.skill) * (1.2 - 0.4 * c.difficulty) * resolve;
        r[FRUSTRATED] = (1 / 80) * t.frustrationProneness * (1 + 0.7 * errors);
        r[BORED] = (1 / 300) * t.boredomProneness;
        break;
      case FRUSTRATED:
        r[CONCENTRATING] = 1 / 34;
        r[CONFUSED] = 1 / 45;
        r[BORED] = (1 / 70) * t.boredomProneness;
        break;
      case BORED:
        r[CONCENTRATING] = 1 / 32;
        r[CONFUSED] = 1 / 260;
        r[FRUSTRATED] = (1 / 400) * t.frustrationProneness;
        break;
    }
    return r;
  }
}

/**
 * How strongly each state is expressed over time: the state indicator smoothed with a fast
 * onset and a slower offset, so that signals ramp in and out over a second or two instead of
 * switching on the exact second the hidden state changes.
 */
export class AffectActivation {
  private readonly series: Float32Array[];
  private readonly count: number;

  constructor(
    latent: LatentAffect,
    private readonly startS: number,
    endS: number,
    private readonly stepS = 0.1,
    onsetS = 1.2,
    offsetS = 2.5,
  ) {
    this.count = Math.ceil((endS - startS) / stepS) + 2;
    this.series = Array.from({ length: STATE_COUNT }, () => new Float32Array(this.count));
    const level = [0, 0, 0, 0];
    level[latent.stateAt(startS)] = 1;
    const up = 1 - Math.exp(-stepS / onsetS);
    const down = 1 - Math.exp(-stepS / offsetS);
    for (let i = 0; i < this.count; i++) {
      const state = latent.stateAt(startS + i * stepS);
      for (let s = 0; s < STATE_COUNT; s++) {
        const target = s === state ? 1 : 0;
        const current = level[s] ?? 0;
        const next = current + (target - current) * (target > current ? up : down);
        level[s] = next;
        const arr = this.series[s];
        if (arr) arr[i] = next;
      }
    }
  }

  at(state: number, tS: number): number {
    const arr = this.series[state];
    if (!arr) return 0;
    const i = Math.min(Math.max(Math.round((tS - this.startS) / this.stepS), 0), this.count - 1);
    return arr[i] ?? 0;
  }
}
