import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SEED, generateDemo, type DemoManifest } from '../../../datasets/demo/generate.js';
import { makeTempDir, removeDir } from './helpers.js';

const small = { participants: 2, minutes: 1.5 } as const;

describe('demo generator determinism', () => {
  const dirs: string[] = [];
  let first: DemoManifest;
  let second: DemoManifest;
  let other: DemoManifest;

  beforeAll(async () => {
    for (const label of ['a', 'b', 'c']) dirs.push(await makeTempDir(`det-${label}`));
    first = await generateDemo(dirs[0] ?? '', small);
    second = await generateDemo(dirs[1] ?? '', small);
    other = await generateDemo(dirs[2] ?? '', { ...small, seed: DEFAULT_SEED + 1 });
  }, 60_000);

  afterAll(async () => {
    for (const dir of dirs) await removeDir(dir);
  });

  it('uses the default seed when none is given', () => {
    expect(first.seed).toBe(20261123);
  });

  it('writes byte-identical files for the same seed', async () => {
    expect(second.files.map((f) => [f.path, f.rows, f.bytes])).toEqual(first.files.map((f) => [f.path, f.rows, f.bytes]));
    for (const file of first.files) {
      const a = await readFile(join(dirs[0] ?? '', file.path));
      const b = await readFile(join(dirs[1] ?? '', file.path));
      expect(a.equals(b), file.path).toBe(true);
    }
  });

  it('reports the bytes it wrote', async () => {
    for (const file of first.files) {
      const bytes = await readFile(join(dirs[0] ?? '', file.path));
      expect(bytes.length, file.path).toBe(file.bytes);
    }
  });

  it('writes different data for a different seed', async () => {
    const path = first.files.find((f) => f.kind === 'tutor-log')?.path ?? '';
    const a = await readFile(join(dirs[0] ?? '', path), 'utf8');
    const c = await readFile(join(dirs[2] ?? '', path), 'utf8');
    expect(c).not.toBe(a);
    expect(other.sessions.map((s) => s.sessionStart)).not.toEqual(first.sessions.map((s) => s.sessionStart));
  });

  it('rejects impossible options', async () => {
    await expect(generateDemo(dirs[2] ?? '', { participants: 0 })).rejects.toThrow(RangeError);
    await expect(generateDemo(dirs[2] ?? '', { minutes: Number.NaN })).rejects.toThrow(RangeError);
    await expect(generateDemo(dirs[2] ?? '', { seed: 1.5 })).rejects.toThrow(RangeError);
  });
});
