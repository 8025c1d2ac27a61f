import { readFile } from 'node:fs/promises';
import { contentTypeFor } from '../core/security/staticFiles.js';
import { appResponseHeaders, resolveAppPath } from './security.js';

export interface AppRequest {
  readonly method: string;
  readonly url: string;
}

export type ReadBytes = (path: string) => Promise<Uint8Array>;

const MISSING_FILE_CODES: ReadonlySet<string> = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

function textResponse(status: number, text: string, extraHeaders: Record<string, string> = {}): Response {
  return new Response(text, {
    status,
    headers: { ...appResponseHeaders('text/plain; charset=utf-8'), ...extraHeaders },
  });
}

/** The response to one app:// request: a file of the renderer bundle, with Weft's security headers. */
export async function serveAppRequest(
  rendererRoot: string,
  request: AppRequest,
  readBytes: ReadBytes = readFile,
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return textResponse(405, 'Method not allowed', { Allow: 'GET, HEAD' });
  }
  const path = resolveAppPath(rendererRoot, request.url);
  if (path === null) return textResponse(404, 'Not found');
  let bytes: Uint8Array;
  try {
    bytes = await readBytes(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code !== undefined && MISSING_FILE_CODES.has(code)) return textResponse(404, 'Not found');
    return textResponse(500, 'Could not read the file');
  }
  const headers = appResponseHeaders(contentTypeFor(path));
  if (request.method === 'HEAD') return new Response(null, { status: 200, headers });
  return new Response(new Uint8Array(bytes), { status: 200, headers });
}
