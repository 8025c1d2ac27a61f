import { existsSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BLENDSHAPE_NAMES } from '../../../src/core/face/featureSchema.js';
import { matrixFromHeadPose } from '../../../src/core/face/headPose.js';
import { FACE_LANDMARK_COUNT, type FrameRow } from '../../../src/core/face/extraction.js';
import { WEFT_FACE_COLUMNS } from '../../../src/core/formats/weftFormats.js';
import { FACE_CSV_HEADER, faceCsvLine, formatFloat32, landmarksCsvLine } from '../../../src/backend/face/faceCsv.js';
import { ExtractionOutput, landmarksPathFor, type RunIdentity } from '../../../src/backend/face/output.js';
import { tempDir } from '../../support/paths.js';

const IDENTITY: RunIdentity = { video_sha256: 'v'.repeat(64), model_sha256: 'm'.repeat(64), tasks_vision: '0.10.35', browser: 'Chromium test', landmarks: true, segment_frames: 250, max_input_side: 1280 };

function row(frame: number): FrameRow {
  if (frame % 5 === 4) return { frame, t: frame * 33_333, face: false };
  const bs = BLENDSHAPE_NAMES.map((_, i) => Math.fround(((frame + 1) * (i + 3)) % 97 / 97));
  const lm = Array.from({ length: FACE_LANDMARK_COUNT * 3 }, (_, i) => Math.fround(((frame * 7 + i) % 1000) / 1000));
  return { frame, t: frame * 33_333, face: true, bs, m: matrixFromHeadPose({ yawDeg: frame, pitchDeg: -frame / 2, rollDeg: 1 }), lm };
}
const rows = (from: number, to: number): FrameRow[] => Array.from({ length: to - from }, (_, i) => row(from + i));

describe('the face CSV Weft writes', () => {
  it('prints float32 scores with the fewest digits that read back exactly', () => {
    for (const x of [0.1, 1 / 3, 6.978557e-7, 0.99999994, 0, 1, 3.1523705e-6]) {
      const single = Math.fround(x);
      const text = formatFloat32(single);
      expect(Math.fround(Number(text))).toBe(single);
      const digits = text.replace(/e.*$/, '').replace(/[-.]/g, '').replace(/^0+/, '');
      expect(digits.length).toBeLessThanOrEqual(9);
      for (let shorter = 1; shorter < digits.length; shorter += 1) expect(Math.fround(Number(single.toPrecision(shorter)))).not.toBe(single);
    }
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(Math.fround(0.5))).toBe('0.5');
    expect(formatFloat32(0)).toBe('0');
  });

  it('has the documented columns, and a frame without a face has every feature empty', () => {
    expect(FACE_CSV_HEADER).toBe(`${WEFT_FACE_COLUMNS.join(',')}\n`);
    const empty = faceCsvLine({ frame: 3, t: 120_000, face: false }).trimEnd().split(',');
    expect(empty).toHaveLength(WEFT_FACE_COLUMNS.length);
    expect(empty.slice(0, 3)).toEqual(['3', '120000', '0']);
    expect(empty.slice(3).every((v) => v === '')).toBe(true);
    const full = faceCsvLine(row(0)).trimEnd().split(',');
    expect(full).toHaveLength(WEFT_FACE_COLUMNS.length);
    expect(full.slice(2, 5)).toEqual(['1', '', '0']);
    expect(landmarksCsvLine(row(0)).split(',')).toHaveLength(3 + FACE_LANDMARK_COUNT * 3);
  });
});

describe('extraction output with a checkpoint', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, remove } = await tempDir('weft-face-output-'));
  });
  afterEach(async () => {
    await remove();
  });

  async function uninterrupted(path: string): Promise<void> {
    const output = await ExtractionOutput.open(path, IDENTITY, false);
    await output.append(rows(0, 250));
    await output.append(rows(250, 500));
    await output.append(rows(500, 612));
    await output.finish();
  }

  it('resumes after a crash to the same bytes, dropping what was written after the last checkpoint', async () => {
    const reference = join(dir, 'reference.face.csv');
    await uninterrupted(reference);
    const path = join(dir, 'resumed.face.csv');
    const first = await ExtractionOutput.open(path, IDENTITY, false);
    await first.append(rows(0, 250));
    await first.close();
    // a crash halfway through writing the next segment
    await appendFile(`${path}.partial`, faceCsvLine(row(250)).slice(0, 40));
    await appendFile(`${landmarksPathFor(path)}.partial`, 'garbage');

    await expect(ExtractionOutput.open(path, IDENTITY, false)).rejects.toThrow(/--resume/);
    await expect(ExtractionOutput.open(path, { ...IDENTITY, model_sha256: 'x'.repeat(64) }, true)).rejects.toThrow(/different model_sha256/);
    const resumed = await ExtractionOutput.open(path, IDENTITY, true);
    expect(resumed.nextFrame).toBe(250);
    await expect(resumed.append(rows(300, 310))).rejects.toThrow(/frame 250 was due/);
    await resumed.append(rows(250, 500));
    await resumed.append(rows(500, 612));
    await resumed.finish();

    expect((await readFile(path)).equals(await readFile(reference))).toBe(true);
    expect((await readFile(landmarksPathFor(path))).equals(await readFile(landmarksPathFor(reference)))).toBe(true);
    expect(existsSync(ExtractionOutput.checkpointPath(path))).toBe(false);
    expect(existsSync(`${path}.partial`)).toBe(false);
  });

  it('never overwrites a finished file', async () => {
    const path = join(dir, 'done.face.csv');
    await writeFile(path, 'earlier results\n');
    await expect(ExtractionOutput.open(path, IDENTITY, false)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await readFile(path, 'utf8')).toBe('earlier results\n');
  });
});
