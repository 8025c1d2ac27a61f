import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import weft from '../../../tools/eslint/layers.js';
import { REPO_ROOT } from '../../support/paths.js';

/** The real rule, without type-aware parsing, so that files which do not exist can be linted. */
const eslint = new ESLint({
  cwd: REPO_ROOT,
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { weft }, rules: { 'weft/layers': 'error' } }],
});
const project = new ESLint({ cwd: REPO_ROOT });

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${REPO_ROOT}/${file}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'weft/layers').map((m) => m.message);
}

/** The first layering message, or the whole list when there is not exactly one. */
async function errorsOf(file: string, code: string): Promise<string | string[]> {
  const errors = await layerErrors(file, code);
  return errors.length === 1 ? (errors[0] as string) : errors;
}

describe('the layering lint rule', () => {
  it('fails when src/core imports a Node built-in', async () => {
    expect(await layerErrors('src/core/probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toEqual([
      'core runs where Node does not: it may not import the Node built-in "node:fs".',
    ]);
    expect(await layerErrors('src/core/probe.ts', "import path from 'path';\nexport const x = path;\n")).toHaveLength(1);
  });

  it('fails when src/core imports another layer or a native package', async () => {
    expect(await errorsOf('src/core/api/probe.ts', "import { Study } from '../../backend/store/study.js';\nexport const x = Study;\n")).toMatch(/core may not import from backend/);
    expect(await errorsOf('src/core/probe.ts', "import { DuckDBInstance } from '@duckdb/node-api';\nexport const x = DuckDBInstance;\n")).toMatch(/may not import the package "@duckdb\/node-api"/);
    expect(await layerErrors('src/core/probe.ts', "const fs = await import('node:fs');\nexport const x = fs;\n")).toHaveLength(1);
  });

  it('keeps Electron in the shell and Node out of the renderer', async () => {
    expect(await errorsOf('src/backend/probe.ts', "import { app } from 'electron';\nexport const x = app;\n")).toMatch(/may not import Electron/);
    expect(await layerErrors('src/renderer/probe.ts', "import { readFile } from 'node:fs/promises';\nexport const x = readFile;\n")).toHaveLength(1);
    expect(await errorsOf('src/renderer/probe.ts', "import { runImport } from '../backend/import/job.js';\nexport const x = runImport;\n")).toMatch(/renderer may not import from backend/);
    expect(await errorsOf('src/main/probe.ts', "import { app } from 'electron';\nexport const x = app;\n")).toEqual([]);
  });

  it('lets the preload take only types from core', async () => {
    expect(await errorsOf('src/preload/probe.ts', "import type { Result } from '../core/api/dispatch.js';\nexport type X = Result<number>;\n")).toEqual([]);
    expect(await errorsOf('src/preload/probe.ts', "import { dispatch } from '../core/api/dispatch.js';\nexport const x = dispatch;\n")).toMatch(/may import only types from core/);
  });

  it('is switched on, as an error, for every layer in the project\'s lint configuration', async () => {
    for (const file of ['src/core/x.ts', 'src/backend/x.ts', 'src/server/x.ts', 'src/cli/x.ts', 'src/main/x.ts', 'src/preload/x.ts', 'src/renderer/x.tsx', 'datasets/demo/x.ts']) {
      const config = (await project.calculateConfigForFile(`${REPO_ROOT}/${file}`)) as { rules?: Record<string, unknown> };
      expect(config.rules?.['weft/layers'], file).toEqual([2]);
    }
  });

  it('accepts the code as it is', async () => {
    const results = await eslint.lintFiles(['src/**/*.ts', 'datasets/**/*.ts']);
    expect(results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'weft/layers').map((m) => `${r.filePath}: ${m.message}`))).toEqual([]);
  });
});
