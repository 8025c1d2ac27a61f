import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createClient, type WeftClient } from '../../core/api/client.js';
import { dispatch, type CallContext, type Handlers } from '../../core/api/dispatch.js';
import type { FaceExtractResult, FaceModelDownloadResult, FaceModelStatus } from '../../core/api/faceSchemas.js';
import { WeftError } from '../../core/errors.js';
import { runFaceJobInStudy, type FaceJobResult } from '../face/job.js';
import { FACE_MODEL, faceModelUrl, inspectFaceModel, resolveFaceModel } from '../face/model.js';
import { LiveCaptures } from '../face/live.js';
import { downloadConfiguredFaceModel } from '../face/setup.js';
import type { RunningJobs } from '../jobs/cancellation.js';
import { appendAudit } from '../store/audit.js';
import type { ExtractionPageHost } from '../face/pageHost.js';
import type { Study } from '../store/study.js';

type FaceHandlers = Pick<Handlers, 'face.extract' | 'face.model' | 'face.modelStatus' | 'face.modelDownload' | 'face.liveStart' | 'face.liveAppend' | 'face.liveStop'>;

/** The API itself, called from inside a handler with the caller's identity and events. */
function clientFor(handlers: () => Handlers, ctx: CallContext): WeftClient {
  return createClient({ call: (method, input) => dispatch(handlers(), method, input, ctx), subscribe: () => () => undefined });
}

function resultOf(job: FaceJobResult): FaceExtractResult {
  const { extraction, target } = job;
  return {
    stream_ids: [...job.streamIds],
    participant_id: target.participantId,
    session_id: target.sessionId ?? null,
    clock_source: target.clockSource,
    csv_path: extraction.csvPath,
    landmarks_path: extraction.landmarksPath,
    frames: extraction.frames,
    frames_this_run: extraction.framesThisRun,
    faces_this_run: extraction.facesThisRun,
    resumed_from: extraction.resumedFrom,
    elapsed_ms: extraction.elapsedMs,
    video_seconds: extraction.videoSeconds,
    landmarker_thread: extraction.plan.runtime.landmarkerThread,
    workers: extraction.plan.runtime.workers,
    browser: extraction.browser,
    tasks_vision: extraction.tasksVision,
    warnings: [...target.warnings],
    raw_video: job.rawVideo,
    import: job.summary,
  };
}

export interface FaceHandlerOptions {
  /** Where face.extract runs the extraction page; headless system Chromium by default. */
  readonly extractionPageHost?: ExtractionPageHost;
}

async function modelStatus(): Promise<FaceModelStatus> {
  const found = await inspectFaceModel();
  const downloadUrl = faceModelUrl();
  return {
    name: FACE_MODEL.name,
    path: found.path,
    configured_by: found.source === 'WEFT_FACE_MODEL' ? 'WEFT_FACE_MODEL' : 'user data folder',
    state: found.state,
    sha256: found.sha256,
    bytes: found.bytes,
    problem: found.problem,
    expected_sha256: FACE_MODEL.sha256,
    expected_bytes: FACE_MODEL.bytes,
    official_url: FACE_MODEL.url,
    download_url: downloadUrl,
    mirror: downloadUrl !== FACE_MODEL.url,
  };
}

/** Face extraction from recordings and live webcam capture over one open study. */
export function createFaceHandlers(study: Study, handlers: () => Handlers, jobs: RunningJobs, options: FaceHandlerOptions = {}): FaceHandlers {
  const live = new LiveCaptures(study);
  // Two windows asking at once share one download: both would write the same file.
  let downloading: Promise<FaceModelDownloadResult> | null = null;
  const download = async (ctx: CallContext): Promise<FaceModelDownloadResult> => {
    if (study.readOnly) throw new WeftError('STUDY_READ_ONLY', `The study is open read-only, and a download of the face model is recorded in its audit log: open it for writing, or run "weft setup"`);
    const model = await downloadConfiguredFaceModel({ events: ctx.events, ...(ctx.signal === undefined ? {} : { signal: ctx.signal }) });
    if (model.downloaded) {
      await study.db.write((conn) =>
        appendAudit(conn, { actor: ctx.actor, action: 'face.model.download', target: FACE_MODEL.name, detail: { url: model.url, sha256: model.sha256, bytes: model.bytes } }),
      );
    }
    return { path: model.path, sha256: model.sha256, bytes: model.bytes, downloaded: model.downloaded, url: model.url };
  };
  return {
    'face.extract': jobs.cancellable(async (input, ctx) => {
      const job = await runFaceJobInStudy(study, clientFor(handlers, ctx), {
        // A relative path is inside the study folder, as the media view lists recordings Weft keeps there.
        videoPath: resolve(study.dir, input.video_path),
        actor: ctx.actor,
        events: ctx.events,
        landmarks: input.landmarks,
        resume: input.resume,
        ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
        ...(input.participant_id === undefined ? {} : { participantId: input.participant_id }),
        ...(input.session_id === undefined ? {} : { sessionId: input.session_id }),
        ...(input.clock_offset_s === undefined ? {} : { clockOffsetS: input.clock_offset_s }),
        ...(input.out_path === undefined ? {} : { outPath: input.out_path }),
        ...(input.model_path === undefined ? {} : { modelPath: input.model_path }),
        ...(options.extractionPageHost === undefined ? {} : { pageHost: options.extractionPageHost }),
      });
      ctx.events.emit('study.changed', { reason: 'face features extracted' });
      return resultOf(job);
    }),
    'face.model': async () => new Uint8Array(await readFile((await resolveFaceModel()).path)),
    'face.modelStatus': async () => modelStatus(),
    'face.modelDownload': jobs.cancellable(async (_input, ctx) => {
      downloading ??= download(ctx).finally(() => {
        downloading = null;
      });
      return downloading;
    }),
    'face.liveStart': async (input, ctx) => live.start(clientFor(handlers, ctx), input.participant_id, input.session_id, Math.round(input.session_time_s * 1e6)),
    'face.liveAppend': async (input, ctx) => {
      const status = await live.append(clientFor(handlers, ctx), ctx.actor, input.live_id, input.rows);
      if (status.rows === input.rows.length) ctx.events.emit('study.changed', { reason: 'live face-feature stream started' });
      return status;
    },
    'face.liveStop': async (input, ctx) => live.stop(ctx.actor, input.live_id),
  };
}
