import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { BrowserWindowConstructorOptions, CustomScheme, WebPreferences, WindowOpenHandlerResponse } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../core/security/csp.js';
import { safeRelativePath, securityHeaders } from '../core/security/staticFiles.js';

/** Electron's security checklist for every Weft window: isolated, sandboxed, no Node, no webviews. */
export const LOCKED_DOWN_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
  spellcheck: false,
  enableWebSQL: false,
} as const satisfies WebPreferences;

/**
 * Every security decision of the Electron shell, as pure functions of strings, so that each can
 * be tested without Electron. index.ts only wires them to Electron's hooks.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'weft';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/`;

export const APP_SCHEME_REGISTRATION: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
};

const WINDOW_BACKGROUND = '#ffffff';

export function createWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    title: 'Weft',
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    backgroundColor: WINDOW_BACKGROUND,
    webPreferences: {
      preload: preloadPath,
      ...LOCKED_DOWN_WEB_PREFERENCES,
    },
  };
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Whether a URL belongs to Weft's own origin, app://weft, and to nothing that merely resembles it. */
export function isAppUrl(url: string | null | undefined): boolean {
  if (typeof url !== 'string') return false;
  const parsed = parseUrl(url);
  return (
    parsed !== null &&
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname.toLowerCase() === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

// The path as written, before URL parsing folds "..", "%2e%2e" and "\" away: a request that
// needs folding is refused rather than silently served something else.
const RAW_APP_PATH = /^app:\/\/[^/?#\\]*([^?#]*)/i;

/**
 * The file under rendererRoot that app://weft/<path> names ("index.html" for a folder), or null
 * for another origin and for anything that tries to leave rendererRoot.
 */
export function resolveAppPath(rendererRoot: string, requestUrl: string): string | null {
  if (!isAppUrl(requestUrl)) return null;
  const rawPath = RAW_APP_PATH.exec(requestUrl)?.[1];
  const relativePath = rawPath === undefined ? null : safeRelativePath(rawPath);
  if (relativePath === null) return null;
  const root = resolve(rendererRoot);
  const file = join(root, ...relativePath.split('/'));
  const inside = relative(root, file);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return null;
  return file;
}

export type MediaType = 'video' | 'audio' | 'unknown';

/**
 * Whether to grant a permission the page requests. Everything is denied, except the camera for
 * Weft's own pages once consent to record is on file. `mediaTypes`, when given, must ask for the
 * camera alone: Weft never needs the microphone.
 */
export function decidePermission(
  permission: string,
  requestingUrl: string,
  cameraAllowed: boolean,
  mediaTypes?: readonly MediaType[],
): boolean {
  if (permission !== 'media' || !cameraAllowed || !isAppUrl(requestingUrl)) return false;
  if (mediaTypes === undefined) return true;
  return mediaTypes.length > 0 && mediaTypes.every((type) => type === 'video');
}

/**
 * Whether to answer yes when the page asks if it holds a permission (e.g. before listing devices).
 * The same rule as a request; an 'unknown' media type is how Chromium asks while enumerating devices.
 */
export function decidePermissionCheck(
  permission: string,
  requestingOrigin: string,
  cameraAllowed: boolean,
  mediaType?: MediaType,
): boolean {
  return decidePermission(permission, requestingOrigin, cameraAllowed) && mediaType !== 'audio';
}

export type NavigationDecision = 'allow' | 'deny';

/** A page may only navigate within Weft's own origin. */
export function decideNavigation(url: string): NavigationDecision {
  return isAppUrl(url) ? 'allow' : 'deny';
}

/** No page may open a window. */
export function decideWindowOpen(): WindowOpenHandlerResponse {
  return { action: 'deny' };
}

/** Only Weft's own frames may call the backend. */
export function isTrustedSender(frameUrl: string | null | undefined): boolean {
  return isAppUrl(frameUrl);
}

const LOCAL_SCHEMES: ReadonlySet<string> = new Set(['devtools:', 'blob:', 'data:']);

/**
 * Whether a request leaving a page may proceed: Weft's own origin and in-memory URLs only, so the
 * desktop UI makes no network request at all.
 */
export function decideRequest(url: string): { cancel: boolean } {
  const parsed = parseUrl(url);
  const allowed = parsed !== null && (isAppUrl(url) || LOCAL_SCHEMES.has(parsed.protocol));
  return { cancel: !allowed };
}

/**
 * Headers of every app:// response, the same browser mode sends. Cross-origin isolation
 * (COOP + COEP) is what lets workers use SharedArrayBuffer.
 */
export function appResponseHeaders(contentType: string): Record<string, string> {
  return { 'content-type': contentType, ...securityHeaders(CONTENT_SECURITY_POLICY) };
}
