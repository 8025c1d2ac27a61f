/**
 * The Content-Security-Policy of Weft's UI, the same in Electron (app://) and in browser mode.
 * Scripts only from Weft itself; WebAssembly for MediaPipe; nothing may be fetched from anywhere
 * else, so a bug or an injected string cannot send data off the machine.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
