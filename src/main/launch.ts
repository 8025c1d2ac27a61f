import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { WeftError } from '../core/errors.js';
import { DATABASE_FILE, STUDY_FILE } from '../core/study/settings.js';
import { writeFileAtomic } from '../backend/fs/atomic.js';

/** Which study the desktop app opens at launch, and what it remembers between launches. */

export const DESKTOP_SETTINGS_FILE = 'weft-desktop.json';

const desktopSettingsSchema = z.object({ last_study: z.string().min(1).optional() });
export type DesktopSettings = z.infer<typeof desktopSettingsSchema>;

/** The settings in userData; a missing or damaged file means no settings, never a failed launch. */
export async function readDesktopSettings(path: string): Promise<DesktopSettings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = desktopSettingsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export async function writeDesktopSettings(path: string, settings: DesktopSettings): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(settings, null, 2)}\n`);
}

/** The folder given as `--study DIR` or `--study=DIR`, or null when there is none. */
export function parseStudyArgument(argv: readonly string[]): string | null {
  for (const [index, arg] of argv.entries()) {
    if (arg.startsWith('--study=')) {
      const dir = arg.slice('--study='.length);
      if (dir === '') throw new WeftError('INVALID_INPUT', '--study= needs a study folder');
      return dir;
    }
    if (arg === '--study') {
      const dir = argv[index + 1];
      if (dir === undefined || dir === '' || dir.startsWith('--')) {
        throw new WeftError('INVALID_INPUT', '--study needs a study folder');
      }
      return dir;
    }
  }
  return null;
}

export type StudyChoice =
  | { readonly kind: 'argument'; readonly dir: string }
  | { readonly kind: 'last-used'; readonly dir: string }
  | { readonly kind: 'ask' };

/**
 * The command line wins; else the study used last, if it is still there; else the user is asked.
 * Relative folders on the command line are taken from cwd.
 */
export function chooseStudy(
  argv: readonly string[],
  settings: DesktopSettings,
  cwd: string,
  isStudy: (dir: string) => boolean = isStudyFolder,
): StudyChoice {
  const fromArgument = parseStudyArgument(argv);
  if (fromArgument !== null) return { kind: 'argument', dir: resolve(cwd, fromArgument) };
  if (settings.last_study !== undefined && isStudy(settings.last_study)) {
    return { kind: 'last-used', dir: settings.last_study };
  }
  return { kind: 'ask' };
}

export function isStudyFolder(dir: string): boolean {
  return existsSync(join(dir, STUDY_FILE));
}

/**
 * Whether a folder holds no part of a study, so that offering to create one there is safe. A
 * folder with only some of the files is left for Workspace.open to explain.
 */
export function holdsNoStudy(dir: string): boolean {
  return !existsSync(join(dir, STUDY_FILE)) && !existsSync(join(dir, DATABASE_FILE));
}

export function defaultStudyName(dir: string): string {
  return basename(resolve(dir)) || 'Weft study';
}

/** "desktop:<os user>", for the audit log. */
export function desktopActor(username: () => string = () => userInfo().username): string {
  let name: string;
  try {
    name = username();
  } catch {
    // os.userInfo() throws when the uid has no passwd entry (e.g. some containers).
    name = process.env['USER'] ?? process.env['USERNAME'] ?? '';
  }
  return `desktop:${name === '' ? 'unknown' : name}`;
}
