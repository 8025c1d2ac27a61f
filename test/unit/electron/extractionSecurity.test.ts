import { describe, expect, it } from 'vitest';
import {
  EXTRACTION_PROXY,
  EXTRACTION_WEBRTC_POLICY,
  decideExtractionRequest,
  electronBrowserName,
  extractionPartition,
  extractionWindowOptions,
  rendererGoneReason,
  uncaughtPageError,
} from '../../../src/main/extractionSecurity.js';
import { decideNavigation, decideWindowOpen, isTrustedSender } from '../../../src/main/security.js';

const PAGE = 'http://127.0.0.1:41234/Zm9vYmFyYmF6cXV4cXV1eA/extraction.html';

describe('extractionPartition', () => {
  it('is a fresh in-memory session for every run, never a persistent one', () => {
    const a = extractionPartition();
    const b = extractionPartition();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^weft-extraction-[0-9a-f-]{36}$/);
    expect(a.startsWith('persist:')).toBe(false);
    expect(extractionPartition('run-1')).toBe('weft-extraction-run-1');
  });
});

describe('extractionWindowOptions', () => {
  const options = extractionWindowOptions('weft-extraction-run-1');

  it('is never shown, is sandboxed and isolated, has no Node, no preload and its own session', () => {
    expect(options.show).toBe(false);
    expect(options.webPreferences).toMatchObject({
      partition: 'weft-extraction-run-1',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      offscreen: false,
    });
    expect(options.webPreferences?.preload).toBeUndefined();
    expect(options.webPreferences?.session).toBeUndefined();
  });

  it('keeps running at full speed while hidden', () => {
    expect(options.webPreferences?.backgroundThrottling).toBe(false);
  });
});

describe('decideExtractionRequest', () => {
  it.each([
    PAGE,
    'http://127.0.0.1:41234/Zm9v/mediapipe/vision_wasm_module_internal.wasm',
    'http://localhost:41234/x',
    'http://[::1]:41234/x',
    'blob:http://127.0.0.1:41234/0b6f2c1e-1111-2222-3333-444455556666',
    'data:text/plain,hello',
    'about:blank',
  ])('lets %s through', (url) => expect(decideExtractionRequest(url)).toEqual({ cancel: false }));

  it.each([
    'https://storage.googleapis.com/mediapipe-models/face_landmarker/face_landmarker/float16/1/face_landmarker.task',
    'https://cdn.jsdelivr.net/npm/@mediapipe/tasks-vision@0.10.35/wasm/vision_wasm_internal.wasm',
    'https://www.google-analytics.com/collect',
    'http://127.0.0.2:41234/x',
    'http://127.0.0.1.evil.example/x',
    'http://localhost.evil.example/x',
    'http://0.0.0.0:41234/x',
    'http://192.168.1.10/x',
    'ws://example.org/socket',
    'file:///etc/passwd',
    'app://weft/index.html',
    'not a url',
  ])('refuses %s', (url) => expect(decideExtractionRequest(url)).toEqual({ cancel: true }));
});

describe('the session\'s network configuration', () => {
  it('sends anything beyond loopback to a closed loopback port and keeps WebRTC off UDP', () => {
    expect(EXTRACTION_PROXY).toEqual({ mode: 'fixed_servers', proxyRules: 'http://127.0.0.1:9' });
    expect(EXTRACTION_PROXY.proxyBypassRules).toBeUndefined();
    expect(EXTRACTION_WEBRTC_POLICY).toBe('disable_non_proxied_udp');
  });
});

describe('the app-wide rules, as they apply to the hidden window', () => {
  it('allow it no navigation after its load, no window and no call into the backend', () => {
    expect(decideNavigation(PAGE)).toBe('deny');
    expect(decideNavigation('http://127.0.0.1:41234/other')).toBe('deny');
    expect(decideWindowOpen()).toEqual({ action: 'deny' });
    expect(isTrustedSender(PAGE)).toBe(false);
  });
});

describe('uncaughtPageError', () => {
  it('reports exceptions and rejections the page did not catch', () => {
    expect(uncaughtPageError('error', 'Uncaught TypeError: Cannot read properties of undefined')).toBe('Uncaught TypeError: Cannot read properties of undefined');
    expect(uncaughtPageError('error', 'Uncaught (in promise) Error: decoder closed')).toBe('Uncaught (in promise) Error: decoder closed');
  });

  it('leaves ordinary logging alone, MediaPipe\'s WebAssembly messages on the error console included', () => {
    expect(uncaughtPageError('error', 'INFO: Created TensorFlow Lite XNNPACK delegate for CPU.')).toBeNull();
    expect(uncaughtPageError('warning', 'Uncaught but only a warning')).toBeNull();
    expect(uncaughtPageError('info', 'seg 0 frames 120')).toBeNull();
    expect(uncaughtPageError('error', 'An Uncaught word mid-message')).toBeNull();
  });
});

describe('rendererGoneReason', () => {
  it('says what happened to the renderer, naming memory when that is the likely cause', () => {
    expect(rendererGoneReason('oom', -1)).toBe('out of memory');
    expect(rendererGoneReason('crashed', 139)).toBe('renderer crashed with exit code 139: out of memory?');
    expect(rendererGoneReason('killed', 9)).toBe('renderer killed, exit code 9');
    expect(rendererGoneReason('launch-failed', 1)).toBe('renderer launch-failed, exit code 1');
  });
});

describe('electronBrowserName', () => {
  it('names Electron and its Chromium for the provenance of each stream', () => {
    expect(electronBrowserName({ electron: '45.4.1', chrome: '142.0.7444.59' })).toBe('Electron 45.4.1 (Chromium 142.0.7444.59, hidden window)');
    expect(electronBrowserName({})).toBe('Electron unknown version (Chromium unknown version, hidden window)');
  });
});
