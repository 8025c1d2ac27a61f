/**
 * Writes Weft's demo study: a seeded simulation of six students in a linear-equations lesson,
 * recorded by a tutor log (DataShop), a webcam (Weft face CSV), an eye tracker (Tobii Studio 2
 * All-Data + EMDAT segments), two BROMP observers, a REDCap consent export and an import
 * manifest, plus demo-truth.json with the simulation's ground truth.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { observeAffect } from './bromp.js';
import { isoUtc } from './calendar.js';
import { consentRecords } from './consent.js';
import { FORMAT, type DemoFile } from './files.js';
import { buildLesson } from './lesson.js';
import { simulateSession } from './session.js';
import { LESSON_ID, STUDY_NAME, VARIANTS, planStudy, type VariantId } from './study.js';
import { buildTruth, type SessionFiles } from './truth.js';
import { writeAnnotations } from './writers/annotations.js';
import { writeConsent } from './writers/consent.js';
import { writeDatashop } from './writers/datashop.js';
import { writeFace } from './writers/face.js';
import { writeManifest, type ManifestEntry } from './writers/manifest.js';
import { writeSegments } from './writers/segments.js';
import { writeTobii, type SyncMarker } from './writers/tobii.js';

export type { DemoFile, DemoFileKind, DemoFormat } from './files.js';
export { DEMO_TIME_ZONE } from './calendar.js';

export const DEFAULT_SEED = 20261123;
export const DEFAULT_PARTICIPANTS = 6;
export const DEFAULT_MINUTES = 10;

export const DEMO_PATHS = {
  manifest: 'manifest.csv',
  truth: 'demo-truth.json',
  tutorLog: 'tutor/datashop_tx_All_Data.txt',
  annotations: 'annotations/bromp_affect.csv',
  consent: `consent/${STUDY_NAME}_DATA_2026-10-26_0912.csv`,
  face: (participant: string, session: string): string => `face/${participant}_${session}_face.csv`,
  tobii: (participant: string): string => `eyetracking/${participant}-All-Data.tsv`,
  segments: (participant: string): string => `eyetracking/${participant}.seg`,
} as const;

export interface DemoOptions {
  readonly seed?: number;
  readonly participants?: number;
  /** Nominal session length; each session lasts 90–110 % of it. */
  readonly minutes?: number;
}

export interface DemoSession {
  readonly participantId: string;
  readonly sessionId: string;
  readonly variant: VariantId;
  readonly variantLabel: string;
  /** ISO-8601 UTC instant of session time 0. */
  readonly sessionStart: string;
  readonly durationS: number;
  readonly transactions: number;
}

export interface DemoManifest {
  readonly outDir: string;
  readonly seed: number;
  readonly participants: number;
  readonly minutes: number;
  readonly sessions: readonly DemoSession[];
  readonly files: readonly DemoFile[];
  readonly totalBytes: number;
}

