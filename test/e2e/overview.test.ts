import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Participant, Session, Stream } from '../../src/core/api/schemas.js';
import { startServer, type RunningServer } from '../../src/server/httpServer.js';
import { OVERVIEW_STUDY, buildOverviewStudy, type OverviewStudy } from './fixtures/overviewStudy.js';
import { realdata } from '../support/paths.js';
import { createTestStudy, type TestStudy } from '../support/study.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RENDERER_DIR = join(REPO_ROOT, 'dist', 'src', 'renderer');
const SCREENSHOT = join(REPO_ROOT, 'test-results', 'overview.png');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--metrics-recording-only=false',
];
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const STEP_TIMEOUT_MS = 20_000;

interface Traffic {
  readonly requests: string[];
  /** Requests to anywhere but loopback: aborted, and the reason the suite fails. */
  readonly offsite: string[];
  readonly pageErrors: string[];
}

const traffic: Traffic = { requests: [], offsite: [], pageErrors: [] };

function leavesLoopback(url: string): boolean {
  const parsed = new URL(url);
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:' || parsed.protocol === 'about:') return false;
  return !LOOPBACK_HOSTS.has(parsed.hostname);
}

let tempRoot: string;
let study: OverviewStudy;
let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

/** A fresh context (its own sessionStorage) whose every request is recorded and kept on loopback. */
async function openPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'UTC' });
  contexts.push(context);
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.on('request', (request) => {
    traffic.requests.push(request.url());
    if (leavesLoopback(request.url())) traffic.offsite.push(request.url());
  });
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (leavesLoopback(url)) {
      traffic.offsite.push(url);
      await route.abort('blockedbyclient').catch(() => undefined);
      return;
    }
    await route.continue().catch(() => undefined);
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => traffic.pageErrors.push(error.message));
  return page;
}

