import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { appendAudit } from '../store/audit.js';
import type { Study } from '../store/study.js';
import { MEDIA_FOLDER } from './formats/mediaConvert.js';

/**
 * Removes the files of the study's media folder that no media row names, and says which. Only
 * Weft writes there (recordings it converted on import), and an import writes its converted copy
 * before it commits: a process that died in between (during FFmpeg's run, or between the rename
 * into place and the commit) leaves a recording that nothing in the study points to, which an
 * erasure would never find. Run when the study is opened for writing; audited.
 */
export async function removeMediaLeftovers(study: Study, actor: string): Promise<string[]> {
  const folder = join(study.dir, MEDIA_FOLDER);
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files = entries.filter((e) => e.isFile()).map((e) => e.name);
  if (files.length === 0) return [];
  const named = new Set((await study.db.read((conn) => conn.all(`SELECT DISTINCT path FROM weft.media WHERE path IS NOT NULL`))).map((r) => String(r['path'])));
  const leftovers = files.filter((name) => !named.has(`${MEDIA_FOLDER}/${name}`)).sort();
  if (leftovers.length === 0) return [];
  const paths = leftovers.map((name) => `${MEDIA_FOLDER}/${name}`);
  await study.db.write((conn) =>
    appendAudit(conn, {
      actor,
      action: 'media.leftovers.remove',
      target: MEDIA_FOLDER,
      detail: { files: paths, reason: 'in the media folder, named by no media row: left by an import or an erasure that did not finish' },
    }),
  );
  for (const name of leftovers) await rm(join(folder, name), { force: true });
  return paths;
}
