import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FACE_MODEL, configuredModelPath, faceModelUrl, inspectFaceModel } from '../../../src/backend/face/model.js';
import { tempDir } from '../../support/paths.js';

describe('where the face model comes from and goes', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, remove } = await tempDir('weft-face-location-'));
  });
  afterEach(async () => {
    await remove();
  });

  it('downloads from the official address unless WEFT_FACE_MODEL_URL names a mirror', () => {
    expect(faceModelUrl({})).toBe(FACE_MODEL.url);
    expect(faceModelUrl({ WEFT_FACE_MODEL_URL: '' })).toBe(FACE_MODEL.url);
    expect(faceModelUrl({ WEFT_FACE_MODEL_URL: 'https://files.lab.example/mediapipe/face_landmarker.task' })).toBe('https://files.lab.example/mediapipe/face_landmarker.task');
  });

  it('refuses a mirror that is not an http(s) address, naming the variable', () => {
    expect(() => faceModelUrl({ WEFT_FACE_MODEL_URL: 'files.lab/face.task' })).toThrow(/WEFT_FACE_MODEL_URL is not an address: "files\.lab\/face\.task"/);
    expect(() => faceModelUrl({ WEFT_FACE_MODEL_URL: 'ftp://files.lab/face.task' })).toThrow(/must be an http or https address, not ftp:/);
  });

  it('expects the model at WEFT_FACE_MODEL, else in the user data folder', () => {
    expect(configuredModelPath(undefined, { WEFT_DATA_DIR: dir })).toEqual({ path: join(dir, 'models', FACE_MODEL.name), source: 'user data folder' });
    expect(configuredModelPath(undefined, { WEFT_DATA_DIR: dir, WEFT_FACE_MODEL: join(dir, 'm.task') })).toEqual({ path: join(dir, 'm.task'), source: 'WEFT_FACE_MODEL' });
    expect(configuredModelPath(join(dir, 'given.task'), { WEFT_FACE_MODEL: join(dir, 'm.task') }).source).toBe('given');
  });

  it('reports a folder where the model should be as a mismatch, saying so', async () => {
    await mkdir(join(dir, 'models', FACE_MODEL.name), { recursive: true });
    expect(await inspectFaceModel({ WEFT_DATA_DIR: dir })).toMatchObject({ state: 'mismatch', sha256: null, problem: expect.stringMatching(/is not a file/) });
    expect(await inspectFaceModel({ WEFT_DATA_DIR: join(dir, 'empty') })).toMatchObject({ state: 'missing', sha256: null, bytes: null });
  });
});
