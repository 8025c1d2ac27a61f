/** Separators, a drive letter's colon and control characters never belong in one path segment. */
function isForbiddenSegment(segment: string): boolean {
  if (segment === '.' || segment === '..') return true;
  for (const char of segment) {
    const code = char.charCodeAt(0);
    if (char === '/' || char === '\\' || char === ':' || code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * How the UI's static files are addressed, shared by browser mode and Electron's app:// protocol:
 * the path of a request as written (before URL parsing folds "..", "%2e%2e" and "\" away) becomes
 * a "/"-separated path relative to the renderer folder ("index.html" for a folder), or null for
 * anything that would need folding, leave the folder, or name a drive or a control character.
 */
export function safeRelativePath(rawPath: string): string | null {
  const path = rawPath.split(/[?#]/, 1)[0] ?? '';
  if (path.includes('\\')) return null;
  const encoded = path === '' ? [''] : path.replace(/^\//, '').split('/');
  const segments: string[] = [];
  for (const [index, segment] of encoded.entries()) {
    if (segment === '') {
      if (index === encoded.length - 1) segments.push('index.html');
      else return null;
      continue;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return null;
    }
    if (isForbiddenSegment(decoded)) return null;
    segments.push(decoded);
  }
  return segments.join('/');
}

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  map: 'application/json; charset=utf-8',
  wasm: 'application/wasm',
  png: 'image/png',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  task: 'application/octet-stream',
  tflite: 'application/octet-stream',
};

export function contentTypeFor(path: string): string {
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

/** Headers every UI response carries, in both modes. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
    'cross-origin-resource-policy': 'same-origin',
    'x-frame-options': 'DENY',
  };
}
