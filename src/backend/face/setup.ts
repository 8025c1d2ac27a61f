import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { WeftError } from '../../core/errors.js';
import { FACE_MODEL, verifyFaceModel, type VerifiedModel } from './model.js';

export interface DownloadOptions {
  /** Where to put the model. */
  readonly destination: string;
  /** Replaces global fetch (tests). */
  readonly fetch?: typeof fetch;
  readonly url?: string;
  readonly progress?: (bytes: number, total: number | null) => void;
  readonly signal?: AbortSignal;
}

/**
 * Downloads the face model from its official location, the one network request Weft makes, and
 * only when the user runs `weft setup`. The file lands only if its SHA-256 is the official one.
 */
export async function downloadFaceModel(options: DownloadOptions): Promise<VerifiedModel & { downloaded: boolean }> {
  if (existsSync(options.destination)) {
    try {
      return { ...(await verifyFaceModel(options.destination)), downloaded: false };
    } catch (error) {
      if (!(error instanceof WeftError) || error.code !== 'INVALID_INPUT') throw error;
    }
  }
  const url = options.url ?? FACE_MODEL.url;
  const get = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await get(url, options.signal === undefined ? {} : { signal: options.signal });
  } catch (error) {
    throw new WeftError('NOT_FOUND', `The face model could not be downloaded from ${url} (${error instanceof Error ? error.message : String(error)}). Without internet, copy ${FACE_MODEL.name} here from a machine that has it, or give --model PATH`, { cause: error });
  }
  if (!response.ok || response.body === null) throw new WeftError('NOT_FOUND', `Downloading the face model from ${url} failed: HTTP ${response.status}`);
  await mkdir(dirname(options.destination), { recursive: true });
  const temp = join(dirname(options.destination), `.${basename(options.destination)}.${process.pid}.download`);
  const hash = createHash('sha256');
  const total = Number(response.headers.get('content-length') ?? Number.NaN);
  const handle = await open(temp, 'w');
  let bytes = 0;
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
  const sha256 = hash.digest('hex');
  if (sha256 !== FACE_MODEL.sha256) {
    await rm(temp, { force: true });
    throw new WeftError('INVALID_INPUT', `The file downloaded from ${url} is not the official face model: sha256 mismatch (got ${sha256}, expected ${FACE_MODEL.sha256}, ${bytes.toLocaleString('en-US')} bytes). Nothing was saved`, {
      details: { sha256, expected_sha256: FACE_MODEL.sha256, bytes },
    });
  }
  await rename(temp, options.destination);
  return { path: options.destination, sha256, bytes, downloaded: true };
}
