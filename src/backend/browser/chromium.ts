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
  `--disable-features=${[
    // playwright-core's own list, which this switch replaces (Chromium keeps the last one) …
    'AvoidUnnecessaryBeforeUnloadCheckSync', 'DestroyProfileOnBrowserClose', 'HttpsUpgrades', 'HttpsFirstBalancedModeAutoEnable', 'LensOverlay',
    'MediaRouter', 'PaintHolding', 'ThirdPartyStoragePartitioning', 'AvoidCorsURLLoaderRestartOnRedirect', 'OptimizationHints',
    'NetworkTimeServiceQuerying', 'AimEnabled', 'PreconnectToSearch',
    // … and the services measured calling Google during a Weft run.
    'AutofillServerCommunication', 'Translate', 'CertificateTransparencyComponentUpdater', 'DialMediaRouteProvider',
  ].join(',')}`,
  '--metrics-recording-only',
  '--safebrowsing-disable-auto-update',
];

/** A loopback port nothing listens on: what Weft points every would-be outside request at. */
export const CLOSED_LOOPBACK = 'http://127.0.0.1:9';

/**
 * Every request Chromium would send beyond loopback goes to this proxy, which by default is a
 * closed loopback port: whatever a page or Chromium itself tries, it fails instead of leaving the
 * machine (loopback is always reached directly). WEFT_CHROMIUM_EGRESS_PROXY lets the zero-egress
 * test put a recorder there.
 */
export function egressArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  const proxy = env['WEFT_CHROMIUM_EGRESS_PROXY'] ?? CLOSED_LOOPBACK;
  return [
    `--proxy-server=${proxy}`,
    '--dns-prefetch-disable',
    '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
    // Even headless and with background networking off, Chromium signs in to Google accounts
    // and checks in to Google Cloud Messaging at start (measured: accounts.google.com,
    // android.clients.google.com); pointing those services at a closed loopback port stops it.
    ...['--gaia-url', '--google-apis-url', '--lso-url'].map((flag) => `${flag}=${CLOSED_LOOPBACK}`),
    `--gcm-checkin-url=${CLOSED_LOOPBACK}/checkin`,
    `--gcm-registration-url=${CLOSED_LOOPBACK}/register`,
  ];
}

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
    args: [...QUIET_CHROMIUM_ARGS, ...egressArgs(), ...(options.args ?? [])],
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
