import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STUDY_NAME, buildDemoStudy, demoSourcesDir } from '../../src/cli/demo.js';
import { createClient, type WeftClient } from '../../src/core/api/client.js';
import { createInProcessTransport } from '../../src/core/api/inProcess.js';
import type { Workspace } from '../../src/backend/workspace.js';
import { startServer, type RunningServer } from '../../src/server/httpServer.js';
import { AUDIT_PAGE_SIZE } from '../../src/renderer/view/audit.js';

/**
 * The consent and data-minimization pages in Chromium, on the demo study, as a researcher and an
 * ethics reviewer use them: every change goes through the UI and is checked through the API.
 */

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RENDERER_DIR = join(REPO_ROOT, 'dist', 'src', 'renderer');
const RESULTS = join(REPO_ROOT, 'test-results');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps'];
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const STEP_TIMEOUT_MS = 20_000;
const ACTOR = 'e2e-reviewer';

let tempRoot: string;
let workspace: Workspace;
let client: WeftClient;
let server: RunningServer;
let browser: Browser;
let page: Page;
const requests: { url: string; referer: string | undefined }[] = [];
const offsite: string[] = [];
const pageErrors: string[] = [];
const consoleErrors: string[] = [];

function leavesLoopback(url: string): boolean {
  const parsed = new URL(url);
  if (['data:', 'blob:', 'about:'].includes(parsed.protocol)) return false;
  return !LOOPBACK_HOSTS.has(parsed.hostname);
}

/** The fields registry runs to hundreds of rows: its screenshot is the window, not the page. */
async function screenshot(name: string, fullPage = true): Promise<void> {
  await mkdir(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, `ethics-${name}.png`), fullPage });
}

/** Follows the top bar's link, as a reader would, and waits for the page's heading. */
async function goTo(pageId: string, heading: string): Promise<void> {
  await page.locator(`.topbar__nav a[data-page="${pageId}"]`).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.locator('main[aria-busy="false"]').waitFor();
}

beforeAll(async () => {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error(`The UI is not built (no ${join(RENDERER_DIR, 'index.html')}): run "node scripts/build.mjs" first`);
  }
  tempRoot = await mkdtemp(join(tmpdir(), 'weft-e2e-ethics-'));
  ({ workspace } = await buildDemoStudy(join(tempRoot, 'demo'), { minutes: 1, actor: 'test', align: false }));
  client = createClient(createInProcessTransport(workspace.handlers, workspace.hub, 'test'));
  server = await startServer({ handlers: workspace.handlers, hub: workspace.hub, rendererDir: RENDERER_DIR, actor: ACTOR, port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.on('request', (request) => {
    requests.push({ url: request.url(), referer: request.headers()['referer'] });
    if (leavesLoopback(request.url())) offsite.push(request.url());
  });
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (leavesLoopback(url)) {
      offsite.push(url);
      await route.abort('blockedbyclient').catch(() => undefined);
      return;
    }
    await route.continue().catch(() => undefined);
  });
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.goto(server.launchUrl);
  await page.getByRole('heading', { level: 1, name: DEMO_STUDY_NAME }).waitFor();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await workspace?.close();
  if (tempRoot !== undefined) {
    await rm(tempRoot, { recursive: true, force: true });
    await rm(demoSourcesDir(join(tempRoot, 'demo')), { recursive: true, force: true });
  }
});

describe('routing', () => {
  it('moves between pages by the address fragment, keeping the launch token out of the address and the history', async () => {
    expect(page.url()).not.toContain('token');
    for (const [id, heading] of [
      ['fields', 'Fields registry'],
      ['consent', 'Consent and withdrawal'],
      ['policy', 'Data-minimization policy'],
      ['audit', 'Audit trail'],
      ['report', "Ethics reviewer's report"],
    ] as const) {
      await goTo(id, heading);
      expect(new URL(page.url()).hash).toBe(`#/${id}`);
      expect(await page.locator(`.topbar__nav a[aria-current="page"]`).getAttribute('data-page')).toBe(id);
      // Reading starts at the new page's content.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
      expect(await page.title()).toBe(`${heading} — Weft`);
    }
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Audit trail' }).waitFor();
    // A reload keeps the page and the token kept in the tab.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Audit trail' }).waitFor();
    await page.goto(`${server.url}#/nowhere`);
    await page.getByRole('heading', { level: 1, name: /No page at/ }).waitFor();
    await goTo('overview', DEMO_STUDY_NAME);
    expect(page.url()).not.toContain(server.token);
    expect(requests.filter((r) => r.referer?.includes(server.token) === true)).toEqual([]);
  });
});

