/**
 * The webcam's face-feature stream as `weft extract-face` would write it: 30 frames per second
 * on the video's media clock, MediaPipe blendshape scores and head pose per frame, empty
 * feature fields while the face is not found.
 */
import { BLENDSHAPE_NAMES, type BlendshapeName } from '../../../src/core/face/featureSchema.js';
import { WEFT_FACE_COLUMNS } from '../../../src/core/formats/weftFormats.js';
import { IntervalCursor, type Expression, type Interval, type LookAway } from '../behaviour.js';
import type { WriteResult } from '../files.js';
import { BORED, CONCENTRATING, CONFUSED, FRUSTRATED, STATE_COUNT } from '../latent.js';
import { LineWriter } from '../lineWriter.js';
import { Ar1, Rng, clamp } from '../random.js';
import { SCREEN_HEIGHT, SCREEN_WIDTH } from '../screen.js';
import type { SessionWorld } from '../session.js';

export const FACE_FPS = 30;

export const FACE_COLUMNS = WEFT_FACE_COLUMNS;

type Weights = Partial<Record<BlendshapeName, number>>;

/** Scores of a relaxed face looking at a screen below the camera, before per-person scaling. */
const BASELINE: Weights = {
  _neutral: 0.0001, browDownLeft: 0.03, browDownRight: 0.03, browInnerUp: 0.05, browOuterUpLeft: 0.012,
  browOuterUpRight: 0.012, cheekPuff: 0.0015, cheekSquintLeft: 0.0001, cheekSquintRight: 0.0001,
  eyeBlinkLeft: 0.07, eyeBlinkRight: 0.07, eyeSquintLeft: 0.14, eyeSquintRight: 0.13, eyeWideLeft: 0.012,
  eyeWideRight: 0.012, jawForward: 0.003, jawLeft: 0.0015, jawOpen: 0.025, jawRight: 0.0008, mouthClose: 0.012,
  mouthDimpleLeft: 0.012, mouthDimpleRight: 0.01, mouthFrownLeft: 0.003, mouthFrownRight: 0.003,
  mouthFunnel: 0.004, mouthLeft: 0.001, mouthLowerDownLeft: 0.02, mouthLowerDownRight: 0.02, mouthPressLeft: 0.05,
  mouthPressRight: 0.05, mouthPucker: 0.03, mouthRight: 0.001, mouthRollLower: 0.02, mouthRollUpper: 0.012,
  mouthShrugLower: 0.05, mouthShrugUpper: 0.02, mouthSmileLeft: 0.006, mouthSmileRight: 0.006,
  mouthStretchLeft: 0.01, mouthStretchRight: 0.01, mouthUpperUpLeft: 0.01, mouthUpperUpRight: 0.01,
  noseSneerLeft: 0.00002, noseSneerRight: 0.00002,
};
const DEFAULT_BASELINE = 0.002;
const COMMA = 0x2c;

/** Added at full expression of each state (FACS: confusion AU4+AU7; frustration AU1+2, AU14, AU23/24, AU15). */
const STATE_EFFECTS: Readonly<Record<number, Weights>> = {
  [CONCENTRATING]: { browDownLeft: 0.04, browDownRight: 0.04, eyeSquintLeft: 0.03, eyeSquintRight: 0.03, mouthPressLeft: 0.03, mouthPressRight: 0.03 },
  [CONFUSED]: {
    browDownLeft: 0.32, browDownRight: 0.3, eyeSquintLeft: 0.2, eyeSquintRight: 0.18, browInnerUp: 0.03,
    mouthPressLeft: 0.05, mouthPressRight: 0.05, mouthRollLower: 0.03, noseSneerLeft: 0.01, noseSneerRight: 0.01,
  },
  [FRUSTRATED]: {
    browInnerUp: 0.26, browOuterUpLeft: 0.18, browOuterUpRight: 0.17, mouthPressLeft: 0.22, mouthPressRight: 0.21,
    mouthFrownLeft: 0.16, mouthFrownRight: 0.15, mouthDimpleLeft: 0.14, mouthDimpleRight: 0.13, mouthRollLower: 0.05,
    jawForward: 0.02, browDownLeft: 0.06, browDownRight: 0.06,
  },
  [BORED]: {
    eyeBlinkLeft: 0.13, eyeBlinkRight: 0.13, eyeSquintLeft: -0.03, eyeSquintRight: -0.03, jawOpen: 0.02,
    mouthPressLeft: -0.02, mouthPressRight: -0.02, mouthShrugLower: 0.03,
  },
};

