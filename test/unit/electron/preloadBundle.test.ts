import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../../..');

let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weft-preload-'));
  const outfile = join(dir, 'index.cjs');
  await promisify(execFile)(process.execPath, ['scripts/bundle-preload.mjs', '--outfile', outfile], { cwd: REPO });
  bundle = await readFile(outfile, 'utf8');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the preload bundle', () => {
  it('requires electron and nothing else', () => {
    const requires = [...bundle.matchAll(/\brequire\s*\(/g)].length;
    const literal = [...bundle.matchAll(/\brequire\s*\(\s*(["'])([^"']+)\1\s*\)/g)].map((match) => match[2]);
    expect(literal).toEqual(['electron']);
    expect(requires).toBe(1);
    expect(bundle).not.toMatch(/\bimport\s*\(/);
    expect(bundle).not.toMatch(/^\s*import\s/m);
  });

  it('runs where only electron can be required, as in a sandboxed renderer', () => {
    const exposed: Array<[string, unknown]> = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.push([key, api]) },
      ipcRenderer: { invoke: async () => undefined, on: () => undefined, removeListener: () => undefined },
    };
    const sandboxRequire = (name: string): unknown => {
      if (name === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require ${name}`);
    };
    const module = { exports: {} };
    runInNewContext(bundle, { require: sandboxRequire, module, exports: module.exports });
    expect(exposed.map(([key]) => key)).toEqual(['weft']);
    expect(Object.keys(exposed[0]?.[1] as object).sort()).toEqual(['invoke', 'on']);
  });
});