describe('fields registry', () => {
  it('lists every field, filters them, and saves a review through field.update with the API refusal shown inline', async () => {
    const fields = await client.call('field.list', {});
    await goTo('fields', 'Fields registry');
    expect(await page.locator('tr[data-field]').count()).toBe(fields.length);
    await screenshot('fields', false);

    const gaze = fields.filter((f) => f.modality === 'gaze').length;
    await page.locator('select[data-filter="modality"]').selectOption('gaze');
    await expect.poll(() => page.locator('tr[data-field]').count()).toBe(gaze);
    await page.locator('select[data-filter="modality"]').selectOption('all');
    await page.locator('input[data-filter="incompleteOnly"]').check();
    const incomplete = fields.filter((f) => f.purpose.trim() === '' || f.legal_basis.trim() === '').length;
    await expect.poll(() => page.locator('tr[data-field]').count()).toBe(incomplete);
    await page.locator('input[data-filter="incompleteOnly"]').uncheck();

    const target = fields.find((f) => f.view === 'events' && f.retention_days === null && f.reviewed_at === null);
    if (target === undefined) throw new Error('the demo study has no unreviewed events field');
    const row = page.locator(`tr[data-field="${target.field}"]`);
    await row.getByRole('button', { name: `Review ${target.field}` }).click();
    const dialog = page.getByRole('dialog', { name: `Review ${target.field}` });
    await dialog.waitFor();
    await dialog.getByLabel('Retention (days)').fill('0');
    await dialog.getByRole('button', { name: 'Save review' }).click();
    const retentionError = dialog.locator('#field-retention_days-error');
    await retentionError.waitFor();
    expect(await retentionError.textContent()).toMatch(/greater than 0|positive|>0/i);
    expect(await dialog.getByLabel('Retention (days)').getAttribute('aria-invalid')).toBe('true');

    await dialog.getByLabel('Retention (days)').fill('30');
    await dialog.getByLabel('Purpose').fill('Detecting confusion from tutor interactions');
    await dialog.getByRole('button', { name: 'Save review' }).click();
    await page.locator(`[data-saved="${target.field}"]`).waitFor();
    expect(await dialog.isVisible()).toBe(false);
    await expect.poll(() => row.locator('td[data-column="retention_days"]').textContent()).toBe('30 days');
    expect(await row.locator('td[data-column="purpose"]').textContent()).toBe('Detecting confusion from tutor interactions');
    const stored = (await client.call('field.list', {})).find((f) => f.field === target.field);
    expect(stored).toMatchObject({ retention_days: 30, purpose: 'Detecting confusion from tutor interactions', reviewed_by: ACTOR });
  });
});