beforeAll(async () => {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error(`The UI is not built (no ${join(RENDERER_DIR, 'index.html')}): run "node scripts/build.mjs" first`);
  }
  tempRoot = await mkdtemp(join(tmpdir(), 'weft-e2e-overview-'));
  study = await buildOverviewStudy(tempRoot);
  server = await startServer({ handlers: study.workspace.handlers, hub: study.workspace.hub, rendererDir: RENDERER_DIR, actor: 'test', port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  await study?.close();
  if (tempRoot !== undefined) await rm(tempRoot, { recursive: true, force: true });
});

describe('study overview in browser mode', () => {
  let page: Page;
  let participants: Participant[];
  let sessions: Session[];
  let streams: Stream[];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    [participants, sessions, streams] = await Promise.all([
      study.client.call('participant.list', {}),
      study.client.call('session.list', {}),
      study.client.call('stream.list', {}),
    ]);
    page = await openPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(server.launchUrl);
    await page.getByRole('heading', { level: 1, name: OVERVIEW_STUDY.name }).waitFor();
  });

  it('takes the token out of the address bar', () => {
    expect(page.url()).not.toContain('token');
  });

  it('fetches Plotly only after the overview data, not for the first paint', async () => {
    await page.locator('#timeline .timeline__chart[data-state="ready"]').waitFor();
    const firstApiCall = traffic.requests.findIndex((url) => url.endsWith('/api/study.status'));
    const plotly = traffic.requests.findIndex((url) => /\/plotly[^/]*\.js$/.test(url));
    expect(firstApiCall).toBeGreaterThanOrEqual(0);
    expect(plotly).toBeGreaterThan(firstApiCall);
  });

  it('lists every participant with their consent per modality', async () => {
    const ids = await page.locator('#participants tbody tr th[scope=row]').allTextContents();
    expect(ids).toEqual(participants.map((p) => p.participant_id));

    const refusedVideo = page.locator(`#participants tr[data-participant="${OVERVIEW_STUDY.refusedVideo}"] td[data-modality="video"] .badge`);
    await expect.poll(() => refusedVideo.textContent()).toContain('refused');
    expect(await refusedVideo.getAttribute('data-consent')).toBe('refused');
    expect(await refusedVideo.getAttribute('title')).toMatch(/Video: refused/);
    const grantedLogs = page.locator(`#participants tr[data-participant="${OVERVIEW_STUDY.refusedVideo}"] td[data-modality="interaction_logs"] .badge`);
    expect(await grantedLogs.textContent()).toContain('granted');

    // A withdrawal from the study in the consent export is carried out at import: erased, verified.
    expect(ids).not.toContain(OVERVIEW_STUDY.withdrawn);
    const erasure = page.locator('#erasures tbody tr');
    expect(await erasure.count()).toBe(1);
    expect(await erasure.getAttribute('data-verified')).toBe('true');
    expect(await erasure.locator('code').textContent()).toMatch(/^p_[0-9a-f]{20}$/);
    expect(await erasure.locator('td').nth(1).textContent()).toBe('Everything');
    expect(await page.locator('#erasures').textContent()).not.toContain(OVERVIEW_STUDY.withdrawn);
    expect(await page.locator('.tile[data-count="participants"]').textContent()).toContain('1 erased after withdrawing');

    const expiredRow = page.locator(`#participants tr[data-participant="${OVERVIEW_STUDY.expired}"]`);
    expect(await expiredRow.locator('td[data-modality="gaze"] .badge').getAttribute('data-consent')).toBe('expired');
  });

  it('summarises sessions per lesson variant', async () => {
    const expected = new Map<string, number>();
    for (const s of OVERVIEW_STUDY.sessions) expected.set(s.variant, (expected.get(s.variant) ?? 0) + 1);
    const shown = new Map<string, number>();
    for (const row of await page.locator('#variants tbody tr').all()) {
      shown.set((await row.getAttribute('data-variant')) ?? '', Number(await row.locator('td[data-sessions]').getAttribute('data-sessions')));
    }
    expect(shown).toEqual(expected);
  });

  it('shows consent coverage per modality and state', async () => {
    const video = page.locator('#consent tr[data-modality="video"]');
    const count = async (state: string): Promise<string | null> => video.locator(`td[data-state="${state}"]`).textContent();
    expect(await count('granted')).toBe(String(participants.filter((p) => p.consent['video'] === 'granted').length));
    expect(await count('refused')).toBe('1');
    expect(await count('withdrawn')).toBe('0');
    expect(await count('expired')).toBe('1');
  });

  it('lists sessions with their variant and streams with row counts', async () => {
    const ids = await page.locator('#sessions tbody tr th[scope=row]').allTextContents();
    expect(ids).toEqual(sessions.map((s) => s.session_id));
    expect(ids).not.toContain(OVERVIEW_STUDY.withdrawnSession.session);
    for (const s of OVERVIEW_STUDY.sessions) {
      const row = page.locator(`#sessions tr[data-session="${s.session}"]`);
      expect(await row.locator('td').nth(1).textContent()).toBe(s.variant);
      expect(await row.locator('[data-kind="interaction_log"] .stream-chip__rows').textContent()).toBe(`${s.transactions} rows`);
    }
    const face = page.locator(`#sessions tr[data-session="${OVERVIEW_STUDY.faceSession}"] [data-kind="face_features"]`);
    expect(await face.getAttribute('data-rows')).toBe(String(OVERVIEW_STUDY.faceRows));
    expect(await face.locator('.stream-chip__rows').textContent()).toBe(`${OVERVIEW_STUDY.faceRows.toLocaleString('en-US')} rows`);
  });

  it('draws the Plotly timeline with one row per session and one bar per stream', async () => {
    const chart = page.locator('#timeline .timeline__chart[data-state="ready"]');
    await chart.waitFor();
    const rowLabels = await chart.locator('.yaxislayer-above .ytick text').allTextContents();
    expect(rowLabels).toEqual(sessions.map((s) => s.session_id));
    const timed = streams.filter((s) => s.start_us !== null);
    expect(await chart.locator('.barlayer .point').count()).toBe(timed.length);
    expect(new Set(await chart.locator('.legend .traces .legendtext').allTextContents())).toEqual(new Set(['Tutor log', 'Face features']));
    // Plotly 4 offers to upload the chart to Plotly Cloud unless told not to.
    const modebarTitles = await chart.locator('.modebar-btn').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-title') ?? ''));
    expect(modebarTitles).toContain('Download plot as a PNG');
    expect(modebarTitles.filter((title) => /share|cloud|chart studio/i.test(title))).toEqual([]);
  });

  it('saves a screenshot', async () => {
    await mkdir(join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it('refreshes by itself when the study changes', async () => {
    const late = OVERVIEW_STUDY.lateSession;
    await study.importLateSession();
    const row = page.locator(`#sessions tr[data-session="${late.session}"]`);
    await row.waitFor();
    expect(await row.locator('[data-kind="interaction_log"] .stream-chip__rows').textContent()).toBe(`${late.transactions} rows`);
    const variantB = OVERVIEW_STUDY.sessions.filter((s) => s.variant === late.variant).length + 1;
    await expect.poll(() => page.locator(`#variants tr[data-variant="${late.variant}"] td[data-sessions]`).getAttribute('data-sessions')).toBe(String(variantB));
    await expect
      .poll(() => page.locator('#timeline .timeline__chart .yaxislayer-above .ytick').count(), { timeout: STEP_TIMEOUT_MS })
      .toBe(sessions.length + 1);
  });

  it('keeps working after a reload, with the token kept in the tab', async () => {
    await page.reload();
    await page.getByRole('heading', { level: 1, name: OVERVIEW_STUDY.name }).waitFor();
    expect(await page.locator('#participants tbody tr').count()).toBe(participants.length);
  });

  it('logged no errors, Content-Security-Policy violations included', () => {
    expect(consoleErrors).toEqual([]);
  });
});

describe('desktop mode', () => {
  it('talks to the API through window.weft when the preload exposed it, and reloads on its events', async () => {
    const page = await openPage();
    // Stands in for the Electron preload: the same two functions, carried over HTTP here.
    await page.addInitScript((token: string) => {
      const calls: string[] = [];
      const listeners: ((event: unknown) => void)[] = [];
      Object.assign(window, {
        weftTest: { calls, emit: (event: unknown) => listeners.forEach((listener) => listener(event)) },
        weft: {
          invoke: async (method: string, input: unknown) => {
            calls.push(method);
            const response = await fetch(`/api/${method}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-weft-token': token },
              body: JSON.stringify(input),
            });
            return response.json() as Promise<unknown>;
          },
          on: (listener: (event: unknown) => void) => {
            listeners.push(listener);
            return () => listeners.splice(listeners.indexOf(listener), 1);
          },
        },
      });
    }, server.token);
    await page.goto(server.url);
    await page.getByRole('heading', { level: 1, name: OVERVIEW_STUDY.name }).waitFor();
    expect(await page.locator('.topbar .mode').textContent()).toBe('Desktop');
    type TestWindow = Window & { weftTest: { calls: string[]; emit(event: unknown): void } };
    const calls = (): Promise<string[]> => page.evaluate(() => [...(window as unknown as TestWindow).weftTest.calls]);
    // The face-features section lists recordings (sql.query) on each load and checks the face model once.
    const overviewCalls = ['study.status', 'participant.list', 'session.list', 'stream.list', 'erasure.list', 'sql.query'];
    await expect.poll(async () => new Set(await calls())).toEqual(new Set([...overviewCalls, 'face.modelStatus']));
    const before = (await calls()).length;
    await page.evaluate(() => (window as unknown as TestWindow).weftTest.emit({ seq: 1, name: 'study.changed', payload: { reason: 'test' } }));
    await expect.poll(async () => (await calls()).length).toBe(before + overviewCalls.length);
  });
});

describe('browser mode without a valid token', () => {
  it('explains where the address comes from and makes no successful API call', async () => {
    const page = await openPage();
    const apiStatuses: number[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/api/')) apiStatuses.push(response.status());
    });
    await page.goto(server.url);
    await page.getByRole('heading', { level: 1, name: /weft serve/ }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(apiStatuses.filter((status) => status === 200)).toEqual([]);
    expect(await page.locator('#participants').count()).toBe(0);
  });

  it('shows the UNAUTHORIZED error banner for a wrong token, and forgets that token', async () => {
    const page = await openPage();
    await page.goto(`${server.url}#token=not-the-launch-token`);
    const banner = page.getByRole('alert');
    await banner.waitFor();
    expect(await banner.getAttribute('data-error-code')).toBe('UNAUTHORIZED');
    expect(await banner.textContent()).toContain('UNAUTHORIZED');
    expect(await page.locator('#participants').count()).toBe(0);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: /weft serve/ }).waitFor();
  });
});

describe('the overview of a study of an existing data set', () => {
  let secondary: TestStudy;
  let secondaryServer: RunningServer;
  beforeAll(async () => {
    secondary = await createTestStudy({ dataBasis: { kind: 'secondary_data', terms: 'DataShop ds76 terms of use' } });
    const log = join(secondary.root, 'tx.txt');
    await writeFile(log, 'Anon Student Id\tSession Id\tTime\tTime Zone\tOutcome\nStu_A\tA-1\t2026-03-02 14:00:00\tUTC\tCORRECT\nStu_B\tB-1\t2026-03-02 15:00:00\tUTC\tINCORRECT\n');
    await secondary.client.call('session.import', { files: [log] });
    secondaryServer = await startServer({ handlers: secondary.workspace.handlers, hub: secondary.workspace.hub, rendererDir: RENDERER_DIR, actor: 'test', port: 0 });
  });
  afterAll(async () => {
    await secondaryServer?.close();
    await secondary?.close();
  });

  it('says consent is not recorded per participant, instead of showing every participant without consent', async () => {
    const page = await openPage();
    await page.goto(secondaryServer.launchUrl);
    const notice = page.locator('#consent [data-data-basis="secondary_data"]');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('DataShop ds76 terms of use');
    expect(await page.locator('#consent table').count()).toBe(0);
    expect(await page.locator('#participants tbody tr th[scope=row]').allTextContents()).toEqual(['Stu_A', 'Stu_B']);
    expect(await page.locator('#participants [data-status]').allTextContents()).toEqual(['● In the data set', '● In the data set']);
    expect(await page.locator('#participants td[data-modality]').count()).toBe(0);
  });

  it('imports files from the Import page: a wrong path is an error that stores nothing, a real export gives the summary, a second time is skipped', async () => {
    const page = await openPage();
    await page.goto(secondaryServer.launchUrl);
    await page.locator('#participants').waitFor();
    await page.locator('nav a[href="#/import"]').click();
    const paths = page.locator('#import-paths');
    await paths.waitFor();
    expect(await page.locator('h1').textContent()).toBe('Import files');
    expect(await page.title()).toBe('Import files — Weft');
    expect(await page.locator('#import-files .section__meta').textContent()).toContain('DataShop ds76 terms of use');

    const missing = join(secondary.root, 'not-there.txt');
    await paths.fill(missing);
    await page.locator('[data-testid=import-run]').click();
    const error = page.locator('#import-files [data-error-code]');
    await error.waitFor();
    expect(await error.textContent()).toContain(missing);
    expect((await secondary.client.call('participant.list', {})).map((p) => p.participant_id)).toEqual(['Stu_A', 'Stu_B']);

    // Chosen from a folder the study sits beside: a copy of the real KDD Cup excerpt and a file Weft does not read.
    const exports = join(secondary.root, 'exports');
    await mkdir(exports);
    const kdd = join(exports, 'ct.csv');
    await copyFile(realdata('pybkt_examples_as_ct', 'ct.csv'), kdd);
    await writeFile(join(exports, 'notes.txt'), 'Session notes, not data.\n');
    await paths.fill('');
    await page.locator('[data-testid=import-browse]').click();
    const browser = page.locator('[data-testid=folder-browser]');
    await browser.locator('tr[data-entry=exports] button').click();
    await browser.locator('tr[data-entry="ct.csv"]').waitFor();
    expect(await browser.locator('[data-testid=folder-path]').textContent()).toBe(exports);
    expect(await browser.locator('tr[data-entry="ct.csv"] td').nth(2).textContent()).toBe('datashop-step');
    expect(await browser.locator('tr[data-entry="notes.txt"] td').nth(2).textContent()).toBe('not a format Weft recognises from its contents');
    await browser.locator('[data-testid=folder-add-recognised]').click();
    expect(await paths.inputValue()).toBe(kdd);
    await page.locator('[data-testid=import-dry-run]').click();
    await page.locator('#import-result h2', { hasText: 'Dry run: nothing was stored' }).waitFor();
    expect(await page.locator('#import-result .section__meta').textContent()).toBe('would import 1 file (18,220 rows)');
    expect((await secondary.client.call('stream.list', {})).filter((s) => s.source_path === kdd)).toEqual([]);
    await page.locator('[data-testid=import-run]').click();
    await page.locator('#import-result h2', { hasText: 'Imported' }).waitFor();
    const result = page.locator('[data-testid=import-result]');
    await result.waitFor();
    const streams = await secondary.client.call('stream.list', {});
    const imported = streams.filter((s) => s.source_path === kdd);
    expect(imported.length).toBe(11);
    const row = result.locator('tr[data-stream=interaction_log]');
    expect(await row.locator('td').allTextContents()).toEqual(['ct.csv', 'datashop-step', '11 participants, 11 sessions', 'interaction_log', imported.reduce((n, s) => n + s.rows, 0).toLocaleString('en-US'), '']);
    expect(await page.locator('#import-result .section__meta').textContent()).toBe('1 file (18,220 rows)');
    const warnings = await result.locator('[data-testid=import-warnings] li').allTextContents();
    expect(warnings.some((w) => /timestamps went backwards in \d+ of 11 interaction_log streams/.test(w))).toBe(true);
    expect(warnings.every((w) => w.includes('ct.csv'))).toBe(true);
    await mkdir(join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'import.png'), fullPage: true });

    await page.locator('[data-testid=import-run]').click();
    await result.locator('tr[data-stream=skipped]').waitFor();
    expect(await result.locator('tr[data-stream=skipped] td').nth(2).textContent()).toBe('already imported, skipped');
    expect(await page.locator('#import-result .section__meta').textContent()).toBe('0 files (0 rows); 1 already in the study, skipped');
  });
});

describe('network', () => {
  it('made no request beyond loopback and threw no page errors', () => {
    expect(traffic.requests.length).toBeGreaterThan(0);
    expect(traffic.offsite, `requests that left loopback:\n${traffic.offsite.join('\n')}`).toEqual([]);
    expect(traffic.pageErrors).toEqual([]);
  });
});
