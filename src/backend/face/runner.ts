import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { EventSink, JobPhase } from '../../core/api/events.js';
import { FACE_EXTRACTION_LABEL } from '../../core/api/faceSchemas.js';
import { WeftError } from '../../core/errors.js';
import { DEFAULT_EXTRACTION_OPTIONS, type ExtractionEvent, type ExtractionOptions, type ExtractionPlan } from '../../core/face/extraction.js';
import { conversionAdvice } from '../import/formats/mediaCodecs.js';
import { playwrightPageHost } from './browser.js';
import { startLoopbackServer } from './loopbackServer.js';
import type { ExtractionPageHost } from './pageHost.js';
import { sha256OfFile, type VerifiedModel } from './model.js';
import { ExtractionOutput, type RunIdentity } from './output.js';
import { RunOutcome } from './runOutcome.js';
import { extractionRendererDir } from './rendererDir.js';
import { installedVersion } from '../packageVersion.js';

export interface FaceExtractionRequest {
  /** A video (MP4/MOV, WebM), or a still image when `input` is 'image'. */
  readonly videoPath: string;
  readonly input?: 'video' | 'image';
  /** The Weft face CSV to write; the landmarks CSV, when asked for, goes beside it. */
  readonly outPath: string;
  readonly model: VerifiedModel;
  readonly options?: Partial<ExtractionOptions>;
  /** Continue an interrupted run from its checkpoint. */
  readonly resume?: boolean;
  readonly events?: EventSink;
  readonly signal?: AbortSignal;
  readonly rendererDir?: string;
  /** Longest silence from the page before the run is given up, milliseconds. */
  readonly stallTimeoutMs?: number;
  /** Where the page runs: headless system Chromium unless the host process brings its own (Electron). */
  readonly pageHost?: ExtractionPageHost;
}

export interface FaceExtractionResult {
  readonly csvPath: string;
  readonly landmarksPath: string | null;
  readonly videoSha256: string;
  readonly frames: number;
  /** Frames this run wrote (fewer than `frames` when it resumed). */
  readonly framesThisRun: number;
  readonly facesThisRun: number;
  readonly resumedFrom: number;
  readonly plan: ExtractionPlan;
  /** The browser the page ran in, for provenance. */
  readonly browser: string;
  readonly tasksVision: string;
  readonly options: ExtractionOptions;
  readonly elapsedMs: number;
  /**
   * The first report of frames inferred: when it came (ms from the start) and how many frames it
   * counted. What comes before it is browser start, model load and the first decode.
   */
  readonly startup: { readonly ms: number; readonly frames: number };
  /** Length of the video, seconds: first to last frame plus one mean frame interval. */
  readonly videoSeconds: number;
  /** Every request the page made, all of them to this machine's loopback address. */
  readonly requests: readonly string[];
}

const DEFAULT_STALL_MS = 180_000;

/**
 * Two landmarkers per core, up to eight. Each runs single-threaded WebAssembly and, between its
 * bursts of inference, waits on WebGL calls answered by the GPU process; a second landmarker on
 * the core fills those waits (measured on 2 cores: 4 landmarkers 51.8–56.2 frames/s, 2 landmarkers
 * 49.2–50.2, 6 landmarkers 51.8, on a 4.5-minute recording).
 */
export function defaultWorkers(cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(8, 2 * cores));
}

function videoSeconds(plan: ExtractionPlan): number {
  if (plan.firstFrameUs === null || plan.lastFrameUs === null || plan.frames < 2) return 0;
  const span = plan.lastFrameUs - plan.firstFrameUs;
  return (span + span / (plan.frames - 1)) / 1e6;
}

function failure(event: Extract<ExtractionEvent, { type: 'failed' }>, videoPath: string): WeftError {
  const location = { file: videoPath };
  if (event.code === 'UNSUPPORTED_FORMAT') return new WeftError('UNSUPPORTED_FORMAT', `${videoPath}: ${event.message}. ${conversionAdvice(videoPath)}`, { location });
  if (event.code === 'PARSE_ERROR') return new WeftError('PARSE_ERROR', `${videoPath}: ${event.message}`, { location });
  return new WeftError('INTERNAL', `Face extraction failed on ${videoPath}: ${event.message}`, { location });
}

/**
 * Extracts MediaPipe face features from a recording in the extraction page, served over loopback
 * by a server of its own and opened by a page host (pageHost.ts: headless Chromium unless the
 * caller brings another), and writes them as a Weft face CSV. Rows reach the file segment by
 * segment with a checkpoint after each, so an interrupted run resumes (`resume`) from the first
 * frame not yet written and gives the same bytes as an uninterrupted one.
 */
