import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { WeftError } from '../../core/errors.js';

/**
 * Flags for a headless Chromium that makes no connection of its own: no background networking,
 * no component or safe-browsing updates, no sync, no metrics (Chromium otherwise calls Google
 * hosts at start).
 */
export const QUIET_CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--disable-client-side-phishing-detection',
  '--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,CertificateTransparencyComponentUpdater',
  '--metrics-recording-only',
  '--safebrowsing-disable-auto-update',
];

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium Weft drives: WEFT_CHROMIUM, else the system's. */
export function chromiumPath(): string {
  const configured = process.env['WEFT_CHROMIUM'];
  if (configured !== undefined && configured !== '') {
    if (!existsSync(configured)) throw new WeftError('NOT_FOUND', `WEFT_CHROMIUM points to ${configured}, which does not exist`);
    return configured;
  }
  const found = CANDIDATES.find((path) => existsSync(path));
  if (found === undefined) {
    throw new WeftError('NOT_FOUND', 'No Chromium found (looked for /usr/bin/chromium and others). Install it (Debian: apt-get install chromium) or set WEFT_CHROMIUM to its path');
  }
  return found;
}

/** Runs fn with a fresh headless Chromium profile, closed and removed afterwards. */
export async function withChromium<T>(fn: (context: BrowserContext) => Promise<T>, options: { args?: readonly string[] } = {}): Promise<T> {
  const profile = await mkdtemp(join(tmpdir(), 'weft-chromium-'));
  // Loaded on first use: playwright-core costs every `weft` command about a second to import.
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: [...QUIET_CHROMIUM_ARGS, ...(options.args ?? [])],
  });
  try {
    return await fn(context);
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

/** Prints a self-contained HTML page to PDF; any request the page tries to make is refused. */
export async function printPdf(html: string, out: string): Promise<void> {
  await withChromium(async (context) => {
    await context.route('**/*', (route) => route.abort());
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.pdf({ path: out, preferCSSPageSize: true, printBackground: true });
  });
}
