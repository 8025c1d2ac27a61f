import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../src/core/security/csp.js';
import { serveAppRequest } from '../../../src/main/appProtocol.js';

let base: string;
let root: string;

const files: Record<string, string> = {
  'index.html': '<!doctype html><title>Weft</title>',
  'assets/app.js': 'console.log(1)',
  'assets/worker.mjs': 'export {}',
  'assets/app.css': 'body{}',
  'assets/app.js.map': '{}',
  'data/labels.json': '[]',
  'wasm/vision.wasm': '\0asm',
  'img/logo.png': 'png',
  'img/logo.svg': '<svg/>',
  'models/face_landmarker.task': 'model',
  'notes.unknownext': 'x',
};

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'weft-app-protocol-'));
  root = join(base, 'renderer');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  await writeFile(join(base, 'secret.txt'), 'outside the renderer');
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

const get = (url: string): Promise<Response> => serveAppRequest(root, { method: 'GET', url });

describe('serveAppRequest', () => {
  it('serves index.html for app://weft/ with the security headers', async () => {
    const response = await get('app://weft/');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(files['index.html']);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it.each([
    ['assets/app.js', 'text/javascript; charset=utf-8'],
    ['assets/worker.mjs', 'text/javascript; charset=utf-8'],
    ['assets/app.css', 'text/css; charset=utf-8'],
    ['assets/app.js.map', 'application/json; charset=utf-8'],
    ['data/labels.json', 'application/json; charset=utf-8'],
    ['wasm/vision.wasm', 'application/wasm'],
    ['img/logo.png', 'image/png'],
    ['img/logo.svg', 'image/svg+xml'],
    ['models/face_landmarker.task', 'application/octet-stream'],
    ['notes.unknownext', 'application/octet-stream'],
  ])('serves %s as %s', async (path, type) => {
    const response = await get(`app://weft/${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(await response.text()).toBe(files[path]);
  });

  it('answers HEAD with headers and no body', async () => {
    const response = await serveAppRequest(root, { method: 'HEAD', url: 'app://weft/assets/app.js' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toBe('');
  });

  it('refuses other methods', async () => {
    const response = await serveAppRequest(root, { method: 'POST', url: 'app://weft/index.html' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it.each(['app://weft/../secret.txt', 'app://weft/%2e%2e/secret.txt', 'app://weft/%2e%2e%2fsecret.txt', 'app://other/index.html'])(
    'answers 404 to %s without reading anything',
    async (url) => {
      const read = vi.fn(async () => new Uint8Array());
      const response = await serveAppRequest(root, { method: 'GET', url }, read);
      expect(response.status).toBe(404);
      expect(read).not.toHaveBeenCalled();
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    },
  );

  it('answers 404 for a missing file and for a folder without index.html', async () => {
    expect((await get('app://weft/nope.js')).status).toBe(404);
    expect((await get('app://weft/assets')).status).toBe(404);
    expect((await get('app://weft/assets/')).status).toBe(404);
  });

  it('answers 500 when a file exists but cannot be read', async () => {
    const read = vi.fn(async () => {
      throw Object.assign(new Error('denied'), { code: 'EACCES' });
    });
    const response = await serveAppRequest(root, { method: 'GET', url: 'app://weft/index.html' }, read);
    expect(response.status).toBe(500);
    expect(read).toHaveBeenCalledWith(join(root, 'index.html'));
  });
});
