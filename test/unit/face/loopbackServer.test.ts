import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExtractionEvent } from '../../../src/core/face/extraction.js';
import { DEFAULT_EXTRACTION_OPTIONS } from '../../../src/core/face/extraction.js';
import { startLoopbackServer, type LoopbackServer } from '../../../src/backend/face/loopbackServer.js';
import { tempDir } from '../../support/paths.js';

/** A raw request, so the Host header can be wrong on purpose. */
function get(url: string, headers: Record<string, string> = {}, method = 'GET', body?: string, rawPath?: string): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, path: rawPath ?? `${target.pathname}${target.search}`, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the extraction loopback server', () => {
  let server: LoopbackServer;
  let remove: () => Promise<void>;
  const events: ExtractionEvent[] = [];
  const video = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

  beforeAll(async () => {
    const temp = await tempDir('weft-face-server-');
    remove = temp.remove;
    await mkdir(join(temp.dir, 'renderer', 'mediapipe'), { recursive: true });
    await writeFile(join(temp.dir, 'renderer', 'extraction.html'), '<!doctype html>');
    await writeFile(join(temp.dir, 'video.mp4'), video);
    await writeFile(join(temp.dir, 'model.task'), 'model');
    server = await startLoopbackServer({
      rendererDir: join(temp.dir, 'renderer'),
      videoPath: join(temp.dir, 'video.mp4'),
      modelPath: join(temp.dir, 'model.task'),
      job: (urls) => ({ input: 'video', ...urls, startFrame: 0, options: DEFAULT_EXTRACTION_OPTIONS }),
      onEvent: async (event) => {
        events.push(event);
      },
    });
  });
  afterAll(async () => {
    await server.close();
    await remove();
  });

  const at = (route: string): string => new URL(route, server.pageUrl).href;

  it('listens on 127.0.0.1 only, and serves the page with Weft\'s CSP', async () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await get(server.pageUrl);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/connect-src 'self'/);
    expect(page.headers['cross-origin-embedder-policy']).toBe('require-corp');
  });

  it('gives the job with addresses on itself only', async () => {
    const job = JSON.parse((await get(at('job'))).body.toString('utf8')) as Record<string, unknown>;
    for (const key of ['videoUrl', 'modelUrl', 'wasmLoaderUrl', 'wasmBinaryUrl', 'eventsUrl']) expect(String(job[key]).startsWith(server.origin)).toBe(true);
  });

  it('serves byte ranges of the video', async () => {
    const part = await get(at('video'), { range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 10-19/1000');
    expect(part.body.equals(video.subarray(10, 20))).toBe(true);
    expect((await get(at('video'), { range: 'bytes=5000-5001' })).status).toBe(416);
  });

  it('answers nothing outside its random prefix, to another Host, or outside the UI folder', async () => {
    const { port } = new URL(server.origin);
    expect((await get(`${server.origin}/video`)).status).toBe(404);
    expect((await get(at('video'), { host: `evil.example:${port}` })).status).toBe(404);
    const prefix = new URL(server.pageUrl).pathname.replace(/extraction\.html$/, '');
    expect((await get(server.origin, {}, 'GET', undefined, `${prefix}%2e%2e/%2e%2e/etc/passwd`)).status).toBe(400);
    expect((await get(server.origin, {}, 'GET', undefined, `${prefix}../video`)).status).toBe(400);
  });

  it('accepts only reports it understands', async () => {
    const ok = await get(at('events'), { 'content-type': 'application/json' }, 'POST', JSON.stringify({ type: 'progress', framesInferred: 5 }));
    expect(ok.status).toBe(204);
    expect(events).toEqual([{ type: 'progress', framesInferred: 5 }]);
    const bad = await get(at('events'), { 'content-type': 'application/json' }, 'POST', JSON.stringify({ type: 'frames', segment: 0, rows: [{ frame: 0, t: 0, face: true, bs: [1, 2] }] }));
    expect(bad.status).toBe(400);
  });
});
