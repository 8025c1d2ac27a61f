/**
 * Where the student looks: a fixation–saccade sequence over the tutor's screen regions on
 * session time. The eyes reach a button just before the hand clicks it, read the problem when
 * it appears and a hint when it is shown, and otherwise wander by affect: confusion makes
 * fixations longer and more spread over the screen, frustration short and jumpy, boredom
 * drift off the task areas.
 */
import { IntervalCursor, type Behaviour } from './behaviour.js';
import { BORED, CONCENTRATING, CONFUSED, FRUSTRATED, type LatentAffect } from './latent.js';
import { clamp, type Rng } from './random.js';
import { AOI, SCREEN_HEIGHT, SCREEN_WIDTH, doneButton, fieldCentre, hintButton, rowY, type Point } from './screen.js';
import type { TutorRun } from './tutor.js';

export interface Fixation {
  readonly startS: number;
  readonly endS: number;
  readonly x: number;
  readonly y: number;
  /** Standard deviation of the eye's drift around the fixation point, pixels. */
  readonly spreadPx: number;
}

const FIXATION_MEDIAN_S = [0.24, 0.34, 0.2, 0.31];
const FIXATION_SPREAD_PX = [7, 13, 9, 10];
const TARGET_SPREAD = [1, 1.6, 1.2, 1.3];
const HINT_READING_FIXATIONS: readonly (readonly [number, number])[] = [[4, 7], [5, 8], [0, 2], [2, 4]];

/** Relative weights of: current row, problem, another row, hint window, buttons, skillometer, off-task. */
function regionWeights(state: number, hintVisible: boolean): number[] {
  switch (state) {
    case CONFUSED: return [0.3, 0.22, 0.17, hintVisible ? 0.18 : 0.06, 0.07, 0.05, 0.04];
    case FRUSTRATED: return [0.4, 0.1, 0.08, hintVisible ? 0.12 : 0.05, 0.17, 0.04, 0.1];
    case BORED: return [0.22, 0.08, 0.1, 0.04, 0.03, 0.1, 0.43];
    default: return [0.55, 0.18, 0.12, hintVisible ? 0.1 : 0.02, 0.03, 0.02, 0.02];
  }
}

function pickTarget(rng: Rng, state: number, row: number, hintVisible: boolean): Point {
  const f = TARGET_SPREAD[state] ?? 1;
  switch (rng.weightedIndex(regionWeights(state, hintVisible))) {
    case 0: return [clamp(rng.normal(520, 110 * f), 60, 800), rowY(row) + rng.normal(0, 10 * f)];
    case 1: return [rng.range(150, 1000), rng.normal(120, 10)];
    case 2: {
      let other = rng.int(1, 3);
      if (other === row) other = (other % 3) + 1;
      return [clamp(rng.normal(450, 150 * f), 60, 800), rowY(other) + rng.normal(0, 10 * f)];
    }
    case 3: return [rng.range(AOI.hints.x0 + 20, AOI.hints.x1 - 20), rng.range(AOI.hints.y0 + 20, AOI.hints.y1 - 20)];
    case 4: {
      const b = rng.chance(0.6) ? hintButton : doneButton;
      return [b[0] + rng.normal(0, 12), b[1] + rng.normal(0, 6)];
    }
    case 5: return [rng.range(AOI.skills.x0 + 20, AOI.skills.x1 - 20), rng.range(AOI.skills.y0 + 20, AOI.skills.y1 - 20)];
    default:
      switch (rng.int(0, 3)) {
        case 0: return [rng.range(60, 800), rng.range(800, 1000)];
        case 1: return [rng.range(0, SCREEN_WIDTH), rng.range(5, 55)];
        case 2: return [rng.range(2, 35), rng.range(100, 1000)];
        default: return [rng.range(824, 856), rng.range(200, 900)];
      }
  }
}

