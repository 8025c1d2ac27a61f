import { existsSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FACE_MODEL, resolveFaceModel, verifyFaceModel } from '../../../src/backend/face/model.js';
import { downloadFaceModel } from '../../../src/backend/face/setup.js';
import { SHARED, tempDir } from '../../support/paths.js';

const MODEL = join(SHARED, 'assets', 'face_landmarker.task');
const HAVE_MODEL = existsSync(MODEL);

/** A fetch that serves bytes from memory and records what it was asked for: tests never download. */
function fakeFetch(body: Uint8Array<ArrayBuffer>): { fetch: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  const fake = (async (url: string | URL | Request) => {
    urls.push(String(url));
    return new Response(body, { status: 200, headers: { 'content-length': String(body.length) } });
  }) as typeof fetch;
  return { fetch: fake, urls };
}

describe('the face model', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, remove } = await tempDir('weft-face-model-'));
  });
  afterEach(async () => {
    await remove();
  });

  it.runIf(HAVE_MODEL)('accepts the official file', async () => {
    const model = await verifyFaceModel(MODEL);
    expect(model).toEqual({ path: MODEL, sha256: FACE_MODEL.sha256, bytes: FACE_MODEL.bytes });
  });

  it.runIf(HAVE_MODEL)('refuses a damaged or wrong model, naming the sha256 mismatch', async () => {
    const damaged = join(dir, 'face_landmarker.task');
    const bytes = await readFile(MODEL);
    const middle = bytes.length >> 1;
    bytes.writeUInt8(bytes.readUInt8(middle) ^ 0xff, middle);
    await writeFile(damaged, bytes);
    const error = await verifyFaceModel(damaged).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/sha256 mismatch/) });
    expect((error as Error).message).toContain(FACE_MODEL.sha256);
    await writeFile(damaged, 'not a model');
    await expect(verifyFaceModel(damaged)).rejects.toThrow(/sha256 mismatch.*weft setup/);
  });

  it('says how to set it up when it is missing', async () => {
    await expect(resolveFaceModel(undefined, { WEFT_DATA_DIR: dir })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/weft setup/) });
    await expect(resolveFaceModel(join(dir, 'nowhere.task'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it.runIf(HAVE_MODEL)('is found where weft setup puts it, or where WEFT_FACE_MODEL says', async () => {
    await copyFile(MODEL, join(dir, 'copy.task'));
    expect((await resolveFaceModel(undefined, { WEFT_FACE_MODEL: join(dir, 'copy.task') })).sha256).toBe(FACE_MODEL.sha256);
  });

  it.runIf(HAVE_MODEL)('is downloaded from the official address and saved only when its SHA-256 is right', async () => {
    const served = fakeFetch(new Uint8Array(await readFile(MODEL)));
    const destination = join(dir, 'models', 'face_landmarker.task');
    const result = await downloadFaceModel({ destination, fetch: served.fetch });
    expect(served.urls).toEqual([FACE_MODEL.url]);
    expect(result).toMatchObject({ downloaded: true, sha256: FACE_MODEL.sha256 });
    const again = await downloadFaceModel({ destination, fetch: served.fetch });
    expect(again.downloaded).toBe(false);
    expect(served.urls).toHaveLength(1);
  });

  it('keeps nothing of a download whose SHA-256 is wrong', async () => {
    const destination = join(dir, 'face_landmarker.task');
    await expect(downloadFaceModel({ destination, fetch: fakeFetch(new TextEncoder().encode('<html>captive portal</html>')).fetch })).rejects.toThrow(/sha256 mismatch.*Nothing was saved/);
    expect(existsSync(destination)).toBe(false);
  });
});
