import { describe, expect, it } from 'vitest';
import { contentTypeFor, safeRelativePath } from '../../../src/core/security/staticFiles.js';

describe('safeRelativePath, shared by browser mode and app://', () => {
  it('maps request paths to paths under the UI folder', () => {
    expect(safeRelativePath('')).toBe('index.html');
    expect(safeRelativePath('/')).toBe('index.html');
    expect(safeRelativePath('/?x=1#y')).toBe('index.html');
    expect(safeRelativePath('/app.js')).toBe('app.js');
    expect(safeRelativePath('/docs/')).toBe('docs/index.html');
    expect(safeRelativePath('/my%20file.js')).toBe('my file.js');
    expect(safeRelativePath('/%252e%252e/x')).toBe('%2e%2e/x');
  });

  it.each(['/../x', '/a/../../x', '/./index.html', '/%2e%2e/x', '/..%2fx', '/%2fetc', '//etc', '/a%5cb', '/a\\b', '/C%3a/x', '/%00', '/%zz', '/a//b'])(
    'refuses %s',
    (path) => expect(safeRelativePath(path)).toBeNull(),
  );

  it('names content types by extension', () => {
    expect(contentTypeFor('app.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('x.WASM')).toBe('application/wasm');
    expect(contentTypeFor('unknown.bin')).toBe('application/octet-stream');
  });
});
