import { open, mkdir } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { createClient, type WeftClient } from '../../core/api/client.js';
import type { EventSink } from '../../core/api/events.js';
import { createInProcessTransport } from '../../core/api/inProcess.js';
import type { ImportSummary } from '../../core/api/schemas.js';
import { WeftError } from '../../core/errors.js';
import type { ExtractionOptions } from '../../core/face/extraction.js';
import type { DataBasis } from '../../core/study/settings.js';
import type { Study } from '../store/study.js';
import { Workspace } from '../workspace.js';
import { resolveFaceModel, sha256OfFile, type VerifiedModel } from './model.js';
import type { ExtractionPageHost } from './pageHost.js';
import { extractionProvenance } from './provenance.js';
import { applyRawVideoPolicy, type RawVideoOutcome } from './rawVideoPolicy.js';
import { checkFaceConsent, registerFaceStream, resolveFaceTarget, type FaceStreamTarget, type ResolvedTarget } from './register.js';
import { extractFaceFeatures, type FaceExtractionResult } from './runner.js';

export interface FaceJobRequest extends FaceStreamTarget {
  readonly studyDir: string;
  readonly videoPath: string;
  readonly actor: string;
  readonly landmarks?: boolean;
  /** The face CSV to write; by default `<study>-sources/face/<video>.<sha8>.face.csv`. */
  readonly outPath?: string;
  readonly modelPath?: string;
  readonly resume?: boolean;
  readonly options?: Partial<Omit<ExtractionOptions, 'landmarks'>>;
  readonly events?: EventSink;
  readonly signal?: AbortSignal;
  /** Where the extraction page runs; headless system Chromium by default. */
  readonly pageHost?: ExtractionPageHost;
}

export interface FaceJobResult {
  readonly extraction: FaceExtractionResult;
  readonly target: ResolvedTarget;
  readonly summary: ImportSummary;
  readonly streamIds: readonly number[];
  readonly rawVideo: RawVideoOutcome;
}

/** A still image (JPEG, PNG, WebP, GIF, BMP) rather than a video, by its first bytes. */
async function isImage(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(12);
    await handle.read(head, 0, 12, 0);
    return (head[0] === 0xff && head[1] === 0xd8) || head.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) || (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') || head.toString('latin1', 0, 3) === 'GIF' || head.toString('latin1', 0, 2) === 'BM';
  } finally {
    await handle.close();
  }
}

export function defaultFaceCsvPath(studyDir: string, videoPath: string, videoSha256: string): string {
  const stem = basename(videoPath, extname(videoPath));
  return join(`${resolve(studyDir)}-sources`, 'face', `${stem}.${videoSha256.slice(0, 8)}.face.csv`);
}

interface PreparedFaceJob {
  readonly model: VerifiedModel;
  readonly videoPath: string;
  readonly outPath: string;
  readonly target: ResolvedTarget;
  readonly landmarks: boolean;
}

interface VerifiedInputs {
  readonly model: VerifiedModel;
  readonly videoPath: string;
  readonly videoSha256: string;
}

/** The model and the video, checked before the study is even opened. */
async function verifyInputs(request: FaceJobRequest): Promise<VerifiedInputs> {
  const model = await resolveFaceModel(request.modelPath);
  const videoPath = resolve(request.videoPath);
  const videoSha256 = await sha256OfFile(videoPath).catch((error: unknown) => {
    throw new WeftError('NOT_FOUND', `Cannot read ${videoPath}: ${error instanceof Error ? error.message : String(error)}`, { location: { file: videoPath } });
  });
  return { model, videoPath, videoSha256 };
}

/** Whose face it is, on which clock, and whether they consented: settled before any work. */
async function prepare(client: WeftClient, basis: DataBasis, request: FaceJobRequest, { model, videoPath, videoSha256 }: VerifiedInputs): Promise<PreparedFaceJob> {
  const landmarks = request.landmarks === true;
  const target = await resolveFaceTarget(client, videoSha256, request);
  await checkFaceConsent(client, basis, target.participantId, landmarks);
  const outPath = resolve(request.outPath ?? defaultFaceCsvPath(request.studyDir, videoPath, videoSha256));
  return { model, videoPath, outPath, target, landmarks };
}

async function extract(prepared: PreparedFaceJob, request: FaceJobRequest): Promise<FaceExtractionResult> {
  await mkdir(dirname(prepared.outPath), { recursive: true });
  return extractFaceFeatures({
    videoPath: prepared.videoPath,
    input: (await isImage(prepared.videoPath)) ? 'image' : 'video',
    outPath: prepared.outPath,
    model: prepared.model,
    options: { ...request.options, landmarks: prepared.landmarks },
    ...(request.resume === undefined ? {} : { resume: request.resume }),
    ...(request.events === undefined ? {} : { events: request.events }),
    ...(request.signal === undefined ? {} : { signal: request.signal }),
    ...(request.pageHost === undefined ? {} : { pageHost: request.pageHost }),
  });
}

async function register(client: WeftClient, study: Study, request: FaceJobRequest, prepared: PreparedFaceJob, extraction: FaceExtractionResult): Promise<FaceJobResult> {
  const provenance = extractionProvenance(extraction, prepared.model, prepared.videoPath, prepared.target.clockSource);
  const registered = await registerFaceStream(client, study, request.actor, extraction.csvPath, prepared.target, provenance);
  const rawVideo = await applyRawVideoPolicy(study, request.actor, prepared.videoPath, registered.streamIds);
  return { extraction, target: prepared.target, summary: registered.summary, streamIds: registered.streamIds, rawVideo };
}

/**
 * `weft extract-face`: checks the model and the participant's consent, extracts the features
 * with the study closed (a long video must not lock the study), then imports the face CSV into
 * the session with the video's clock and records how it was made.
 */
export async function runFaceJob(request: FaceJobRequest): Promise<FaceJobResult> {
  const inputs = await verifyInputs(request);
  const before = await Workspace.open(request.studyDir, { actor: request.actor, readOnly: true });
  let prepared: PreparedFaceJob;
  try {
    const client = createClient(createInProcessTransport(before.handlers, before.hub, request.actor));
    prepared = await prepare(client, before.study.file.settings.data_basis, request, inputs);
  } finally {
    await before.close();
  }

  const extraction = await extract(prepared, request);

  const after = await Workspace.open(request.studyDir, { actor: request.actor, readOnly: false });
  let stopForwarding = (): void => undefined;
  try {
    const client = createClient(createInProcessTransport(after.handlers, after.hub, request.actor));
    const events = request.events;
    if (events !== undefined) stopForwarding = after.hub.subscribe((event) => events.emit(event.name, event.payload));
    return await register(client, after.study, request, prepared, extraction);
  } finally {
    stopForwarding();
    await after.close();
  }
}

/** The same job over a study that stays open (face.extract through the API), called through `client`. */
export async function runFaceJobInStudy(study: Study, client: WeftClient, request: Omit<FaceJobRequest, 'studyDir'>): Promise<FaceJobResult> {
  const input: FaceJobRequest = { ...request, studyDir: study.dir };
  const prepared = await prepare(client, study.file.settings.data_basis, input, await verifyInputs(input));
  const extraction = await extract(prepared, input);
  return register(client, study, input, prepared, extraction);
}