export function simulateGaze(
  latent: LatentAffect,
  tutor: TutorRun,
  behaviour: Behaviour,
  fromS: number,
  toS: number,
  rng: Rng,
): Fixation[] {
  const fixations: Fixation[] = [];
  const lookAways = new IntervalCursor(behaviour.lookAways);
  const { clicks, transactions: txs, visits } = tutor;
  const queue: Point[] = [];
  let clickIdx = 0;
  let txIdx = 0;
  let visitIdx = 0;
  let hintStep: string | null = null;
  let previous: Point = [SCREEN_WIDTH / 2, SCREEN_HEIGHT / 2];
  let t = fromS;

  while (t < toS) {
    const away = lookAways.at(t);
    if (away) {
      t = away.endS + rng.range(0.03, 0.12);
      continue;
    }
    const state = latent.stateAt(t);
    for (; txIdx < txs.length && (txs[txIdx]?.clickS ?? Infinity) <= t; txIdx++) {
      const tx = txs[txIdx];
      if (!tx) continue;
      const key = `${tx.problem.name}|${tx.step.name}`;
      if (tx.outcome === 'HINT') {
        hintStep = key;
        queue.length = 0;
        const [lo, hi] = HINT_READING_FIXATIONS[state] ?? [3, 5];
        const n = rng.int(lo, hi);
        for (let i = 0; i < n; i++) {
          const line = Math.floor(i / 3);
          queue.push([890 + (i % 3) * 110 + rng.normal(0, 15), 240 + 26 * line + rng.normal(0, 5)]);
        }
      } else if (tx.outcome === 'INCORRECT') {
        const field = fieldCentre(tx.step.row);
        queue.unshift([field[0] + rng.normal(0, 30), field[1] + rng.normal(0, 6)]);
      } else if (hintStep === key) {
        hintStep = null;
      }
    }
    for (; visitIdx < visits.length && (visits[visitIdx]?.startS ?? Infinity) <= t; visitIdx++) {
      const n = rng.int(3, 6);
      for (let i = 0; i < n; i++) queue.push([180 + (i * 760) / n + rng.normal(0, 20), 118 + rng.normal(0, 6)]);
    }
    while (clickIdx < clicks.length && (clicks[clickIdx]?.tS ?? Infinity) < t) clickIdx++;
    const nextClick = clicks[clickIdx];
    const nextTx = txs[txIdx];
    const row = nextTx && nextTx.step.row > 0 ? nextTx.step.row : 1;

    let target: Point;
    let duration: number;
    let forClick = false;
    if (nextClick && nextClick.tS - t < 0.6) {
      target = [nextClick.x + rng.normal(0, 8), nextClick.y + rng.normal(0, 5)];
      duration = nextClick.tS - t + rng.range(0.08, 0.3);
      forClick = true;
      clickIdx++;
    } else if (queue.length > 0) {
      target = queue.shift() ?? previous;
      duration = rng.lognormal(0.22 * (state === CONFUSED ? 1.3 : 1), 0.35);
    } else {
      target = pickTarget(rng, state, row, hintStep !== null);
      duration = rng.lognormal(FIXATION_MEDIAN_S[state] ?? 0.25, 0.42);
    }
    duration = clamp(duration, 0.08, state === BORED ? 2.5 : 1.6);
    const amplitude = Math.hypot(target[0] - previous[0], target[1] - previous[1]);
    const saccade = amplitude < 25 ? 0.017 : 0.02 + amplitude * 0.00005;
    const startS = t + saccade;
    let endS = startS + duration;
    const nextAway = lookAways.next(t);
    if (nextAway && endS > nextAway.startS) endS = nextAway.startS;
    if (!forClick && nextClick && endS > nextClick.tS - 0.3) endS = Math.max(startS + 0.08, nextClick.tS - 0.45);
    if (endS - startS >= 0.05) {
      fixations.push({
        startS,
        endS,
        x: target[0],
        y: target[1],
        spreadPx: FIXATION_SPREAD_PX[state] ?? FIXATION_SPREAD_PX[CONCENTRATING] ?? 7,
      });
      previous = target;
    }
    t = Math.max(endS, startS);
  }
  return fixations;
}
