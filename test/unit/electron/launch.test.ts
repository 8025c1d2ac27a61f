import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE, STUDY_FILE } from '../../../src/core/study/settings.js';
import {
  chooseStudy,
  defaultStudyName,
  desktopActor,
  holdsNoStudy,
  isStudyFolder,
  parseStudyArgument,
  readDesktopSettings,
  writeDesktopSettings,
} from '../../../src/main/launch.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weft-launch-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parseStudyArgument', () => {
  it('reads --study DIR and --study=DIR among other arguments', () => {
    expect(parseStudyArgument(['/usr/bin/electron', '.', '--study', '/data/s1'])).toBe('/data/s1');
    expect(parseStudyArgument(['weft', '--no-sandbox-is-not-ours', '--study=/data/s 2'])).toBe('/data/s 2');
  });

  it('is null when there is no --study', () => {
    expect(parseStudyArgument(['/usr/bin/electron', '.'])).toBeNull();
    expect(parseStudyArgument(['weft', '--studying', 'x'])).toBeNull();
  });

  it.each([[['weft', '--study']], [['weft', '--study=']], [['weft', '--study', '--verbose']], [['weft', '--study', '']]])(
    'refuses %j with INVALID_INPUT',
    (argv) => expect(() => parseStudyArgument(argv)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' })),
  );
});

describe('chooseStudy', () => {
  const always = (): boolean => true;
  const never = (): boolean => false;

  it('prefers the command line, resolved against cwd, over the last study', () => {
    expect(chooseStudy(['weft', '--study', 'studies/a'], { last_study: '/data/old' }, '/home/r', always)).toEqual({
      kind: 'argument',
      dir: resolve('/home/r', 'studies/a'),
    });
  });

  it('reopens the last study while it is still a study', () => {
    expect(chooseStudy(['weft'], { last_study: '/data/old' }, '/home/r', always)).toEqual({ kind: 'last-used', dir: '/data/old' });
  });

  it('asks when the last study is gone or there is none', () => {
    expect(chooseStudy(['weft'], { last_study: '/data/old' }, '/home/r', never)).toEqual({ kind: 'ask' });
    expect(chooseStudy(['weft'], {}, '/home/r', always)).toEqual({ kind: 'ask' });
  });
});

describe('study folders', () => {
  it('tells a study, an empty folder and a partial study apart', async () => {
    const empty = join(dir, 'empty');
    const study = join(dir, 'study');
    const partial = join(dir, 'partial');
    await mkdir(empty);
    await mkdir(study);
    await mkdir(partial);
    await writeFile(join(study, STUDY_FILE), '{}');
    await writeFile(join(partial, DATABASE_FILE), '');

    expect([isStudyFolder(empty), holdsNoStudy(empty)]).toEqual([false, true]);
    expect([isStudyFolder(study), holdsNoStudy(study)]).toEqual([true, false]);
    expect([isStudyFolder(partial), holdsNoStudy(partial)]).toEqual([false, false]);
    expect(holdsNoStudy(join(dir, 'does-not-exist'))).toBe(true);
  });

  it('names a new study after its folder', () => {
    expect(defaultStudyName('/data/fractions-2025')).toBe('fractions-2025');
    expect(defaultStudyName('/data/fractions-2025/')).toBe('fractions-2025');
    expect(defaultStudyName('/')).toBe('Weft study');
  });
});

describe('desktop settings', () => {
  it('round-trips the last study', async () => {
    const path = join(dir, 'weft-desktop.json');
    await writeDesktopSettings(path, { last_study: '/data/s1' });
    expect(await readDesktopSettings(path)).toEqual({ last_study: '/data/s1' });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ last_study: '/data/s1' });
  });

  it('treats a missing, damaged or foreign file as no settings', async () => {
    expect(await readDesktopSettings(join(dir, 'missing.json'))).toEqual({});
    const damaged = join(dir, 'damaged.json');
    await writeFile(damaged, '{"last_study": ');
    expect(await readDesktopSettings(damaged)).toEqual({});
    const foreign = join(dir, 'foreign.json');
    await writeFile(foreign, '{"last_study": 42}');
    expect(await readDesktopSettings(foreign)).toEqual({});
  });
});

describe('desktopActor', () => {
  it('names the OS user', () => {
    expect(desktopActor(() => 'alice')).toBe('desktop:alice');
  });

  it('falls back when the OS cannot name the user', () => {
    const actor = desktopActor(() => {
      throw new Error('ENOENT: no such file or directory, uv_os_get_passwd');
    });
    expect(actor).toMatch(/^desktop:.+/);
  });
});
