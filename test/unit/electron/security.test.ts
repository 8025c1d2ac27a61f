import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../src/core/security/csp.js';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  APP_SCHEME_REGISTRATION,
  appResponseHeaders,
  createWindowOptions,
  decideNavigation,
  decidePermission,
  decidePermissionCheck,
  decideRequest,
  decideWindowOpen,
  isAppUrl,
  isTrustedSender,
  resolveAppPath,
} from '../../../src/main/security.js';

const ROOT = resolve('/opt/weft/dist/src/renderer');

describe('createWindowOptions', () => {
  const options = createWindowOptions('/opt/weft/dist/src/preload/index.cjs');

  it('isolates and sandboxes the page and gives it no Node', () => {
    expect(options.webPreferences).toEqual({
      preload: '/opt/weft/dist/src/preload/index.cjs',
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
    });
  });

  it('stays hidden until the page is ready to show', () => {
    expect(options.show).toBe(false);
    expect(options.title).toBe('Weft');
    expect(options.backgroundColor).toMatch(/^#[0-9a-f]{6}$/i);
    expect(options.width).toBeGreaterThanOrEqual(options.minWidth ?? 0);
    expect(options.height).toBeGreaterThanOrEqual(options.minHeight ?? 0);
  });
});

describe('the app:// scheme', () => {
  it('is registered as a secure standard scheme that can fetch and stream, without bypassing CSP', () => {
    expect(APP_SCHEME_REGISTRATION).toEqual({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
    });
    expect(APP_ORIGIN).toBe('app://weft');
    expect(APP_ENTRY_URL).toBe('app://weft/');
  });
});

describe('isAppUrl', () => {
  it.each(['app://weft', 'app://weft/', 'app://weft/index.html', 'app://weft/assets/app.js?v=1#top', 'APP://WEFT/x'])(
    'accepts %s',
    (url) => expect(isAppUrl(url)).toBe(true),
  );

  it.each([
    'app://weft.evil/',
    'app://evil.weft/',
    'app://weftx/',
    'app://weft:8080/',
    'app://user@weft/',
    'app://user:pw@weft/',
    'app://other/',
    'app:weft/index.html',
    'app:/weft/index.html',
    'http://weft/',
    'https://weft/',
    'http://localhost:5173/',
    'file:///opt/weft/dist/src/renderer/index.html',
    'blob:app://weft/0b3c',
    'javascript:alert(1)',
    'data:text/html,<script>1</script>',
    'about:blank',
    '',
    'not a url',
  ])('refuses %s', (url) => expect(isAppUrl(url)).toBe(false));

  it('refuses a missing URL', () => {
    expect(isAppUrl(null)).toBe(false);
    expect(isAppUrl(undefined)).toBe(false);
  });
});

describe('resolveAppPath', () => {
  it('serves index.html for the root, with or without a slash, query or fragment', () => {
    for (const url of ['app://weft', 'app://weft/', 'app://weft/?study=1', 'app://weft/#/timeline']) {
      expect(resolveAppPath(ROOT, url)).toBe(join(ROOT, 'index.html'));
    }
  });

  it('maps a path to the file under the renderer root', () => {
    expect(resolveAppPath(ROOT, 'app://weft/assets/app.js')).toBe(join(ROOT, 'assets', 'app.js'));
    expect(resolveAppPath(ROOT, 'app://weft/models/face_landmarker.task?x=1')).toBe(join(ROOT, 'models', 'face_landmarker.task'));
    expect(resolveAppPath(ROOT, 'app://weft/docs/')).toBe(join(ROOT, 'docs', 'index.html'));
  });

  it('decodes percent-encoded names that stay inside the root', () => {
    expect(resolveAppPath(ROOT, 'app://weft/my%20file.js')).toBe(join(ROOT, 'my file.js'));
    expect(resolveAppPath(ROOT, 'app://weft/..hidden.js')).toBe(join(ROOT, '..hidden.js'));
  });

  it.each([
    'app://weft/../secret.txt',
    'app://weft/../../../../etc/passwd',
    'app://weft/assets/../../etc/passwd',
    'app://weft/assets/../index.html',
    'app://weft/./index.html',
    'app://weft/%2e%2e/etc/passwd',
    'app://weft/%2E%2E/etc/passwd',
    'app://weft/.%2e/etc/passwd',
    'app://weft/%2e%2e%2fetc%2fpasswd',
    'app://weft/..%2f..%2fetc%2fpasswd',
    'app://weft/assets%2f..%2f..%2fsecret',
    'app://weft/%252e%252e/%2e%2e/x',
    'app://weft/..%5c..%5cwindows%5cwin.ini',
    'app://weft/%5cetc%5cpasswd',
  ])('refuses the traversal %s', (url) => expect(resolveAppPath(ROOT, url)).toBeNull());

  it.each([
    'app://weft//etc/passwd',
    'app://weft/%2fetc%2fpasswd',
    'app://weft/C:/Windows/win.ini',
    'app://weft/C%3a%5cWindows%5cwin.ini',
    'app://weft/assets//app.js',
  ])('refuses the absolute or drive path %s', (url) => expect(resolveAppPath(ROOT, url)).toBeNull());

  it.each(['app://weft/%00.html', 'app://weft/a%0ab.js', 'app://weft/%zz.js', 'app://weft/%'])(
    'refuses control characters and malformed escapes: %s',
    (url) => expect(resolveAppPath(ROOT, url)).toBeNull(),
  );

  it.each([
    'app://other/index.html',
    'app://weft.evil/index.html',
    'app://weft:1/index.html',
    'http://weft/index.html',
    'file:///etc/passwd',
    'app:/index.html',
  ])('refuses another origin: %s', (url) => expect(resolveAppPath(ROOT, url)).toBeNull());

  it('keeps a double-encoded dot-dot as a literal file name inside the root', () => {
    expect(resolveAppPath(ROOT, 'app://weft/%252e%252e/x')).toBe(join(ROOT, '%2e%2e', 'x'));
  });
});

describe('decidePermission', () => {
  it('grants the camera to Weft once consent is recorded', () => {
    expect(decidePermission('media', 'app://weft/', true)).toBe(true);
    expect(decidePermission('media', 'app://weft/capture', true, ['video'])).toBe(true);
  });

  it('refuses the camera without consent', () => {
    expect(decidePermission('media', 'app://weft/', false)).toBe(false);
    expect(decidePermission('media', 'app://weft/', false, ['video'])).toBe(false);
  });

  it('refuses the microphone, alone or with the camera, even with consent', () => {
    expect(decidePermission('media', 'app://weft/', true, ['audio'])).toBe(false);
    expect(decidePermission('media', 'app://weft/', true, ['video', 'audio'])).toBe(false);
    expect(decidePermission('media', 'app://weft/', true, [])).toBe(false);
  });

  it.each(['http://localhost:5173/', 'https://example.org/', 'file:///index.html', 'app://weft.evil/', 'data:text/html,x', ''])(
    'refuses the camera to %s even with consent',
    (url) => expect(decidePermission('media', url, true, ['video'])).toBe(false),
  );

  it.each([
    'geolocation',
    'notifications',
    'display-capture',
    'clipboard-read',
    'clipboard-sanitized-write',
    'fullscreen',
    'midi',
    'midiSysex',
    'openExternal',
    'pointerLock',
    'hid',
    'serial',
    'usb',
    'fileSystem',
    'idle-detection',
    'window-management',
    'unknown',
  ])('refuses %s to Weft itself, consent or not', (permission) => {
    expect(decidePermission(permission, 'app://weft/', true)).toBe(false);
    expect(decidePermission(permission, 'app://weft/', false)).toBe(false);
  });
});

describe('decidePermissionCheck', () => {
  it('answers yes for the camera of Weft with consent, including while devices are enumerated', () => {
    expect(decidePermissionCheck('media', 'app://weft', true, 'video')).toBe(true);
    expect(decidePermissionCheck('media', 'app://weft', true, 'unknown')).toBe(true);
    expect(decidePermissionCheck('media', 'app://weft', true)).toBe(true);
  });

  it('answers no without consent, for the microphone, for other origins and other permissions', () => {
    expect(decidePermissionCheck('media', 'app://weft', false, 'video')).toBe(false);
    expect(decidePermissionCheck('media', 'app://weft', true, 'audio')).toBe(false);
    expect(decidePermissionCheck('media', 'http://localhost:8080', true, 'video')).toBe(false);
    expect(decidePermissionCheck('media', 'file://', true, 'video')).toBe(false);
    expect(decidePermissionCheck('notifications', 'app://weft', true)).toBe(false);
    expect(decidePermissionCheck('clipboard-read', 'app://weft', true)).toBe(false);
  });
});

describe('decideNavigation and decideWindowOpen', () => {
  it('lets a page move within app://weft', () => {
    expect(decideNavigation('app://weft/')).toBe('allow');
    expect(decideNavigation('app://weft/index.html#/sessions')).toBe('allow');
  });

  it.each([
    'https://example.org/',
    'http://localhost:5173/',
    'http://127.0.0.1:8787/',
    'file:///etc/passwd',
    'javascript:alert(document.cookie)',
    'data:text/html,<script>alert(1)</script>',
    'blob:app://weft/1234',
    'about:blank',
    'app://weft.evil/',
    'app://evil/',
    'devtools://devtools/bundled/inspector.html',
    'chrome://settings',
    'mailto:someone@example.org',
  ])('prevents navigation to %s', (url) => expect(decideNavigation(url)).toBe('deny'));

  it('never opens a window', () => {
    expect(decideWindowOpen()).toEqual({ action: 'deny' });
  });
});

describe('isTrustedSender', () => {
  it('trusts frames of app://weft only', () => {
    expect(isTrustedSender('app://weft/')).toBe(true);
    expect(isTrustedSender('app://weft/index.html')).toBe(true);
    for (const url of ['http://localhost:5173/', 'https://example.org/', 'file:///index.html', 'about:blank', 'app://weft.evil/', 'data:text/html,x', '', null, undefined]) {
      expect(isTrustedSender(url)).toBe(false);
    }
  });
});

describe('decideRequest', () => {
  it.each(['app://weft/assets/app.js', 'devtools://devtools/bundled/inspector.js', 'blob:app://weft/1f2e', 'data:image/png;base64,iVBORw0KGgo='])(
    'lets %s through',
    (url) => expect(decideRequest(url)).toEqual({ cancel: false }),
  );

  it.each([
    'https://storage.googleapis.com/mediapipe-models/face_landmarker.task',
    'https://cdn.jsdelivr.net/npm/@mediapipe/tasks-vision/wasm',
    'http://localhost:8787/api/study.info',
    'http://127.0.0.1/',
    'ws://localhost:8787/',
    'wss://example.org/',
    'file:///etc/passwd',
    'ftp://example.org/',
    'app://evil/x.js',
    'app://weft.evil/x.js',
    'chrome-extension://abc/x.js',
    'not a url',
  ])('cancels %s', (url) => expect(decideRequest(url)).toEqual({ cancel: true }));
});

describe('appResponseHeaders', () => {
  it('sends the shared CSP and cross-origin isolation with the given content type', () => {
    const headers = new Headers(appResponseHeaders('text/html; charset=utf-8'));
    expect(headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(headers.get('referrer-policy')).toBe('no-referrer');
  });
});