export async function generateDemo(outDir: string, options: DemoOptions = {}): Promise<DemoManifest> {
  const seed = options.seed ?? DEFAULT_SEED;
  const participants = options.participants ?? DEFAULT_PARTICIPANTS;
  const minutes = options.minutes ?? DEFAULT_MINUTES;
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (!Number.isInteger(participants) || participants < 1 || participants > 99) {
    throw new RangeError(`participants must be an integer from 1 to 99, got ${participants}`);
  }
  if (!Number.isFinite(minutes) || minutes < 0.5 || minutes > 120) {
    throw new RangeError(`minutes must be between 0.5 and 120, got ${minutes}`);
  }

  for (const dir of ['tutor', 'face', 'eyetracking', 'annotations', 'consent']) {
    await mkdir(join(outDir, dir), { recursive: true });
  }
  const plans = planStudy(seed, participants, minutes);
  const lessons = { A: buildLesson(seed, 'A'), B: buildLesson(seed, 'B') } as const;
  const worlds = plans.map((plan) => simulateSession(seed, plan, lessons[plan.variant]));
  const files: DemoFile[] = [];
  const manifest: ManifestEntry[] = [];

  const records = consentRecords(plans, seed);
  const consent = await writeConsent(join(outDir, DEMO_PATHS.consent), records);
  files.push({ path: DEMO_PATHS.consent, kind: 'consent', format: FORMAT.consent, participantId: null, sessionId: null, ...consent });
  manifest.push({ file: DEMO_PATHS.consent, format: FORMAT.consent });

  const tutor = await writeDatashop(join(outDir, DEMO_PATHS.tutorLog), worlds);
  files.push({ path: DEMO_PATHS.tutorLog, kind: 'tutor-log', format: FORMAT.datashop, participantId: null, sessionId: null, ...tutor });
  manifest.push({ file: DEMO_PATHS.tutorLog, format: FORMAT.datashop });

  const sessionFiles: SessionFiles[] = [];
  const markers: (readonly SyncMarker[])[] = [];
  for (const world of worlds) {
    const { participantId, sessionId, variant } = world.plan;
    const sessionStart = isoUtc(world.plan.sessionStartUtcMs);
    const paths: SessionFiles = {
      face: DEMO_PATHS.face(participantId, sessionId),
      tobii: DEMO_PATHS.tobii(participantId),
      segments: DEMO_PATHS.segments(participantId),
    };
    sessionFiles.push(paths);
    const common = { variant, lesson: LESSON_ID, sessionStart };

    const face = await writeFace(join(outDir, paths.face), world, seed);
    files.push({ path: paths.face, kind: 'face', format: FORMAT.face, participantId, sessionId, ...face });
    manifest.push({
      file: paths.face, format: FORMAT.face, participantId, sessionId, ...common,
      clockOffsetS: world.plan.videoOffsetS.toFixed(3),
    });

    const tobii = await writeTobii(join(outDir, paths.tobii), world, seed);
    markers.push(tobii.syncMarkers);
    files.push({ path: paths.tobii, kind: 'eye-tracking', format: FORMAT.tobii, participantId, sessionId, rows: tobii.rows, bytes: tobii.bytes });
    manifest.push({ file: paths.tobii, format: FORMAT.tobii, sessionId, ...common });

    const segments = await writeSegments(join(outDir, paths.segments), world);
    files.push({ path: paths.segments, kind: 'segments', format: FORMAT.segments, participantId, sessionId, ...segments });
    // EMDAT segments are on the eye tracker's recording clock, which starts where the Tobii header
    // says it does: the same offset a lab would read off that header.
    const recordingStartS = (world.plan.tracker.recordingStartWallUtcMs - world.plan.sessionStartUtcMs) / 1000;
    manifest.push({ file: paths.segments, format: FORMAT.segments, participantId, sessionId, ...common, clockOffsetS: recordingStartS.toFixed(3) });
  }

  const observations = observeAffect(worlds, seed);
  const annotations = await writeAnnotations(join(outDir, DEMO_PATHS.annotations), observations);
  files.push({ path: DEMO_PATHS.annotations, kind: 'annotations', format: FORMAT.annotations, participantId: null, sessionId: null, ...annotations });
  manifest.push({ file: DEMO_PATHS.annotations, format: FORMAT.annotations });

  const written = await writeManifest(join(outDir, DEMO_PATHS.manifest), manifest);
  files.push({ path: DEMO_PATHS.manifest, kind: 'manifest', format: FORMAT.manifest, participantId: null, sessionId: null, ...written });

  const truth = `${JSON.stringify(buildTruth(seed, minutes, worlds, sessionFiles, markers, observations), null, 1)}\n`;
  await writeFile(join(outDir, DEMO_PATHS.truth), truth, 'utf8');
  files.push({
    path: DEMO_PATHS.truth, kind: 'truth', format: null, participantId: null, sessionId: null,
    rows: 0, bytes: Buffer.byteLength(truth, 'utf8'),
  });

  return {
    outDir,
    seed,
    participants,
    minutes,
    sessions: worlds.map((w) => ({
      participantId: w.plan.participantId,
      sessionId: w.plan.sessionId,
      variant: w.plan.variant,
      variantLabel: VARIANTS[w.plan.variant].label,
      sessionStart: isoUtc(w.plan.sessionStartUtcMs),
      durationS: w.plan.durationS,
      transactions: w.tutor.transactions.length,
    })),
    files,
    totalBytes: files.reduce((sum, f) => sum + f.bytes, 0),
  };
}
