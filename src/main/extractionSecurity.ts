import { randomUUID } from 'node:crypto';
import type { BrowserWindowConstructorOptions, ProxyConfig } from 'electron';
import { CLOSED_LOOPBACK } from '../backend/browser/chromium.js';
import { leavesLoopback } from '../backend/face/pageHost.js';
import { LOCKED_DOWN_WEB_PREFERENCES } from './security.js';

/**
 * The decisions of the hidden window face extraction runs in, as pure functions, so that each can
 * be tested without Electron; extractionWindow.ts only wires them to Electron's hooks. Navigation
 * and window.open are refused for this window as for every other, by the app-wide rules in
 * index.ts (security.ts: decideNavigation allows only app://weft, decideWindowOpen denies all):
 * after its one programmatic load the hidden page can go nowhere.
 */

/** A fresh in-memory session per run (no "persist:" prefix): no cache, storage or permission outlives it. */
export function extractionPartition(id: string = randomUUID()): string {
  return `weft-extraction-${id}`;
}

/**
 * A window that is never shown, sandboxed, without Node, preload or IPC to the backend, and not
 * throttled while hidden: Chromium otherwise slows a background page's timers, and the extraction
 * page runs for minutes with no one looking at it.
 */
export function extractionWindowOptions(partition: string): BrowserWindowConstructorOptions {
  return {
    show: false,
    width: 640,
    height: 480,
    webPreferences: {
      partition,
      ...LOCKED_DOWN_WEB_PREFERENCES,
      backgroundThrottling: false,
      offscreen: false,
    },
  };
}

/**
 * Under the request filter, the same configuration as the headless Chromium launcher
 * (src/backend/browser/chromium.ts): whatever the session sends beyond loopback goes to a proxy
 * on a closed loopback port and fails there (loopback itself is always reached directly), and
 * WebRTC may not use UDP outside that proxy, so it cannot reach a STUN server either.
 */
export const EXTRACTION_PROXY: ProxyConfig = { mode: 'fixed_servers', proxyRules: CLOSED_LOOPBACK };
export const EXTRACTION_WEBRTC_POLICY = 'disable_non_proxied_udp';

/** The same rule as headless Chromium's (browser.ts refuseOffLoopback): nothing leaves loopback. */
export function decideExtractionRequest(url: string): { cancel: boolean } {
  return { cancel: leavesLoopback(url) };
}

/**
 * An exception the page did not catch, from a console message, or null for ordinary logging.
 * Chromium reports uncaught exceptions and unhandled rejections to the console as errors that
 * begin "Uncaught"; other console errors are not failures (MediaPipe's WebAssembly logs its
 * progress there).
 */
export function uncaughtPageError(level: string, message: string): string | null {
  return level === 'error' && /^Uncaught\b/.test(message) ? message : null;
}

/** Why the page's renderer process went away, in the runner's words ("out of memory"). */
export function rendererGoneReason(reason: string, exitCode: number): string {
  if (reason === 'oom') return 'out of memory';
  if (reason === 'crashed') return `renderer crashed with exit code ${exitCode}: out of memory?`;
  return `renderer ${reason}, exit code ${exitCode}`;
}

/** "Electron 45.4.1 (Chromium 142.0.7444.59, hidden window)", for the provenance of every stream. */
export function electronBrowserName(versions: { readonly electron?: string; readonly chrome?: string }): string {
  return `Electron ${versions.electron ?? 'unknown version'} (Chromium ${versions.chrome ?? 'unknown version'}, hidden window)`;
}