describe('consent', () => {
  it("shows the participant × modality matrix and a participant's history", async () => {
    const participants = await client.call('participant.list', {});
    await goTo('consent', 'Consent and withdrawal');
    expect(await page.locator('.table--matrix tbody tr').count()).toBe(participants.length);
    const first = participants[0];
    if (first === undefined) throw new Error('the demo study has no participants');
    for (const [modality, state] of Object.entries(first.consent)) {
      expect(await page.locator(`tr[data-participant="${first.participant_id}"] td[data-modality="${modality}"]`).getAttribute('data-consent')).toBe(state);
    }
    await page.locator(`tr[data-participant="${first.participant_id}"] th button`).click();
    const history = await client.call('consent.history', { participant_id: first.participant_id });
    await expect.poll(() => page.locator(`[data-history="${first.participant_id}"] tbody tr`).count()).toBe(history.length);
    await screenshot('consent');
  });

  it('records a consent from the form, showing the API refusal of an empty participant inline', async () => {
    await page.locator(`.table--matrix tr.is-selected th button`).click();
    await page.getByRole('button', { name: 'Record consent' }).click();
    await page.locator('#consent-participant-error').waitFor();

    await page.getByLabel('Participant', { exact: true }).first().fill('P99');
    await page.locator('#consent-modality').selectOption('gaze');
    await page.getByLabel('Form version').fill('v3');
    await page.getByLabel('Expires on').fill('2031-01-31');
    await page.getByRole('button', { name: 'Record consent' }).click();
    await page.locator('[data-recorded="P99:gaze"]').waitFor();
    await expect.poll(() => page.locator('tr[data-participant="P99"] td[data-modality="gaze"]').getAttribute('data-consent')).toBe('granted');
    await expect.poll(() => page.locator('[data-history="P99"] tbody tr').count()).toBe(1);
    const [stored] = await client.call('consent.list', { participant_id: 'P99', modality: 'gaze' });
    expect(stored).toMatchObject({ state: 'granted', form_version: 'v3', expires_at: expect.stringMatching(/^2031-01-31/) });
  });

  it('withdraws a participant after a confirmation that says what is erased, then shows the erasure verified', async () => {
    const [participants, streams, erasuresBefore] = await Promise.all([client.call('participant.list', {}), client.call('stream.list', {}), client.call('erasure.list', {})]);
    const leaving = participants.find((p) => p.sessions > 0);
    if (leaving === undefined) throw new Error('the demo study has no participant with sessions');
    const rows = streams.filter((s) => s.participant_id === leaving.participant_id).reduce((sum, s) => sum + s.rows, 0);
    expect(rows).toBeGreaterThan(0);

    await page.locator('#withdraw-participant').selectOption(leaving.participant_id);
    await page.getByLabel('Reason (optional)').fill('Asked by e-mail to leave the study');
    await page.getByRole('button', { name: 'Withdraw…' }).click();
    const dialog = page.getByRole('dialog', { name: `Withdraw ${leaving.participant_id}?` });
    await dialog.waitFor();
    expect(Number(await dialog.locator('.consequences').getAttribute('data-preview-rows'))).toBe(rows);
    expect(await dialog.textContent()).toContain('cannot be undone');
    await screenshot('withdraw-confirm');
    await dialog.getByRole('button', { name: `Erase ${leaving.participant_id}` }).click();

    const result = page.locator('.erasure-result');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.getAttribute('data-verified')).toBe('true');
    expect(await result.textContent()).toContain('Erasure verified');
    expect(Number(await result.locator('[data-rows-deleted]').getAttribute('data-rows-deleted'))).toBeGreaterThanOrEqual(rows);
    await screenshot('withdraw-verified');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => page.locator(`tr[data-participant="${leaving.participant_id}"]`).count()).toBe(0);
    const erasures = await client.call('erasure.list', {});
    expect(erasures.length).toBe(erasuresBefore.length + 1);
    expect(erasures.at(-1)).toMatchObject({ verified: true, reason: 'Asked by e-mail to leave the study', actor: ACTOR });
  });
});

describe('policy', () => {
  it('shows the change before saving it, and the API refusal of a bad value inline', async () => {
    const before = await client.call('policy.get', {});
    await goTo('policy', 'Data-minimization policy');
    expect(await page.getByLabel('k-anonymity: k').inputValue()).toBe(String(before.export.k_anonymity.k));

    await page.getByLabel('k-anonymity: k').fill('1');
    await page.getByRole('button', { name: 'Save 1 change' }).click();
    await page.locator('#policy-k-error').waitFor();

    const k = before.export.k_anonymity.k + 2;
    await page.getByLabel('k-anonymity: k').fill(String(k));
    await page.locator('#policy-retention-video').fill('90');
    const diff = page.locator('.table--diff');
    await expect.poll(() => diff.locator('tbody tr').count()).toBe(2);
    expect(await diff.locator('tr[data-path="export.k_anonymity.k"]').textContent()).toContain(String(k));
    expect(await diff.locator('tr[data-path="retention_days.video"]').textContent()).toContain('90 days after the session');
    await screenshot('policy-diff');
    await page.getByRole('button', { name: 'Save 2 changes' }).click();
    await page.locator('[data-saved="policy"]').waitFor();
    const after = await client.call('policy.get', {});
    expect(after.export.k_anonymity.k).toBe(k);
    expect(after.retention_days.video).toBe(90);
    expect(after.export.pseudonymize_ids).toBe(before.export.pseudonymize_ids);
    await expect.poll(() => page.locator('.table--diff').count()).toBe(0);
  });
});

