import { existsSync } from 'node:fs';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerExtractFace } from '../../../src/cli/commands/extractFace.js';
import { registerSetup } from '../../../src/cli/commands/setup.js';
import { SHARED, tempDir } from '../../support/paths.js';

const MODEL = join(SHARED, 'assets', 'face_landmarker.task');

/** The two commands as main.ts registers them, with output captured. */
async function weft(args: string[]): Promise<string> {
  const program = new Command('weft').option('--study <dir>', 'study folder', process.cwd()).option('--json').exitOverride();
  registerSetup(program);
  registerExtractFace(program);
  program.commands.forEach((c) => c.exitOverride());
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return written.join('');
}

describe('weft setup and weft extract-face', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, remove } = await tempDir('weft-face-cli-'));
  });
  afterEach(async () => {
    await remove();
  });

  it('document their options', async () => {
    const help = await weft(['extract-face', '--help']).catch((error: unknown) => (error as { code?: string }).code);
    expect(help).toBe('commander.helpDisplayed');
  });

  it.runIf(existsSync(MODEL))('setup finds a model that is already in place without going to the network', async () => {
    const target = join(dir, 'face_landmarker.task');
    await copyFile(MODEL, target);
    const out = await weft(['setup', '--model', target]);
    expect(out).toMatch(/Already set up: .*face_landmarker\.task/);
    expect(out).toContain('64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff');
  });

  it('extract-face refuses a wrong model before it starts anything, naming the sha256 mismatch', async () => {
    const model = join(dir, 'model.task');
    await writeFile(model, 'not the model');
    await expect(weft(['extract-face', '--study', join(dir, 'study'), join(dir, 'video.mp4'), '--model', model])).rejects.toMatchObject({ code: 'INVALID_INPUT', message: /sha256 mismatch/ });
  });
});
