import { WeftError } from '../../core/errors.js';
import type { ExtractionEvent, ExtractionJob, ExtractionPlan, FrameRow } from '../../core/face/extraction.js';
import { openHttpSource } from './byteSource.js';
import { startLandmarkers, type LandmarkerHost } from './landmarkerHost.js';
import { indexIsoBmff } from './mp4Index.js';
import { planSegments, type Segment } from './segments.js';
import { indexMatroska } from './webmIndex.js';
import { sniffContainer, type VideoIndex } from './videoIndex.js';
import type { DecoderSetup, LandmarkerSetup } from './workerProtocol.js';

export type Send = (event: ExtractionEvent) => Promise<void>;

const PROGRESS_INTERVAL_MS = 250;

async function indexVideo(url: string): Promise<VideoIndex> {
  const source = await openHttpSource(url);
  const head = await source.read(0, Math.min(16, source.size));
  return sniffContainer(head) === 'matroska' ? indexMatroska(source) : indexIsoBmff(source);
}

async function checkDecodable(index: VideoIndex): Promise<DecoderSetup> {
  const decoder: DecoderSetup = {
    codec: index.codec,
    codedWidth: index.codedWidth,
    codedHeight: index.codedHeight,
    ...(index.description === undefined ? {} : { description: index.description }),
  };
  const support = await VideoDecoder.isConfigSupported({ ...decoder, hardwareAcceleration: 'prefer-software' }).catch(() => ({ supported: false }));
  if (support.supported !== true) {
    throw new WeftError('UNSUPPORTED_FORMAT', `its video codec (${index.codec}, ${index.codedWidth}×${index.codedHeight}) cannot be decoded by this Chromium's WebCodecs decoder, which reads H.264, VP8, VP9 and AV1`);
  }
  return decoder;
}

function runtime(hosts: readonly LandmarkerHost[], note: string | undefined): ExtractionPlan['runtime'] {
  return {
    userAgent: navigator.userAgent,
    landmarkerThread: hosts[0]?.thread ?? 'main',
    workers: hosts.length,
    ...(note === undefined ? {} : { note }),
  };
}

/**
 * Extracts face features from the job's video: indexes it, splits it into segments, runs the
 * segments on parallel landmarkers, and sends the rows to the host in frame order, each segment
 * once it and every segment before it are done.
 */
export async function runExtraction(job: ExtractionJob, workerUrl: string, send: Send): Promise<void> {
  const setup: LandmarkerSetup = {
    wasmLoaderUrl: job.wasmLoaderUrl,
    wasmBinaryUrl: job.wasmBinaryUrl,
    modelUrl: job.modelUrl,
    mode: job.input === 'image' ? 'IMAGE' : 'VIDEO',
    options: job.options,
  };
  if (job.input === 'image') {
    const { hosts, note } = await startLandmarkers(1, workerUrl, setup);
    try {
      await send({ type: 'plan', plan: { container: 'image', codec: 'image', codedWidth: 0, codedHeight: 0, frames: 1, firstFrameUs: 0, lastFrameUs: 0, segmentStarts: [0], timing: {}, runtime: runtime(hosts, note) } });
      const row = await (hosts[0] as LandmarkerHost).runImage(job.videoUrl);
      await send({ type: 'frames', segment: 0, rows: [row] });
    } finally {
      for (const host of hosts) host.close();
    }
    await send({ type: 'done' });
    return;
  }

  const index = await indexVideo(job.videoUrl);
  const decoder = await checkDecodable(index);
  const segments = planSegments(index.samples, job.options.segmentFrames);
  const first = job.startFrame === index.frames ? segments.length : segments.findIndex((s) => s.startFrame === job.startFrame);
  if (first === -1) throw new WeftError('INTERNAL', `frame ${job.startFrame} is not where a segment starts, so the extraction cannot resume there`);
  const todo = segments.slice(first);
  const { hosts, note } = todo.length === 0 ? { hosts: [] as LandmarkerHost[], note: undefined } : await startLandmarkers(Math.min(job.options.workers, todo.length), workerUrl, setup);
  try {
    await send({
      type: 'plan',
      plan: {
        container: index.container,
        codec: index.codec,
        codedWidth: index.codedWidth,
        codedHeight: index.codedHeight,
        frames: index.frames,
        firstFrameUs: index.samples.find((s) => s.frame === 0)?.timeUs ?? null,
        lastFrameUs: index.samples.find((s) => s.frame === index.frames - 1)?.timeUs ?? null,
        segmentStarts: segments.map((s) => s.startFrame),
        timing: index.timing,
        runtime: runtime(hosts, note),
      },
    });
    await runSegments(todo, hosts, index, decoder, job.videoUrl, send);
  } finally {
    for (const host of hosts) host.close();
  }
  await send({ type: 'done' });
}

async function runSegments(segments: readonly Segment[], hosts: readonly LandmarkerHost[], index: VideoIndex, decoder: DecoderSetup, videoUrl: string, send: Send): Promise<void> {
  const done = new Map<number, FrameRow[]>();
  const inferred = new Map<number, number>();
  let next = 0;
  let sendNext = 0;
  let sending = Promise.resolve();
  let lastProgress = 0;

  const reportProgress = (): void => {
    const now = performance.now();
    if (now - lastProgress < PROGRESS_INTERVAL_MS) return;
    lastProgress = now;
    const framesInferred = [...inferred.values()].reduce((sum, n) => sum + n, 0);
    sending = sending.then(() => send({ type: 'progress', framesInferred }));
  };

  const flushInOrder = (): void => {
    for (let segment = segments[sendNext]; segment !== undefined && done.has(segment.index); segment = segments[sendNext]) {
      const rows = done.get(segment.index) as FrameRow[];
      done.delete(segment.index);
      sendNext += 1;
      sending = sending.then(() => send({ type: 'frames', segment: segment.index, rows }));
    }
  };

  const work = async (host: LandmarkerHost): Promise<void> => {
    for (let segment = segments[next++]; segment !== undefined; segment = segments[next++]) {
      const task = { segment, videoUrl, decoder, samples: index.samples.slice(segment.firstSample, segment.lastSample + 1) };
      const rows = await host.runSegment(task, (frames) => {
        inferred.set(segment.index, frames);
        reportProgress();
      });
      inferred.set(segment.index, rows.length);
      done.set(segment.index, rows);
      flushInOrder();
      await sending;
    }
  };
  await Promise.all(hosts.map(work));
  await sending;
}