export async function extractFaceFeatures(request: FaceExtractionRequest): Promise<FaceExtractionResult> {
  const started = performance.now();
  const options: ExtractionOptions = { ...DEFAULT_EXTRACTION_OPTIONS, workers: defaultWorkers(), ...request.options };
  const rendererDir = extractionRendererDir(request.rendererDir);
  const tasksVision = installedVersion('@mediapipe/tasks-vision');
  const videoSha256 = await sha256OfFile(request.videoPath);
  const jobId = randomUUID();
  return (request.pageHost ?? playwrightPageHost).withPage(async (page) => {
    const browser = page.browser;
    let output: ExtractionOutput | null = null;
    const requests: string[] = [];
    const offsite: string[] = [];
    try {
      const identity: RunIdentity = {
        video_sha256: videoSha256,
        model_sha256: request.model.sha256,
        tasks_vision: tasksVision,
        browser,
        landmarks: options.landmarks,
        segment_frames: options.segmentFrames,
        max_input_side: options.maxInputSide,
      };
      const out = await ExtractionOutput.open(request.outPath, identity, request.resume === true);
      output = out;
      const resumedFrom = out.nextFrame;
      let plan: ExtractionPlan | null = null;
      let faces = 0;
      let startup: FaceExtractionResult['startup'] | null = null;

      const outcome = new RunOutcome(request.stallTimeoutMs ?? DEFAULT_STALL_MS, request.signal, () =>
          new WeftError('CANCELLED', `Face extraction cancelled at frame ${out.nextFrame}; the finished frames are kept, and extracting again with resume (weft extract-face --resume, or Extract in the app) continues from there`, {
            details: { resume_from: out.nextFrame },
          }),
      );
      const progress = (done: number, phase: JobPhase = 'running', message?: string): void => {
        request.events?.emit('job.progress', { job_id: jobId, label: FACE_EXTRACTION_LABEL, phase, done, total: plan?.frames ?? null, unit: 'frames', ...(message === undefined ? {} : { message }) });
      };

      const onEvent = async (event: ExtractionEvent): Promise<void> => {
        outcome.touch();
        switch (event.type) {
          case 'plan':
            if (resumedFrom > event.plan.frames) throw new WeftError('CONFLICT', `the checkpoint is at frame ${resumedFrom}, but the video has ${event.plan.frames} frames`);
            plan = event.plan;
            progress(resumedFrom);
            return;
          case 'frames':
            if (request.signal?.aborted === true) throw new WeftError('CANCELLED', 'cancelled');
            await out.append(event.rows);
            faces += event.rows.filter((r) => r.face).length;
            progress(out.nextFrame);
            return;
          case 'progress':
            startup ??= { ms: performance.now() - started, frames: event.framesInferred };
            progress(resumedFrom + event.framesInferred);
            return;
          case 'done':
            outcome.resolve();
            return;
          case 'failed':
            outcome.reject(failure(event, request.videoPath));
            return;
        }
      };

      const server = await startLoopbackServer({
        rendererDir,
        videoPath: request.videoPath,
        modelPath: request.model.path,
        job: (urls) => ({ input: request.input ?? 'video', ...urls, startFrame: resumedFrom, options }),
        onEvent: (event) =>
          onEvent(event).catch((error: unknown) => {
            outcome.reject(error);
            throw error;
          }),
      });
      try {
        const opened = page.open(server.pageUrl, {
          onRequest: (url) => requests.push(url),
          onRefused: (url) => offsite.push(url),
          onPageError: (message) => outcome.reject(new WeftError('INTERNAL', `The extraction page failed: ${message}`)),
          onCrash: (reason) => outcome.reject(new WeftError('INTERNAL', `The extraction page crashed (${reason}); run again with --resume to continue from the last checkpoint`)),
        });
        await Promise.race([opened, outcome.promise]);
        await outcome.promise;
      } catch (error) {
        // A run that failed before writing a frame leaves nothing to resume.
        if (out.nextFrame === 0) await out.discard();
        const cancelled = error instanceof WeftError && error.code === 'CANCELLED';
        progress(out.nextFrame, cancelled ? 'cancelled' : 'failed', error instanceof Error ? error.message : String(error));
        throw error;
      } finally {
        outcome.dispose();
        await server.close();
      }
      if (offsite.length > 0) {
        throw new WeftError('POLICY_REFUSED', `The extraction page tried to reach beyond this machine (${offsite.slice(0, 3).join(', ')}); the requests were refused and the run discarded`);
      }
      const finalPlan = plan as ExtractionPlan | null;
      if (finalPlan === null || out.nextFrame !== finalPlan.frames) {
        throw new WeftError('INTERNAL', `The extraction ended after frame ${out.nextFrame} of ${finalPlan?.frames ?? '?'}`);
      }
      await out.finish();
      progress(out.nextFrame, 'done');
      const elapsedMs = performance.now() - started;
      return {
        csvPath: out.csvPath,
        landmarksPath: out.landmarksPath,
        videoSha256,
        frames: finalPlan.frames,
        framesThisRun: finalPlan.frames - resumedFrom,
        facesThisRun: faces,
        resumedFrom,
        plan: finalPlan,
        browser,
        tasksVision,
        options,
        elapsedMs,
        startup: (startup as FaceExtractionResult['startup'] | null) ?? { ms: elapsedMs, frames: finalPlan.frames - resumedFrom },
        videoSeconds: videoSeconds(finalPlan),
        requests,
      };
    } finally {
      await output?.close();
    }
  });
}
