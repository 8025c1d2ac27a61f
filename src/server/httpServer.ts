import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { contract, isMethodName } from '../core/api/contract.js';
import { dispatch, type Result } from '../core/api/dispatch.js';
import type { EventEnvelope, EventHub } from '../core/api/events.js';
import {
  ARROW_CONTENT_TYPE,
  EVENTS_POLL_TIMEOUT_MS,
  HTTP_API_PREFIX,
  HTTP_EVENTS_PATH,
  HTTP_TOKEN_HEADER,
  JSON_CONTENT_TYPE,
  eventsPollSchema,
  httpStatusFor,
} from '../core/api/http.js';
import type { Handlers } from '../core/api/dispatch.js';
import { WeftError, type ErrorData } from '../core/errors.js';
import { CONTENT_SECURITY_POLICY } from '../core/security/csp.js';
import { contentTypeFor, safeRelativePath, securityHeaders } from '../core/security/staticFiles.js';

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const LOOPBACK = '127.0.0.1';

export interface ServeOptions {
  readonly handlers: Handlers;
  readonly hub: EventHub;
  /** Folder holding the built UI (index.html and its assets). */
  readonly rendererDir: string;
  readonly actor: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** A fixed token, for tests; by default a fresh random one per launch. */
  readonly token?: string;
}

export interface RunningServer {
  readonly url: string;
  /** The URL to open: carries the token in its fragment, which browsers never send to servers. */
  readonly launchUrl: string;
  readonly token: string;
  readonly port: number;
  close(): Promise<void>;
}

function sameToken(given: string | undefined, expected: Buffer): boolean {
  if (given === undefined) return false;
  const buffer = Buffer.from(given);
  return buffer.length === expected.length && timingSafeEqual(buffer, expected);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': JSON_CONTENT_TYPE, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, error: ErrorData): void {
  const result: Result<never> = { ok: false, error };
  sendJson(res, httpStatusFor(error.code), result);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new WeftError('INVALID_INPUT', `Request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new WeftError('INVALID_INPUT', 'Request body is not valid JSON');
  }
}

/**
 * Browser mode: the same API over HTTP, and the UI's static files. The trust boundary matches
 * Electron's: loopback only, a per-launch token on every API call, and Host and Origin checked so
 * that neither another site in the user's browser nor a DNS-rebinding page can reach the study.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const tokenBuffer = Buffer.from(token);
  const pendingPolls = new Set<() => void>();
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();

  async function serveStatic(req: IncomingMessage, res: ServerResponse, rawPath: string): Promise<void> {
    const relative = safeRelativePath(rawPath);
    if (relative === null) {
      res.writeHead(400).end();
      return;
    }
    const file = join(options.rendererDir, relative);
    let body: Buffer;
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      body = await readFile(file);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...securityHeaders(CONTENT_SECURITY_POLICY) });
      res.end('Not found');
      return;
    }
    res.writeHead(200, {
      'content-type': contentTypeFor(relative),
      'content-length': body.length,
      'cache-control': relative === 'index.html' ? 'no-store' : 'no-cache',
      ...securityHeaders(CONTENT_SECURITY_POLICY),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  async function pollEvents(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = eventsPollSchema.safeParse(await readBody(req));
    if (!parsed.success) throw new WeftError('INVALID_INPUT', 'Events poll needs {"after": <sequence number or null>}');
    const after = parsed.data.after;
    if (after === null) {
      sendJson(res, 200, { events: [], last: options.hub.lastSeq() });
      return;
    }
    const ready = options.hub.since(after);
    if (ready.length > 0) {
      sendJson(res, 200, { events: ready, last: options.hub.lastSeq() });
      return;
    }
    await new Promise<void>((resolve) => {
      let unsubscribe = (): void => undefined;
      const finish = (events: readonly EventEnvelope[]): void => {
        clearTimeout(timer);
        unsubscribe();
        pendingPolls.delete(onClose);
        if (!res.writableEnded) sendJson(res, 200, { events, last: Math.max(after, ...events.map((e) => e.seq)) });
        resolve();
      };
      const onClose = (): void => finish([]);
      const timer = setTimeout(() => finish([]), EVENTS_POLL_TIMEOUT_MS);
      unsubscribe = options.hub.subscribe(() => finish(options.hub.since(after)));
      pendingPolls.add(onClose);
      req.on('close', onClose);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host ?? '';
    if (!allowedHosts.has(host)) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end('Weft answers only on its loopback address');
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) {
      sendError(res, { code: 'UNAUTHORIZED', message: `Requests from ${origin} are refused` });
      return;
    }
    const rawPath = req.url ?? '/';
    const pathname = new URL(rawPath, `http://${host}`).pathname;
    if (!pathname.startsWith(HTTP_API_PREFIX)) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      await serveStatic(req, res, rawPath);
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const given = req.headers[HTTP_TOKEN_HEADER];
    if (!sameToken(Array.isArray(given) ? given[0] : given, tokenBuffer)) {
      sendError(res, { code: 'UNAUTHORIZED', message: 'Missing or wrong session token; open the URL that "weft serve" printed' });
      return;
    }
    if (pathname === HTTP_EVENTS_PATH) {
      await pollEvents(req, res);
      return;
    }
    const method = decodeURIComponent(pathname.slice(HTTP_API_PREFIX.length));
    const input = await readBody(req);
    const result = await dispatch(options.handlers, method, input, { actor: options.actor, events: options.hub });
    if (!result.ok) {
      sendError(res, result.error);
      return;
    }
    if (isMethodName(method) && contract[method].encoding === 'arrow' && result.value instanceof Uint8Array) {
      res.writeHead(200, { 'content-type': ARROW_CONTENT_TYPE, 'content-length': result.value.byteLength, 'cache-control': 'no-store' });
      res.end(result.value);
      return;
    }
    sendJson(res, 200, result);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, error instanceof WeftError ? error.toData() : { code: 'INTERNAL', message: String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`${LOOPBACK}:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([`http://${LOOPBACK}:${port}`, `http://localhost:${port}`]);
  const url = `http://${LOOPBACK}:${port}/`;

  return {
    url,
    launchUrl: `${url}#token=${token}`,
    token,
    port,
    close: async () => {
      for (const end of [...pendingPolls]) end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
