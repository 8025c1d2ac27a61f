import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WeftError } from '../../core/errors.js';
import { extractionEventSchema, type ExtractionEvent, type ExtractionJob } from '../../core/face/extraction.js';
import { CONTENT_SECURITY_POLICY } from '../../core/security/csp.js';
import { contentTypeFor, safeRelativePath, securityHeaders } from '../../core/security/staticFiles.js';

const LOOPBACK = '127.0.0.1';
const MAX_EVENT_BYTES = 64 << 20;

export interface LoopbackServerOptions {
  /** The built UI folder (dist/src/renderer): the extraction page, its scripts, MediaPipe's wasm. */
  readonly rendererDir: string;
  readonly videoPath: string;
  readonly modelPath: string;
  /** The job, given the addresses this server answers on. */
  readonly job: (urls: Pick<ExtractionJob, 'videoUrl' | 'modelUrl' | 'wasmLoaderUrl' | 'wasmBinaryUrl' | 'eventsUrl'>) => ExtractionJob;
  /** Each event the page reports; the page waits for it to be handled (back-pressure). */
  readonly onEvent: (event: ExtractionEvent) => Promise<void>;
}

export interface LoopbackServer {
  /** The page to open. */
  readonly pageUrl: string;
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * A server for one extraction, on 127.0.0.1 only, every path under a random prefix: the page,
 * the job, the video (with byte ranges), the model and MediaPipe's WebAssembly. Nothing the page
 * needs comes from anywhere else, and it answers nothing outside the prefix.
 */
export async function startLoopbackServer(options: LoopbackServerOptions): Promise<LoopbackServer> {
  const prefix = `/${randomBytes(18).toString('base64url')}/`;
  let host = '';
  let job: ExtractionJob | null = null;

  async function serveFile(req: IncomingMessage, res: ServerResponse, path: string, contentType: string, headers: Record<string, string> = {}): Promise<void> {
    const size = (await stat(path)).size;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const base = { 'content-type': contentType, 'accept-ranges': 'bytes', 'cache-control': 'no-store', ...securityHeaders(CONTENT_SECURITY_POLICY), ...headers };
    if (req.headers.range !== undefined && range === null) {
      res.writeHead(416, { ...base, 'content-range': `bytes */${size}` }).end();
      return;
    }
    const start = range === null ? 0 : Number(range[1]);
    const end = range === null || range[2] === '' ? size - 1 : Math.min(size - 1, Number(range[2]));
    if (range !== null && (start >= size || start > end)) {
      res.writeHead(416, { ...base, 'content-range': `bytes */${size}` }).end();
      return;
    }
    res.writeHead(range === null ? 200 : 206, { ...base, 'content-length': end - start + 1, ...(range === null ? {} : { 'content-range': `bytes ${start}-${end}/${size}` }) });
    if (req.method === 'HEAD' || size === 0) {
      res.end();
      return;
    }
    await new Promise<void>((resolve, reject) => {
      createReadStream(path, { start, end }).on('error', reject).pipe(res).on('finish', resolve).on('error', reject);
    });
  }

  async function readEvent(req: IncomingMessage): Promise<ExtractionEvent> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_EVENT_BYTES) throw new WeftError('INVALID_INPUT', 'extraction report too large');
      chunks.push(chunk as Buffer);
    }
    const parsed = extractionEventSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    if (!parsed.success) throw new WeftError('INVALID_INPUT', `the extraction page sent a report Weft does not understand: ${parsed.error.message.slice(0, 500)}`);
    return parsed.data;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The path as written: URL parsing would fold ".." and "%2e%2e" away before the check.
    const path = (req.url ?? '/').split(/[?#]/, 1)[0] ?? '/';
    if (req.headers.host !== host || !path.startsWith(prefix)) {
      res.writeHead(404).end();
      return;
    }
    const route = path.slice(prefix.length);
    if (route === 'events' && req.method === 'POST') {
      await options.onEvent(await readEvent(req));
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (route === 'job') {
      const body = JSON.stringify(job);
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', ...securityHeaders(CONTENT_SECURITY_POLICY) }).end(body);
      return;
    }
    if (route === 'video') return serveFile(req, res, options.videoPath, 'application/octet-stream');
    if (route === 'model') return serveFile(req, res, options.modelPath, 'application/octet-stream');
    const relative = safeRelativePath(`/${route}`);
    if (relative === null) {
      res.writeHead(400).end();
      return;
    }
    const file = join(options.rendererDir, relative);
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': contentTypeFor(relative), 'content-length': body.length, 'cache-control': 'no-store', ...securityHeaders(CONTENT_SECURITY_POLICY) });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      res.writeHead(error instanceof WeftError && error.code === 'INVALID_INPUT' ? 400 : 500, { 'content-type': 'text/plain; charset=utf-8' }).end(message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  host = `${LOOPBACK}:${port}`;
  const origin = `http://${host}`;
  const base = `${origin}${prefix}`;
  job = options.job({
    videoUrl: `${base}video`,
    modelUrl: `${base}model`,
    wasmLoaderUrl: `${base}mediapipe/vision_wasm_module_internal.js`,
    wasmBinaryUrl: `${base}mediapipe/vision_wasm_module_internal.wasm`,
    eventsUrl: `${base}events`,
  });
  return {
    pageUrl: `${base}extraction.html`,
    origin,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
