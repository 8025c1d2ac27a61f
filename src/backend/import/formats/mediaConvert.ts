import { execFile, spawn } from 'node:child_process';
import { open, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WeftError } from '../../../core/errors.js';
import { inspectSource } from '../source.js';
import type { ParseContext } from '../types.js';
import { CONVERSION_ARGS, locateFfmpeg } from './mediaCodecs.js';
import { infoNumber, probeMediaInfo } from './mediaInfoProbe.js';
import { readIsoBmff } from './mediaIsoBmff.js';
import { installedVersion } from '../../packageVersion.js';
import { registerMedia } from './mediaRegister.js';

/** Converted recordings are kept here, inside the study folder, and deleted when their participant is erased. */
export const MEDIA_FOLDER = 'media';

/** How much of FFmpeg's error output a failure message quotes. */
const STDERR_KEPT = 2000;

const run = promisify(execFile);

async function ffmpegVersion(ffmpeg: string): Promise<string> {
  const { stdout } = await run(ffmpeg, ['-version'], { windowsHide: true });
  return /^ffmpeg version (\S+)/.exec(stdout)?.[1] ?? (stdout.split('\n')[0] ?? '').trim();
}

interface Converted {
  readonly absolutePath: string;
  readonly relativePath: string;
  readonly args: readonly string[];
}

/**
 * Runs FFmpeg on the imported file, writing a temporary file beside the target that is renamed
 * into place only once FFmpeg succeeded and the data is on disk: a failed or cancelled
 * conversion leaves nothing behind. The target is named by the original's sha256, so the same
 * original always maps to the same file, and a conversion left over from an import that was
 * rolled back is replaced, never duplicated.
 */
async function convert(ctx: ParseContext, ffmpeg: string, durationUs: number | null): Promise<Converted> {
  const source = ctx.file;
  const folder = join(ctx.studyDir, MEDIA_FOLDER);
  await mkdir(folder, { recursive: true });
  const name = `${source.sha256}.mp4`;
  const target = join(folder, name);
  const temp = join(folder, `.${name}.${process.pid}.${Date.now()}.tmp`);
  const args = ['-nostdin', '-hide_banner', '-v', 'error', '-nostats', '-progress', 'pipe:1', '-n', '-i', source.path, ...CONVERSION_ARGS, '-f', 'mp4'];
  try {
    await runFfmpeg(ctx, ffmpeg, [...args, temp], durationUs);
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return { absolutePath: target, relativePath: `${MEDIA_FOLDER}/${name}`, args: [...args, `${MEDIA_FOLDER}/${name}`] };
}

/** FFmpeg's `-progress` output is `key=value` lines; `out_time_us` is how far into the media it has written. */
function runFfmpeg(ctx: ParseContext, ffmpeg: string, args: readonly string[], durationUs: number | null): Promise<void> {
  const path = ctx.file.path;
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let stderr = '';
    let pending = '';
    let stopped: Error | null = null;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT);
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const written = /^out_time_us=(\d+)/.exec(line)?.[1];
        if (written === undefined || durationUs === null || durationUs <= 0 || stopped !== null) continue;
        try {
          ctx.sink.progress(Math.min(1, Number(written) / durationUs) * ctx.file.bytes);
        } catch (error) {
          stopped = error instanceof Error ? error : new Error(String(error));
          child.kill();
        }
      }
    });
    child.on('error', (error) => {
      reject(new WeftError('INTERNAL', `${path}: FFmpeg (${ffmpeg}) could not be started to convert it: ${error.message}`, { location: { file: path } }));
    });
    child.on('close', (code, signal) => {
      if (stopped !== null) {
        reject(stopped);
      } else if (code === 0) {
        resolve();
      } else {
        const said = stderr.trim().split('\n').slice(-6).join('\n  ');
        reject(
          new WeftError(
            'PARSE_ERROR',
            `${path}: FFmpeg could not convert it to MP4 (${code === null ? `stopped by ${signal ?? 'a signal'}` : `exit code ${code}`}); nothing was added to the study. FFmpeg said:\n  ${said === '' ? '(nothing)' : said}`,
            { location: { file: path } },
          ),
        );
      }
    });
  });
}

/**
 * Converts a recording Weft's player cannot read (AVI, Windows Media, Matroska) to MP4/H.264 in the
 * study's media folder and registers the MP4 as the stream's recording; the stream keeps the
 * original as its source, so importing the original again is recognised by its sha256. Without
 * FFmpeg, throws `refusal()`, which says how to convert the file by hand.
 */
export async function convertOrRefuse(ctx: ParseContext, container: string, refusal: () => WeftError): Promise<void> {
  const ffmpeg = locateFfmpeg().path;
  if (ffmpeg === null) throw refusal();
  if (ctx.dryRun) {
    ctx.sink.warn({ message: `An import converts this ${container} file to MP4 with FFmpeg (${ffmpeg}) and registers the copy; a dry run converts nothing, so no stream is shown for it`, location: { file: ctx.file.path }, count: 1 });
    return;
  }
  const version = await ffmpegVersion(ffmpeg);
  const info = await probeMediaInfo(ctx.file.path, ctx.file.bytes);
  const seconds = infoNumber(info.general, 'Duration');
  const converted = await convert(ctx, ffmpeg, seconds === null ? null : seconds * 1e6);
  try {
    const file = await inspectSource(converted.absolutePath, { binary: true });
    const layout = await readIsoBmff(file.path, file.bytes, () => undefined);
    const kept = await registerMedia(ctx, {
      format: 'mp4',
      readers: [`mp4box.js ${installedVersion('mp4box')}`],
      layout,
      converted: {
        absolutePath: file.path,
        stored: { path: converted.relativePath, sha256: file.sha256, bytes: file.bytes },
        provenance: {
          from: { container, path: ctx.file.path, sha256: ctx.file.sha256, bytes: ctx.file.bytes },
          to: { path: converted.relativePath, sha256: file.sha256, bytes: file.bytes },
          ffmpeg: { path: ffmpeg, version },
          arguments: converted.args,
          note: 'the output is written to a temporary file in the media folder and renamed to the path in "to" once FFmpeg succeeded',
        },
      },
    });
    if (!kept) await rm(converted.absolutePath, { force: true });
  } catch (error) {
    await rm(converted.absolutePath, { force: true });
    throw error;
  }
}
