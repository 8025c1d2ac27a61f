import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** ../shared beside the clone (WEFT_SHARED overrides): real data, media and the face model. */
export const SHARED = resolve(process.env['WEFT_SHARED'] ?? join(REPO_ROOT, '..', 'shared'));
export const REALDATA = join(SHARED, 'realdata');
export const HAVE_REALDATA = existsSync(REALDATA);
export const SKIP_REALDATA_REASON = `real data folder ${REALDATA} is absent (set WEFT_SHARED to ../shared)`;

export function realdata(...parts: string[]): string {
  return join(REALDATA, ...parts);
}

/** A fresh temporary folder and the function that removes it. */
export async function tempDir(prefix = 'weft-test-'): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A repository file as a quoted module specifier, for the script of a child process (`node --import tsx -e`). */
export function quotedSource(path: string): string {
  return JSON.stringify(join(REPO_ROOT, path));
}