describe('audit trail', () => {
  it('pages through the entries, newest first, and verifies the chain', async () => {
    // Reviews recorded through the API, so that the trail runs to more than one page.
    const [fields, { entries: sofar }] = await Promise.all([client.call('field.list', {}), client.call('audit.verify', {})]);
    for (const f of fields.slice(0, Math.max(0, AUDIT_PAGE_SIZE + 3 - sofar))) await client.call('field.update', { field: f.field, note: 'bulk check' });
    const { entries: total } = await client.call('audit.verify', {});
    expect(total).toBeGreaterThan(AUDIT_PAGE_SIZE);
    await goTo('audit', 'Audit trail');
    await expect.poll(() => page.locator('tr[data-seq]').first().getAttribute('data-seq')).toBe(String(total));
    const seqs = await page.locator('tr[data-seq]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-seq'))));
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(await page.locator('tr[data-action="report.signoff"], tr[data-action="consent.withdraw"], tr[data-action="policy.set"], tr[data-action="field.review"]').count()).toBeGreaterThan(0);
    expect(seqs).toHaveLength(AUDIT_PAGE_SIZE);
    await page.locator('[data-pager="next"]').click();
    await expect.poll(() => page.locator('tr[data-seq]').first().getAttribute('data-seq')).toBe(String(total - AUDIT_PAGE_SIZE));
    expect(new URL(page.url()).hash).toBe('#/audit?page=1');
    await page.goBack();
    await expect.poll(() => page.locator('tr[data-seq]').first().getAttribute('data-seq')).toBe(String(total));
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    const intact = page.locator('[data-verified="intact"]');
    await intact.waitFor();
    expect(await intact.textContent()).toContain(`all ${total} entries`);
    await screenshot('audit');
  });
});

describe('ethics report', () => {
  it('shows the report in a sandboxed frame and records a sign-off with a comment, which then appears in it', async () => {
    await goTo('report', "Ethics reviewer's report");
    const frame = page.locator('iframe.report-frame');
    expect(await frame.getAttribute('sandbox')).toBe('');
    await page.frameLocator('iframe.report-frame').locator('h2', { hasText: 'Reviewer sign-off' }).waitFor();
    expect(await page.frameLocator('iframe.report-frame').locator('body').textContent()).toContain('Not yet signed off');

    await page.getByRole('button', { name: 'Sign off' }).click();
    await page.locator('#signoff-reviewer-error').waitFor();

    await page.getByLabel('Reviewer').fill('Dr. Ada Okafor');
    await page.getByLabel('Comment').fill('Consent and minimization reviewed; approved for the spring cohort.');
    await page.getByRole('button', { name: 'Sign off' }).click();
    const signed = page.locator('[data-signoff]');
    await signed.waitFor();
    expect(await signed.textContent()).toContain('Dr. Ada Okafor');
    await page.locator('.audit-note[data-audit-action="report.signoff"]').waitFor();
    await expect.poll(() => page.frameLocator('iframe.report-frame').locator('body').textContent()).toContain('Dr. Ada Okafor');
    expect(await page.frameLocator('iframe.report-frame').locator('body').textContent()).toContain('approved for the spring cohort');
    await screenshot('report-signed');
  });

  it('says where the audit chain breaks once an entry was edited behind Weft', async () => {
    await workspace.study.db.write((c) => c.run(`UPDATE weft.audit_log SET detail = '{"edited":true}' WHERE seq = 2`));
    await goTo('audit', 'Audit trail');
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    const broken = page.locator('[data-verified="broken"]');
    await broken.waitFor();
    expect(await broken.locator('[data-break="2"]').count()).toBeGreaterThan(0);
    await broken.locator('[data-break="2"] a').first().click();
    await expect.poll(() => page.locator('tr.is-selected').getAttribute('data-seq')).toBe('2');
    await screenshot('audit-broken');
  });
});

describe('network and console', () => {
  it('made no request beyond loopback, and logged no errors (Content-Security-Policy violations included)', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(offsite, `requests that left loopback:\n${offsite.join('\n')}`).toEqual([]);
    expect(pageErrors).toEqual([]);
    // The refused inputs above are answered with HTTP 400, which Chromium logs as a failed resource.
    expect(consoleErrors.filter((text) => !/status of 400/.test(text))).toEqual([]);
  });
});