const SMILE: Weights = {
  mouthSmileLeft: 0.65, mouthSmileRight: 0.62, cheekSquintLeft: 0.35, cheekSquintRight: 0.33, eyeSquintLeft: 0.15,
  eyeSquintRight: 0.15, mouthDimpleLeft: 0.05, mouthDimpleRight: 0.05, jawOpen: 0.04, mouthUpperUpLeft: 0.08,
  mouthUpperUpRight: 0.08, mouthPressLeft: -0.03, mouthPressRight: -0.03,
};
const YAWN: Weights = {
  jawOpen: 0.65, mouthFunnel: 0.15, eyeBlinkLeft: 0.35, eyeBlinkRight: 0.35, browInnerUp: 0.1,
  mouthStretchLeft: 0.2, mouthStretchRight: 0.2, mouthLowerDownLeft: 0.2, mouthLowerDownRight: 0.2,
};

const INDEX = new Map<string, number>(BLENDSHAPE_NAMES.map((name, i) => [name, i]));
const idx = (name: BlendshapeName): number => INDEX.get(name) ?? 0;

function toVector(weights: Weights, fill: number): Float64Array {
  const v = new Float64Array(BLENDSHAPE_NAMES.length).fill(fill);
  for (const [name, w] of Object.entries(weights)) {
    const i = INDEX.get(name);
    if (i !== undefined) v[i] = w;
  }
  return v;
}

/** Sparse list of (index, weight) pairs, for the per-frame loops. */
const sparse = (weights: Weights): [number, number][] =>
  Object.entries(weights).flatMap(([name, w]) => {
    const i = INDEX.get(name);
    return i === undefined ? [] : [[i, w] as [number, number]];
  });

const STATE_SPARSE = Array.from({ length: STATE_COUNT }, (_, s) => sparse(STATE_EFFECTS[s] ?? {}));
const SMILE_SPARSE = sparse(SMILE);
const YAWN_SPARSE = sparse(YAWN);

/** For each "…Right" blendshape with a "…Left" twin, the twin's index; -1 otherwise. */
const TWIN = BLENDSHAPE_NAMES.map((name) => (name.endsWith('Right') ? (INDEX.get(`${name.slice(0, -5)}Left`) ?? -1) : -1));

const smoothstep = (a: number, b: number, x: number): number => {
  const t = clamp((x - a) / (b - a), 0, 1);
  return t * t * (3 - 2 * t);
};

/** Rise over the first 20 % of an interval, hold, fall over the last 35 %. */
function plateau(item: Interval | null, tS: number): number {
  if (!item) return 0;
  const x = (tS - item.startS) / (item.endS - item.startS);
  return smoothstep(0, 0.2, x) * (1 - smoothstep(0.65, 1, x));
}

