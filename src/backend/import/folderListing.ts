import { readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { FolderListing, ListedEntry } from '../../core/api/schemas.js';
import { WeftError, isWeftError } from '../../core/errors.js';
import { detectImporter } from './registry.js';
import { inspectHead } from './source.js';

/** Files whose format is recognised in one listing; the rest are listed without it. */
export const RECOGNISED_PER_LISTING = 200;

/**
 * A folder's entries for picking files to import: folders first, then files, each file with the
 * format Weft recognises from its first 64 KB (or why it does not). Hidden entries are left out.
 */
export async function listFolder(dirArg: string): Promise<FolderListing> {
  const dir = resolve(dirArg);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => !name.startsWith('.'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new WeftError(code === 'ENOENT' || code === 'ENOTDIR' ? 'NOT_FOUND' : 'INVALID_INPUT', `Cannot list ${dir}: ${code === 'ENOENT' ? 'no such folder' : code === 'ENOTDIR' ? 'not a folder' : (code ?? String(error))}`);
  }
  const entries: { name: string; path: string; folder: boolean; bytes: number | null }[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (info === null || !(info.isDirectory() || info.isFile())) continue;
    entries.push({ name, path, folder: info.isDirectory(), bytes: info.isFile() ? info.size : null });
  }
  const byName = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
  entries.sort((a, b) => Number(b.folder) - Number(a.folder) || byName.compare(a.name, b.name));
  let recognised = 0;
  const listed: ListedEntry[] = [];
  for (const entry of entries) {
    if (entry.folder) {
      listed.push({ name: entry.name, path: entry.path, kind: 'folder', bytes: null, format: null, note: null });
      continue;
    }
    recognised += 1;
    listed.push({ name: entry.name, path: entry.path, kind: 'file', bytes: entry.bytes, ...(recognised > RECOGNISED_PER_LISTING ? { format: null, note: null } : await recognise(entry.path)) });
  }
  const parent = dirname(dir);
  return { dir, parent: parent === dir ? null : parent, entries: listed, recognised_all: recognised <= RECOGNISED_PER_LISTING };
}

async function recognise(path: string): Promise<{ format: string | null; note: string | null }> {
  try {
    return { format: detectImporter(await inspectHead(path)).format, note: null };
  } catch (error) {
    if (!isWeftError(error)) throw error;
    // The reason's first sentence, without the path the listing already shows; the import names every format.
    if (error.message.includes('does not recognise')) return { format: null, note: 'not a format Weft recognises from its contents' };
    const reason = error.message.replace(`${path}: `, '').replace(path, 'it');
    return { format: null, note: reason.split('. ')[0] ?? reason };
  }
}
