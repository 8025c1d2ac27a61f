import { ACTION_UNITS, BLENDSHAPE_NAMES, auPresenceColumn, blendshapeColumn, type ActionUnit, type BlendshapeName } from './featureSchema.js';

/**
 * Blendshape-to-action-unit proxies (docs/face.md): for the FACS action units whose movement one
 * MediaPipe blendshape (or its left/right pair) describes directly, the blendshape score stands
 * in for the AU. The score goes into `auXX_presence`, never `auXX_intensity`: it is an
 * uncalibrated activation in [0, 1], not a FACS A–E intensity, and it is not a probability either,
 * so it ranks frames within a stream but is not comparable in absolute value with OpenFace or
 * Affectiva. A bilateral AU takes the larger side, so a one-sided action still counts.
 */
export interface AuProxy {
  readonly au: ActionUnit;
  readonly blendshapes: readonly BlendshapeName[];
  /** What the blendshape describes (ARKit's definition) against what the AU is (FACS). */
  readonly rationale: string;
}

export const AU_PROXIES: readonly AuProxy[] = [
  { au: 1, blendshapes: ['browInnerUp'], rationale: 'inner brow raised (frontalis, pars medialis)' },
  { au: 2, blendshapes: ['browOuterUpLeft', 'browOuterUpRight'], rationale: 'outer brow raised (frontalis, pars lateralis)' },
  { au: 4, blendshapes: ['browDownLeft', 'browDownRight'], rationale: 'brow lowered (corrugator, depressor supercilii); the blendshape does not separate drawing the brows together' },
  { au: 5, blendshapes: ['eyeWideLeft', 'eyeWideRight'], rationale: 'upper lid raised, eye widened (levator palpebrae superioris)' },
  { au: 6, blendshapes: ['cheekSquintLeft', 'cheekSquintRight'], rationale: 'cheek raised around and below the eye (orbicularis oculi, pars orbitalis)' },
  { au: 7, blendshapes: ['eyeSquintLeft', 'eyeSquintRight'], rationale: 'lids tightened, face contracted around the eye (orbicularis oculi, pars palpebralis)' },
  { au: 9, blendshapes: ['noseSneerLeft', 'noseSneerRight'], rationale: 'side of the nose raised, nose wrinkled (levator labii superioris alaeque nasi)' },
  { au: 10, blendshapes: ['mouthUpperUpLeft', 'mouthUpperUpRight'], rationale: 'upper lip raised (levator labii superioris)' },
  { au: 12, blendshapes: ['mouthSmileLeft', 'mouthSmileRight'], rationale: 'lip corners pulled up and back (zygomaticus major)' },
  { au: 14, blendshapes: ['mouthDimpleLeft', 'mouthDimpleRight'], rationale: 'lip corners pulled back, dimpling (buccinator)' },
  { au: 15, blendshapes: ['mouthFrownLeft', 'mouthFrownRight'], rationale: 'lip corners pulled down (depressor anguli oris)' },
  { au: 18, blendshapes: ['mouthPucker'], rationale: 'lips puckered (incisivii labii)' },
  { au: 20, blendshapes: ['mouthStretchLeft', 'mouthStretchRight'], rationale: 'lips stretched sideways (risorius)' },
  { au: 24, blendshapes: ['mouthPressLeft', 'mouthPressRight'], rationale: 'lower lip pressed up against the upper (orbicularis oris)' },
  { au: 26, blendshapes: ['jawOpen'], rationale: 'jaw dropped (masseter relaxed)' },
  { au: 45, blendshapes: ['eyeBlinkLeft', 'eyeBlinkRight'], rationale: 'eyelids closed, per frame, as OpenFace scores AU45 (a blink is a run of such frames)' },
];

/** Action units Weft's schema has that get no proxy, and why: shown in docs/face.md and provenance. */
export const AU_WITHOUT_PROXY: Readonly<Partial<Record<ActionUnit, string>>> = {
  17: 'chin raiser: mouthShrugLower moves the lower lip out, which AU17 causes but AU18 and AU24 also do',
  23: 'lip tightener: no blendshape narrows the red of the lips; mouthPress is AU24',
  25: 'lips part: follows from jawOpen, mouthClose and mouthLowerDown together, not from one score',
  28: 'lip suck: mouthRollLower/Upper roll the lips in but do not separate AU28 from AU24',
  43: 'eyes closed: a held eyeBlink; AU45 carries the per-frame closure',
};

const INDEX = new Map<string, number>(BLENDSHAPE_NAMES.map((name, i) => [name, i]));

function indexOf(name: BlendshapeName): number {
  const index = INDEX.get(name);
  if (index === undefined) throw new Error(`unknown blendshape ${name}`);
  return index;
}

/** Proxy scores of one frame from its 52 blendshape scores (MediaPipe order); NaN in, NaN out. */
export function auProxyScores(blendshapes: ArrayLike<number>): Map<ActionUnit, number> {
  const scores = new Map<ActionUnit, number>();
  for (const proxy of AU_PROXIES) {
    const values = proxy.blendshapes.map((name) => blendshapes[indexOf(name)] ?? Number.NaN);
    scores.set(proxy.au, values.some(Number.isNaN) ? Number.NaN : Math.max(...values));
  }
  return scores;
}

/** The same rule as SQL over the stored blendshape columns: `au01_presence` → expression. */
export function auProxyColumnExpressions(): ReadonlyMap<string, string> {
  const expressions = new Map<string, string>();
  for (const proxy of AU_PROXIES) {
    const columns = proxy.blendshapes.map(blendshapeColumn);
    expressions.set(auPresenceColumn(proxy.au), columns.length === 1 ? (columns[0] as string) : `greatest(${columns.join(', ')})`);
  }
  return expressions;
}

/** Recorded with every stream that carries proxies, so a reader of the data sees the rule. */
export function auProxyProvenance(): Record<string, unknown> {
  return {
    column: 'auXX_presence (auXX_intensity stays empty)',
    scale: 'uncalibrated blendshape activation in [0, 1]: ranks frames within a stream; not a FACS intensity, not a probability',
    combine: 'larger of the left and right blendshape',
    proxies: Object.fromEntries(AU_PROXIES.map((p) => [auPresenceColumn(p.au), p.blendshapes])),
    without_proxy: Object.fromEntries(ACTION_UNITS.filter((au) => !AU_PROXIES.some((p) => p.au === au)).map((au) => [`AU${au}`, AU_WITHOUT_PROXY[au] ?? 'no blendshape describes it'])),
    reference: 'docs/face.md',
  };
}
