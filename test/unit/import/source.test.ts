import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectSource } from '../../../src/backend/import/source.js';
import { tempDir } from '../../support/paths.js';

let dir: string;
let remove: () => Promise<void>;
beforeAll(async () => {
  ({ dir, remove } = await tempDir());
});
afterAll(async () => {
  await remove();
});

// Files are read in 1 MiB chunks; these put a multi-byte character across the first boundary.
const head = Buffer.alloc((1 << 20) - 2, 0x61);

describe('text encoding detection', () => {
  it.each([
    ['a four-byte character split across chunks is still UTF-8', Buffer.concat([head, Buffer.from('😀 ok\n')]), 'utf-8'],
    ['a lone Latin-1 byte means Windows-1252', Buffer.concat([head, Buffer.from([0xe9, 0x0a])]), 'windows-1252'],
    ['a character cut off at the end of the file is not UTF-8', Buffer.concat([head, Buffer.from([0xf0, 0x9f])]), 'windows-1252'],
    ['a UTF-8 byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\n')]), 'utf-8'],
  ])('%s', async (_what, bytes, encoding) => {
    const path = join(dir, 'file.txt');
    await writeFile(path, bytes);
    expect((await inspectSource(path)).encoding).toBe(encoding);
  });
});