export async function writeFace(path: string, world: SessionWorld, seed: number): Promise<WriteResult> {
  const { plan, activation, behaviour } = world;
  const traits = plan.traits;
  const rng = Rng.stream(seed, plan.participantId, 'face');
  const dt = 1 / FACE_FPS;
  const base = toVector(BASELINE, DEFAULT_BASELINE);
  for (let k = 0; k < base.length; k++) base[k] = (base[k] ?? 0) * (traits.blendshapeScale[k] ?? 1);
  const noise = BLENDSHAPE_NAMES.map(() => new Ar1(rng, 0.5, dt));
  const modulation = Array.from({ length: STATE_COUNT }, () => new Ar1(rng, 4, dt));
  const yawDrift = new Ar1(rng, 4, dt);
  const pitchDrift = new Ar1(rng, 5, dt);
  const rollDrift = new Ar1(rng, 6, dt);
  const fidget = new Ar1(rng, 0.6, dt);
  const z = new Float64Array(BLENDSHAPE_NAMES.length);
  const v = new Float64Array(BLENDSHAPE_NAMES.length);

  const lookAways = new IntervalCursor(behaviour.lookAways);
  const blinks = new IntervalCursor<Expression>(behaviour.blinks);
  const smiles = new IntervalCursor<Expression>(behaviour.smiles);
  const yawns = new IntervalCursor(behaviour.yawns);
  const gaze = new IntervalCursor(world.fixations);
  let gazeX = SCREEN_WIDTH / 2;
  let gazeY = SCREEN_HEIGHT / 2;
  let lastAway: LookAway | null = null;

  const iBlinkL = idx('eyeBlinkLeft');
  const iBlinkR = idx('eyeBlinkRight');
  const iSquintL = idx('eyeSquintLeft');
  const iSquintR = idx('eyeSquintRight');
  const look = {
    downL: idx('eyeLookDownLeft'), downR: idx('eyeLookDownRight'), upL: idx('eyeLookUpLeft'), upR: idx('eyeLookUpRight'),
    inL: idx('eyeLookInLeft'), inR: idx('eyeLookInRight'), outL: idx('eyeLookOutLeft'), outR: idx('eyeLookOutRight'),
  };
  const absentRow = `,0${','.repeat(FACE_COLUMNS.length - 3)}`;

  const out = new LineWriter(path);
  await out.meta(FACE_COLUMNS.join(','));
  const frames = Math.floor((plan.videoEndSessionS - plan.videoOffsetS) * FACE_FPS);
  for (let frame = 0; frame < frames; frame++) {
    const mediaUs = Math.round((frame * 1e6) / FACE_FPS);
    const t = plan.videoOffsetS + mediaUs / 1e6;
    for (let k = 0; k < z.length; k++) z[k] = noise[k]?.next() ?? 0;
    for (let k = 0; k < z.length; k++) {
      const twin = TWIN[k] ?? -1;
      if (twin >= 0) z[k] = 0.85 * (z[twin] ?? 0) + 0.53 * (z[k] ?? 0);
    }
    const mods = modulation.map((m) => Math.exp(0.35 * m.next()));
    const yawNoise = yawDrift.next();
    const pitchNoise = pitchDrift.next();
    const rollNoise = rollDrift.next();
    const fidgetNoise = fidget.next();
    const fixation = gaze.at(t);
    if (fixation) {
      gazeX = fixation.x;
      gazeY = fixation.y;
    }

    const away = lookAways.at(t);
    if (away) {
      lastAway = away;
      out.int(frame);
      out.byte(COMMA);
      out.int(mediaUs);
      out.put(absentRow);
      out.endRow();
      await out.maybeFlush();
      continue;
    }
    const nextAway = lookAways.next(t);
    let turn = 0;
    if (nextAway && nextAway.startS - t < 0.35) turn = nextAway.direction * (1 - (nextAway.startS - t) / 0.35);
    else if (lastAway && t - lastAway.endS < 0.35) turn = lastAway.direction * (1 - (t - lastAway.endS) / 0.35);

    const act = [0, 0, 0, 0];
    for (let s = 0; s < STATE_COUNT; s++) act[s] = activation.at(s, t);
    for (let k = 0; k < v.length; k++) v[k] = (base[k] ?? 0) * Math.exp(0.4 * (z[k] ?? 0));
    for (let s = 0; s < STATE_COUNT; s++) {
      const a = (act[s] ?? 0) * (mods[s] ?? 1) * traits.expressiveness;
      if (a < 0.002) continue;
      for (const [k, w] of STATE_SPARSE[s] ?? []) v[k] = (v[k] ?? 0) + w * a;
    }
    const smile = smiles.at(t);
    const smileLevel = plateau(smile, t) * (smile?.amplitude ?? 0);
    if (smileLevel > 0) for (const [k, w] of SMILE_SPARSE) v[k] = (v[k] ?? 0) + w * smileLevel;
    const yawnLevel = plateau(yawns.at(t), t);
    if (yawnLevel > 0) for (const [k, w] of YAWN_SPARSE) v[k] = (v[k] ?? 0) + w * yawnLevel;

    const blink = blinks.at(t);
    if (blink) {
      const x = (t - blink.startS) / (blink.endS - blink.startS);
      const closure = Math.sin(Math.PI * x) * blink.amplitude;
      v[iBlinkL] = Math.max(v[iBlinkL] ?? 0, closure);
      v[iBlinkR] = Math.max(v[iBlinkR] ?? 0, closure * 0.97);
      v[iSquintL] = (v[iSquintL] ?? 0) + 0.1 * closure;
      v[iSquintR] = (v[iSquintR] ?? 0) + 0.1 * closure;
    }

    const dx = clamp((gazeX - SCREEN_WIDTH / 2) / (SCREEN_WIDTH / 2), -1.2, 1.2);
    const dy = clamp(gazeY / SCREEN_HEIGHT, -0.1, 1.2);
    const down = 0.12 + 0.33 * dy;
    v[look.downL] = down + 0.02 * (z[look.downL] ?? 0);
    v[look.downR] = down + 0.02 * (z[look.downR] ?? 0);
    v[look.upL] = Math.max(0, 0.06 - 0.08 * dy) + 0.01 * Math.abs(z[look.upL] ?? 0);
    v[look.upR] = Math.max(0, 0.06 - 0.08 * dy) + 0.01 * Math.abs(z[look.upR] ?? 0);
    const left = Math.max(0, -dx) * 0.38 + 0.03;
    const right = Math.max(0, dx) * 0.38 + 0.03;
    v[look.outL] = left;
    v[look.inR] = left * 0.9;
    v[look.inL] = right * 0.9;
    v[look.outR] = right;

    for (let k = 0; k < v.length; k++) {
      const value = v[k] ?? 0;
      v[k] = clamp(value + rng.normal(0, 0.04 * Math.abs(value) + 0.001), 0, 1);
    }
    const yaw = traits.headYawDeg + 2.5 * yawNoise + 0.1 * dx * 30 + 2.5 * (act[FRUSTRATED] ?? 0) * fidgetNoise + 28 * turn;
    const pitch = traits.headPitchDeg + 1.5 * pitchNoise + 2 * (act[CONFUSED] ?? 0) + 3 * (act[BORED] ?? 0) + 4 * dy;
    const roll = traits.headRollDeg + 1.2 * rollNoise + 4 * (act[BORED] ?? 0) * Math.sign(traits.headRollDeg || 1);
    const confidence = clamp(0.975 - 0.004 * Math.abs(yaw - traits.headYawDeg) - 0.05 * Math.abs(turn) + rng.normal(0, 0.006), 0.55, 0.999);
    out.int(frame);
    out.byte(COMMA);
    out.int(mediaUs);
    out.put(',1,');
    out.fixed(confidence, 3);
    out.byte(COMMA);
    out.fixed(yaw, 2);
    out.byte(COMMA);
    out.fixed(pitch, 2);
    out.byte(COMMA);
    out.fixed(roll, 2);
    for (let k = 0; k < v.length; k++) {
      out.byte(COMMA);
      out.fixed(v[k] ?? 0, 4);
    }
    out.endRow();
    await out.maybeFlush();
  }
  const bytes = await out.close();
  return { rows: out.rows, bytes };
}
