import { readFile } from 'node:fs/promises';
import { createClient, type WeftClient } from '../../core/api/client.js';
import { dispatch, type CallContext, type Handlers } from '../../core/api/dispatch.js';
import type { FaceExtractResult } from '../../core/api/faceSchemas.js';
import { runFaceJobInStudy, type FaceJobResult } from '../face/job.js';
import { resolveFaceModel } from '../face/model.js';
import { LiveCaptures } from '../face/live.js';
import type { Study } from '../store/study.js';

type FaceHandlers = Pick<Handlers, 'face.extract' | 'face.model' | 'face.liveStart' | 'face.liveAppend' | 'face.liveStop'>;

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

/** Face extraction from recordings and live webcam capture over one open study. */
export function createFaceHandlers(study: Study, handlers: () => Handlers): FaceHandlers {
  const live = new LiveCaptures(study);
  return {
    'face.extract': async (input, ctx) => {
      const job = await runFaceJobInStudy(study, clientFor(handlers, ctx), {
        videoPath: input.video_path,
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
      });
      ctx.events.emit('study.changed', { reason: 'face features extracted' });
      return resultOf(job);
    },
    'face.model': async () => new Uint8Array(await readFile((await resolveFaceModel()).path)),
    'face.liveStart': async (input, ctx) => live.start(clientFor(handlers, ctx), input.participant_id, input.session_id, Math.round(input.session_time_s * 1e6)),
    'face.liveAppend': async (input, ctx) => {
      const status = await live.append(clientFor(handlers, ctx), ctx.actor, input.live_id, input.rows);
      if (status.rows === input.rows.length) ctx.events.emit('study.changed', { reason: 'live face-feature stream started' });
      return status;
    },
    'face.liveStop': async (input, ctx) => live.stop(ctx.actor, input.live_id),
  };
}
