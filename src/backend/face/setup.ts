import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { WeftError } from '../../core/errors.js';
import type { EventSink } from '../../core/api/events.js';
import { FACE_MODEL_DOWNLOAD_LABEL } from '../../core/api/faceSchemas.js';
import { jobProgress } from '../jobs/progress.js';
import { FACE_MODEL, configuredModelPath, faceModelUrl, verifyFaceModel, type VerifiedModel } from './model.js';

export interface DownloadOptions {
  /** Where to put the model. */
  readonly destination: string;
  /** Replaces global fetch (tests). */
  readonly fetch?: typeof fetch;
  /** By default WEFT_FACE_MODEL_URL (a lab's mirror), else the official address. */
  readonly url?: string;
  readonly progress?: (bytes: number, total: number | null) => void;
  readonly signal?: AbortSignal;
}

export interface DownloadedModel extends VerifiedModel {
  /** False when a verified copy was already there and nothing was fetched. */
  readonly downloaded: boolean;
  readonly url: string;
}

/**
 * Downloads the face model from its official location (or the lab's mirror), the one network
 * request Weft makes, and only when the user asks: `weft setup`, or the app's download button.
 * The file lands only if its SHA-256 is the official one.
 */
export async function downloadFaceModel(options: DownloadOptions): Promise<DownloadedModel> {
  const url = options.url ?? faceModelUrl();
  if (existsSync(options.destination)) {
    try {
      return { ...(await verifyFaceModel(options.destination)), downloaded: false, url };
    } catch (error) {
      if (!(error instanceof WeftError) || error.code !== 'INVALID_INPUT') throw error;
    }
  }
  const get = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await get(url, options.signal === undefined ? {} : { signal: options.signal });
  } catch (error) {
    throw new WeftError('NOT_FOUND', `The face model could not be downloaded from ${url} (${error instanceof Error ? error.message : String(error)}). Without internet, copy ${FACE_MODEL.name} to ${options.destination} from a machine that has it, point WEFT_FACE_MODEL (or --model) at a copy, or set WEFT_FACE_MODEL_URL to a mirror on your network`, { cause: error });
  }
  if (!response.ok || response.body === null) throw new WeftError('NOT_FOUND', `Downloading the face model from ${url} failed: HTTP ${response.status}`);
  await mkdir(dirname(options.destination), { recursive: true });
  const temp = join(dirname(options.destination), `.${basename(options.destination)}.${process.pid}.download`);
  const hash = createHash('sha256');
  const total = Number(response.headers.get('content-length') ?? Number.NaN);
  const handle = await open(temp, 'w');
  let bytes = 0;
  try {
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        await handle.write(chunk);
        bytes += chunk.length;
        options.progress?.(bytes, Number.isFinite(total) ? total : null);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await rm(temp, { force: true });
    if (options.signal?.aborted === true) throw new WeftError('CANCELLED', 'The face model download was cancelled; nothing was saved', { cause: error });
    throw new WeftError('NOT_FOUND', `Downloading the face model from ${url} stopped after ${bytes.toLocaleString('en-US')} bytes (${error instanceof Error ? error.message : String(error)}). Nothing was saved; try again`, { cause: error });
  }
  const sha256 = hash.digest('hex');
  if (sha256 !== FACE_MODEL.sha256) {
    await rm(temp, { force: true });
    throw new WeftError('INVALID_INPUT', `The file downloaded from ${url} is not the official face model: sha256 mismatch (got ${sha256}, expected ${FACE_MODEL.sha256}, ${bytes.toLocaleString('en-US')} bytes). Nothing was saved`, {
      details: { sha256, expected_sha256: FACE_MODEL.sha256, bytes },
    });
  }
  await rename(temp, options.destination);
  return { path: options.destination, sha256, bytes, downloaded: true, url };
}

/** At most this many progress events per download (and one per 256 KiB when the size is unknown). */
const PROGRESS_STEPS = 100;

/**
 * The app's "Download the face model": into the configured location (WEFT_FACE_MODEL, else the
 * user data folder), with `job.progress` events in bytes.
 */
export async function downloadConfiguredFaceModel(options: { readonly events?: EventSink; readonly signal?: AbortSignal; readonly env?: NodeJS.ProcessEnv; readonly fetch?: typeof fetch } = {}): Promise<DownloadedModel> {
  const env = options.env ?? process.env;
  const destination = configuredModelPath(undefined, env).path;
  const url = faceModelUrl(env);
  const progress = jobProgress(options.events, FACE_MODEL_DOWNLOAD_LABEL, 'bytes', FACE_MODEL.bytes);
  let reported = 0;
  try {
    const model = await downloadFaceModel({
      destination,
      url,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      progress: (bytes, total) => {
        if (total !== null) progress.setTotal(total);
        const step = total === null ? 256 << 10 : Math.max(1, Math.floor(total / PROGRESS_STEPS));
        if (bytes - reported < step && bytes !== total) return;
        reported = bytes;
        void progress.step(bytes);
      },
    });
    progress.setTotal(model.bytes);
    progress.finish(model.downloaded ? `saved to ${model.path}` : `already at ${model.path}`);
    return model;
  } catch (error) {
    progress.fail(error instanceof Error ? error.message : String(error));
    throw error;
  }
}
