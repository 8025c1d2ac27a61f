import type { Command } from 'commander';
import { FACE_MODEL, defaultModelPath } from '../../backend/face/model.js';
import { downloadFaceModel } from '../../backend/face/setup.js';
import { printJson, type StudyOptions } from '../context.js';
import { formatCount } from '../progress.js';

export function registerSetup(program: Command): void {
  program
    .command('setup')
    .description(`Download the MediaPipe face model (${FACE_MODEL.name}) from its official location (or the mirror in WEFT_FACE_MODEL_URL) and check its SHA-256. The only network request Weft makes, and only when you run this.`)
    .option('--model <path>', 'where to put the model (default: the user data folder, where "weft extract-face" looks)')
    .action(async (options: { model?: string }, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      const destination = options.model ?? defaultModelPath();
      let lastDraw = 0;
      const model = await downloadFaceModel({
        destination,
        progress: (bytes, total) => {
          if (global.json === true || !process.stderr.isTTY || Date.now() - lastDraw < 100) return;
          lastDraw = Date.now();
          process.stderr.write(`\rDownloading ${FACE_MODEL.name}: ${formatCount(bytes)}${total === null ? '' : ` of ${formatCount(total)}`} bytes`);
        },
      });
      if (process.stderr.isTTY && global.json !== true) process.stderr.write('\r\x1b[K');
      if (global.json === true) printJson(model);
      else {
        process.stdout.write(`${model.downloaded ? 'Downloaded' : 'Already set up:'} ${model.path}\n  SHA-256 ${model.sha256} (the official file's), ${formatCount(model.bytes)} bytes\n  from ${model.url}\n`);
      }
    });
}
