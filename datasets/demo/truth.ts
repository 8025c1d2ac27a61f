/**
 * demo-truth.json: what the generator knows and the files only imply — the hidden affect
 * timeline, the devices' true clocks, every blink and glance away — so that tests of clock
 * alignment and of detectors can check their answers. Weft never imports it.
 */
import type { ClockModel } from '../../src/core/time.js';
import type { Observation } from './bromp.js';
import { isoUtc } from './calendar.js';
import { AFFECT_STATES, type AffectSegment, type AffectState } from './latent.js';
import type { SessionWorld } from './session.js';
import { VARIANTS, type VariantId, type VariantInfo } from './study.js';
import { FACE_FPS } from './writers/face.js';
import { LOG_DATA_EVERY, TOBII_SAMPLE_RATE_HZ, type SyncMarker } from './writers/tobii.js';

type Span = readonly [number, number];

export interface SessionTruth {
  readonly participantId: string;
  readonly sessionId: string;
  readonly variant: VariantId;
  readonly sessionStart: string;
  readonly durationS: number;
  readonly traits: {
    readonly skill: number;
    readonly confusionProneness: number;
    readonly frustrationProneness: number;
    readonly boredomProneness: number;
    readonly glasses: boolean;
  };
  /** Hidden state per second of session time, as runs. */
  readonly affect: readonly AffectSegment[];
  readonly affectShare: Readonly<Record<AffectState, number>>;
  readonly video: {
    readonly file: string;
    readonly fps: number;
    /** Session time of media time 0 (also the manifest's clock_offset_s). */
    readonly offsetS: number;
    readonly endSessionS: number;
  };
  readonly eyeTracker: {
    readonly file: string;
    readonly segmentsFile: string;
    readonly sampleRateHz: number;
    /** Eye-tracker PC clock minus tutor server clock at the recording start. */
    readonly clockOffsetS: number;
    /** Tracker clock rate error: tracker elapsed = server elapsed * (1 + driftPpm/1e6). */
    readonly driftPpm: number;
    /** True session time of Timestamp 0. */
    readonly recordingStartSessionS: number;
    readonly recordingEndSessionS: number;
    /** Recording date + time as the export's preamble states them (the tracker PC's clock). */
    readonly headerRecordingStart: string;
    /** Session time that reading the preamble at face value gives for Timestamp 0 (off by clockOffsetS). */
    readonly headerImpliedStartSessionS: number;
    /** Weft clock model taking MicroSecondTimestamp (µs) to session µs. */
    readonly clockModel: ClockModel;
    readonly logDataEvery: number;
    readonly syncMarkers: readonly SyncMarker[];
  };
  readonly tutor: {
    readonly transactions: number;
    /** Server-minus-click latency range, seconds: DataShop times lag the clicks by this. */
    readonly networkLatencyS: Span;
    /** Every transaction: server time, click time and the hidden state at the click. */
    readonly transactionTimes: readonly {
      readonly id: string;
      readonly ordinal: number;
      readonly tS: number;
      readonly clickS: number;
      readonly state: AffectState;
    }[];
    readonly problems: readonly {
      readonly section: string;
      readonly problem: string;
      readonly startS: number;
      readonly endS: number;
      readonly completed: boolean;
    }[];
  };
  readonly blinks: readonly Span[];
  readonly lookAways: readonly Span[];
  readonly smiles: readonly Span[];
  readonly yawns: readonly Span[];
  readonly brompWindows: readonly { readonly startS: number; readonly endS: number; readonly state: AffectState }[];
}

