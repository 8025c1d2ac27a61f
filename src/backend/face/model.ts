import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { WeftError } from '../../core/errors.js';

/** MediaPipe Face Landmarker v2 with blendshapes, float16, version 1 (Apache-2.0, Google). */
export const FACE_MODEL = {
  name: 'face_landmarker.task',
  url: 'https://storage.googleapis.com/mediapipe-models/face_landmarker/face_landmarker/float16/1/face_landmarker.task',
  sha256: '64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff',
  bytes: 3_758_596,
} as const;

export interface VerifiedModel {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** Where `weft setup` puts the model: the user's data folder (WEFT_DATA_DIR overrides). */
export function defaultModelPath(env: NodeJS.ProcessEnv = process.env): string {
  const dataDir = env['WEFT_DATA_DIR'] ?? (env['XDG_DATA_HOME'] === undefined ? join(homedir(), '.local', 'share', 'weft') : join(env['XDG_DATA_HOME'], 'weft'));
  return join(dataDir, 'models', FACE_MODEL.name);
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Where the face model is downloaded from: a lab's mirror when WEFT_FACE_MODEL_URL names one, else
 * the official address. The SHA-256 check is the same for both, so a mirror cannot swap the file.
 */
export function faceModelUrl(env: NodeJS.ProcessEnv = process.env): string {
  const mirror = env['WEFT_FACE_MODEL_URL'];
  if (mirror === undefined || mirror === '') return FACE_MODEL.url;
  let url: URL;
  try {
    url = new URL(mirror);
  } catch {
    throw new WeftError('INVALID_INPUT', `WEFT_FACE_MODEL_URL is not an address: "${mirror}". Set it to the http(s) address of a copy of ${FACE_MODEL.name}, or unset it to download from ${FACE_MODEL.url}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WeftError('INVALID_INPUT', `WEFT_FACE_MODEL_URL must be an http or https address, not ${url.protocol} ("${mirror}")`);
  }
  return url.href;
}

export type ModelPathSource = 'given' | 'WEFT_FACE_MODEL' | 'user data folder';

/** Where the model is expected: the path given (`--model`), else WEFT_FACE_MODEL, else the user data folder. */
export function configuredModelPath(given?: string, env: NodeJS.ProcessEnv = process.env): { readonly path: string; readonly source: ModelPathSource } {
  if (given !== undefined) return { path: resolve(given), source: 'given' };
  const configured = env['WEFT_FACE_MODEL'];
  if (configured !== undefined && configured !== '') return { path: resolve(configured), source: 'WEFT_FACE_MODEL' };
  return { path: resolve(defaultModelPath(env)), source: 'user data folder' };
}

/**
 * The model to use: the path given (`--model`), else WEFT_FACE_MODEL, else where `weft setup`
 * put it. Whatever the source, its SHA-256 must be the official file's: a wrong or damaged model
 * would give features that look plausible and are not reproducible.
 */
export async function resolveFaceModel(given?: string, env: NodeJS.ProcessEnv = process.env): Promise<VerifiedModel> {
  const { path } = configuredModelPath(given, env);
  if (!existsSync(path)) {
    throw new WeftError(
      'NOT_FOUND',
      given === undefined
        ? `The face model is not set up (no ${path}). Run "weft setup" (or use "Download the face model" in the app) to download it from ${FACE_MODEL.url} (${FACE_MODEL.bytes.toLocaleString('en-US')} bytes, checked against its SHA-256), or give --model PATH`
        : `No face model at ${path}`,
      { location: { file: path } },
    );
  }
  return verifyFaceModel(path);
}

export async function verifyFaceModel(path: string): Promise<VerifiedModel> {
  const info = await stat(path);
  if (!info.isFile()) throw new WeftError('INVALID_INPUT', `${path} is not a file`, { location: { file: path } });
  const sha256 = await sha256OfFile(path);
  if (sha256 !== FACE_MODEL.sha256) {
    throw new WeftError(
      'INVALID_INPUT',
      `${path} is not the MediaPipe Face Landmarker model Weft uses: its SHA-256 is ${sha256}, but ${FACE_MODEL.name} (v2 with blendshapes, float16/1) has SHA-256 ${FACE_MODEL.sha256} (sha256 mismatch; ${info.size.toLocaleString('en-US')} bytes, expected ${FACE_MODEL.bytes.toLocaleString('en-US')}). Run "weft setup" to download the right file`,
      { location: { file: path }, details: { sha256, expected_sha256: FACE_MODEL.sha256, bytes: info.size } },
    );
  }
  return { path, sha256, bytes: info.size };
}

export interface FaceModelInspection {
  readonly path: string;
  readonly source: ModelPathSource;
  readonly state: 'verified' | 'missing' | 'mismatch';
  /** Of the file found there, when it could be read. */
  readonly sha256: string | null;
  readonly bytes: number | null;
  /** Why a file that is there is not the model. */
  readonly problem: string | null;
}

/** Whether the configured model is there and is the official file, without downloading anything. */
export async function inspectFaceModel(env: NodeJS.ProcessEnv = process.env): Promise<FaceModelInspection> {
  const { path, source } = configuredModelPath(undefined, env);
  if (!existsSync(path)) return { path, source, state: 'missing', sha256: null, bytes: null, problem: null };
  try {
    const model = await verifyFaceModel(path);
    return { path, source, state: 'verified', sha256: model.sha256, bytes: model.bytes, problem: null };
  } catch (error) {
    if (!(error instanceof WeftError) || error.code !== 'INVALID_INPUT') throw error;
    const found = error.details ?? {};
    const sha256 = typeof found['sha256'] === 'string' ? found['sha256'] : null;
    const bytes = typeof found['bytes'] === 'number' ? found['bytes'] : null;
    return { path, source, state: 'mismatch', sha256, bytes, problem: error.message };
  }
}
