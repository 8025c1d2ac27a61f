/**
 * Two trained observers coding affect with BROMP (Ocumpaugh, Baker & Rodrigo) in 20-second
 * windows over the middle of each session. Each coder sees the window's dominant hidden state
 * but misreads it now and then, mostly as a neighbouring state (confusion for frustration,
 * concentration for boredom), so that their agreement is realistic rather than perfect.
 */
import { AFFECT_STATES, type AffectState } from './latent.js';
import { Rng } from './random.js';
import type { SessionWorld } from './session.js';

export const BROMP_WINDOW_S = 20;
export const ANNOTATORS = ['coder1', 'coder2'] as const;
export type Annotator = (typeof ANNOTATORS)[number];

export interface Observation {
  readonly sessionId: string;
  readonly participantId: string;
  readonly annotator: Annotator;
  readonly label: AffectState;
  readonly startS: number;
  readonly endS: number;
  readonly note: string;
  /** The window's dominant hidden state (ground truth, not written to the annotation file). */
  readonly truth: AffectState;
}

const ACCURACY: Readonly<Record<Annotator, number>> = { coder1: 0.91, coder2: 0.89 };

/** When a coder misreads a state, what they report instead (weights over AFFECT_STATES). */
const MISREAD: Readonly<Record<AffectState, readonly number[]>> = {
  CONCENTRATING: [0, 0.35, 0.1, 0.55],
  CONFUSED: [0.5, 0, 0.4, 0.1],
  FRUSTRATED: [0.25, 0.6, 0, 0.15],
  BORED: [0.7, 0.15, 0.15, 0],
};

/** The observed window of a session: minutes 2 to 7 of a 10-minute session, scaled down for shorter ones. */
export function observationSpan(durationS: number): readonly [number, number] {
  const start = Math.min(120, Math.ceil((0.2 * durationS) / BROMP_WINDOW_S) * BROMP_WINDOW_S);
  return [start, Math.min(420, 0.7 * durationS)];
}

export function observeAffect(worlds: readonly SessionWorld[], seed: number): Observation[] {
  const out: Observation[] = [];
  for (const world of worlds) {
    const { plan, latent } = world;
    const rngs = ANNOTATORS.map((a) => Rng.stream(seed, 'bromp', plan.sessionId, a));
    const [from, to] = observationSpan(plan.durationS);
    const windows: { startS: number; endS: number; truth: AffectState }[] = [];
    for (let start = from; start + BROMP_WINDOW_S <= to + 1e-9; start += BROMP_WINDOW_S) {
      const counts = [0, 0, 0, 0];
      for (let s = start; s < start + BROMP_WINDOW_S; s++) {
        const state = latent.stateAt(s);
        counts[state] = (counts[state] ?? 0) + 1;
      }
      const dominant = counts.indexOf(Math.max(...counts));
      windows.push({ startS: start, endS: start + BROMP_WINDOW_S, truth: AFFECT_STATES[dominant] ?? 'CONCENTRATING' });
    }
    ANNOTATORS.forEach((annotator, a) => {
      const rng = rngs[a] ?? Rng.stream(seed, 'bromp', plan.sessionId, annotator);
      for (const w of windows) {
        let label = w.truth;
        if (!rng.chance(ACCURACY[annotator])) label = AFFECT_STATES[rng.weightedIndex(MISREAD[w.truth])] ?? w.truth;
        const note = label === 'BORED' && rng.chance(0.3) ? 'talking to neighbour' : '';
        out.push({ sessionId: plan.sessionId, participantId: plan.participantId, annotator, label, startS: w.startS, endS: w.endS, note, truth: w.truth });
      }
    });
  }
  return out;
}

/** Cohen's kappa of two equally long label sequences. */
export function cohensKappa(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  if (n === 0) return Number.NaN;
  const labels = [...new Set([...a, ...b])];
  let agree = 0;
  for (let i = 0; i < n; i++) if (a[i] === b[i]) agree++;
  let expected = 0;
  for (const label of labels) {
    const pa = a.slice(0, n).filter((x) => x === label).length / n;
    const pb = b.slice(0, n).filter((x) => x === label).length / n;
    expected += pa * pb;
  }
  const observed = agree / n;
  return expected === 1 ? 1 : (observed - expected) / (1 - expected);
}