export interface DemoTruth {
  readonly generator: 'weft-demo';
  readonly formatVersion: 1;
  readonly seed: number;
  readonly minutes: number;
  readonly clock: string;
  readonly variants: Readonly<Record<VariantId, VariantInfo>>;
  readonly affectStates: readonly AffectState[];
  readonly sessions: readonly SessionTruth[];
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const span = (i: { startS: number; endS: number }): Span => [r3(i.startS), r3(i.endS)];

export interface SessionFiles {
  readonly face: string;
  readonly tobii: string;
  readonly segments: string;
}

export function buildTruth(
  seed: number,
  minutes: number,
  worlds: readonly SessionWorld[],
  files: readonly SessionFiles[],
  markers: readonly (readonly SyncMarker[])[],
  observations: readonly Observation[],
): DemoTruth {
  const sessions = worlds.map((world, i): SessionTruth => {
    const { plan, tutor, behaviour } = world;
    const { tracker } = plan;
    const affect = world.latent.segments(plan.durationS);
    const share = Object.fromEntries(AFFECT_STATES.map((s) => [s, 0])) as Record<AffectState, number>;
    for (const seg of affect) share[seg.state] += (seg.endS - seg.startS) / plan.durationS;
    for (const s of AFFECT_STATES) share[s] = r3(share[s]);
    const d = tracker.driftPpm / 1e6;
    const windows = observations.filter((o) => o.sessionId === plan.sessionId && o.annotator === 'coder1');
    const f = files[i];
    return {
      participantId: plan.participantId,
      sessionId: plan.sessionId,
      variant: plan.variant,
      sessionStart: isoUtc(plan.sessionStartUtcMs),
      durationS: plan.durationS,
      traits: {
        skill: r3(plan.traits.skill),
        confusionProneness: r3(plan.traits.confusionProneness),
        frustrationProneness: r3(plan.traits.frustrationProneness),
        boredomProneness: r3(plan.traits.boredomProneness),
        glasses: plan.traits.glasses,
      },
      affect,
      affectShare: share,
      video: { file: f?.face ?? '', fps: FACE_FPS, offsetS: plan.videoOffsetS, endSessionS: r3(plan.videoEndSessionS) },
      eyeTracker: {
        file: f?.tobii ?? '',
        segmentsFile: f?.segments ?? '',
        sampleRateHz: TOBII_SAMPLE_RATE_HZ,
        clockOffsetS: tracker.clockOffsetS,
        driftPpm: tracker.driftPpm,
        recordingStartSessionS: tracker.recordingStartSessionS,
        recordingEndSessionS: r3(tracker.recordingEndSessionS),
        headerRecordingStart: isoUtc(tracker.recordingStartWallUtcMs),
        headerImpliedStartSessionS: (tracker.recordingStartWallUtcMs - plan.sessionStartUtcMs) / 1000,
        clockModel: {
          offsetUs: Math.round(tracker.recordingStartSessionS * 1e6),
          driftPpm: (-d / (1 + d)) * 1e6,
          deviceOriginUs: 0,
        },
        logDataEvery: LOG_DATA_EVERY,
        syncMarkers: markers[i] ?? [],
      },
      tutor: {
        transactions: tutor.transactions.length,
        networkLatencyS: [0.02, 0.4],
        transactionTimes: tutor.transactions.map((x) => ({ id: x.id, ordinal: x.ordinal, tS: r3(x.tS), clickS: r3(x.clickS), state: x.state })),
        problems: tutor.visits.map((v) => ({
          section: v.section.name, problem: v.problem.name, startS: r3(v.startS), endS: r3(v.endS), completed: v.completed,
        })),
      },
      blinks: behaviour.blinks.map(span),
      lookAways: behaviour.lookAways.map(span),
      smiles: behaviour.smiles.map(span),
      yawns: behaviour.yawns.map(span),
      brompWindows: windows.map((w) => ({ startS: w.startS, endS: w.endS, state: w.truth })),
    };
  });
  return {
    generator: 'weft-demo',
    formatVersion: 1,
    seed,
    minutes,
    clock: 'All *S times are session seconds: seconds since the session\'s session_start on the tutor server\'s clock.',
    variants: VARIANTS,
    affectStates: AFFECT_STATES,
    sessions,
  };
}
