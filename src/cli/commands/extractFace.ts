import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { EventHub } from '../../core/api/events.js';
import { runFaceJob, type FaceJobResult } from '../../backend/face/job.js';
import { cliActor, printJson, studyDir, type StudyOptions } from '../context.js';
import { ProgressRenderer, formatCount } from '../progress.js';
import { renderImportSummary } from './import.js';

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError('expected a number of seconds');
  return n;
}

function workerCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 8) throw new InvalidArgumentError('expected 1 to 8');
  return n;
}

interface ExtractFaceOptions {
  participant?: string;
  session?: string;
  clockOffset?: number;
  landmarks?: boolean;
  out?: string;
  model?: string;
  resume?: boolean;
  workers?: number;
}

export function renderFaceJob(result: FaceJobResult): string {
  const { extraction, target } = result;
  const { plan } = extraction;
  const seconds = extraction.elapsedMs / 1000;
  const fps = extraction.framesThisRun / seconds;
  const realTime = extraction.frames === 0 ? 0 : (extraction.videoSeconds * extraction.framesThisRun) / extraction.frames / seconds;
  const share = extraction.framesThisRun === 0 ? 0 : (100 * extraction.facesThisRun) / extraction.framesThisRun;
  const lines = [
    `Face features of ${plan.frames === 1 && plan.container === 'image' ? 'an image' : `${formatCount(plan.frames)} frames`} (${plan.container}, ${plan.codec}${plan.codedWidth > 0 ? `, ${plan.codedWidth}×${plan.codedHeight}` : ''}):`,
    `  a face in ${formatCount(extraction.facesThisRun)} of ${formatCount(extraction.framesThisRun)} frames extracted (${share.toFixed(1)}%)${extraction.resumedFrom > 0 ? `; resumed at frame ${formatCount(extraction.resumedFrom)}` : ''}`,
    `  ${fps.toFixed(1)} frames/s, ${realTime.toFixed(2)}× real time (start-up ${(extraction.startup.ms / 1000).toFixed(1)} s), ${plan.runtime.workers} landmarker${plan.runtime.workers === 1 ? '' : 's'} in ${plan.runtime.landmarkerThread === 'worker' ? 'workers' : "the page's main thread"} (${extraction.browser}, tasks-vision ${extraction.tasksVision}, CPU)`,
    `  written to ${extraction.csvPath}${extraction.landmarksPath === null ? '' : ` and ${extraction.landmarksPath}`}`,
    `  clock: ${target.clockSource}`,
    ...target.warnings.map((w) => `  warning: ${w}`),
    '',
    renderImportSummary(result.summary),
  ];
  return lines.join('\n');
}

export function registerExtractFace(program: Command): void {
  program
    .command('extract-face')
    .description('Extract MediaPipe face features (52 blendshapes, head pose, action-unit proxies) from a video on this machine, and import them into its session.')
    .argument('<video>', 'MP4/MOV (H.264, VP9, AV1) or WebM (VP8, VP9, AV1) recording')
    .option('--participant <id>', 'participant the video shows (taken from the study when it has the video)')
    .option('--session <id>', 'session the video belongs to (taken from the study when it has the video)')
    .option('--clock-offset <seconds>', "session time, in seconds, of the video's time 0 (taken from the study when it has the video)", seconds)
    .option('--landmarks', 'also write the 478 face landmarks to a CSV beside the face CSV: biometric, needs face_landmarks consent')
    .option('--out <file>', 'face CSV to write (default: <study>-sources/face/<video>.<sha8>.face.csv)')
    .option('--model <path>', 'face_landmarker.task to use (default: where "weft setup" put it)')
    .option('--resume', 'continue an interrupted extraction from its checkpoint')
    .option('--workers <n>', 'landmarkers running at once (default: two per CPU core, at most 8)', workerCount)
    .action(async (video: string, options: ExtractFaceOptions, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      const hub = new EventHub();
      const progress = new ProgressRenderer();
      const unsubscribe = global.json === true ? () => undefined : hub.subscribe(progress.onEvent);
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      let result: FaceJobResult;
      try {
        result = await runFaceJob({
          studyDir: studyDir(global),
          videoPath: video,
          actor: cliActor(),
          events: hub,
          signal: controller.signal,
          ...(options.participant === undefined ? {} : { participantId: options.participant }),
          ...(options.session === undefined ? {} : { sessionId: options.session }),
          ...(options.clockOffset === undefined ? {} : { clockOffsetS: options.clockOffset }),
          ...(options.landmarks === undefined ? {} : { landmarks: options.landmarks }),
          ...(options.out === undefined ? {} : { outPath: options.out }),
          ...(options.model === undefined ? {} : { modelPath: options.model }),
          ...(options.resume === undefined ? {} : { resume: options.resume }),
          ...(options.workers === undefined ? {} : { options: { workers: options.workers } }),
        });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        unsubscribe();
        progress.clear();
      }
      if (global.json === true) {
        const { extraction, target, summary, streamIds } = result;
        printJson({ extraction: { ...extraction, requests: extraction.requests.length }, target, stream_ids: streamIds, import: summary });
      } else process.stdout.write(`${renderFaceJob(result)}\n`);
    });
}
