// Builds everything Weft runs from: the TypeScript projects (tsc -b, which also type-checks
// every layer against its own rules), the sandboxed preload bundle and the UI bundle.
// Usage: node scripts/build.mjs [--skip-tsc]
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const skipTsc = process.argv.includes('--skip-tsc');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!skipTsc) run(process.execPath, ['node_modules/typescript/bin/tsc', '-b']);
run(process.execPath, ['scripts/bundle-preload.mjs']);

const rendererOut = 'dist/src/renderer';
await rm(`${root}${rendererOut}`, { recursive: true, force: true });
await mkdir(`${root}${rendererOut}`, { recursive: true });
if (existsSync(`${root}src/renderer/main.tsx`)) {
  await build({
    absWorkingDir: root,
    entryPoints: {
      app: 'src/renderer/main.tsx',
      'extraction/page': 'src/renderer/extraction/page.ts',
      'extraction/worker': 'src/renderer/extraction/worker.ts',
    },
    outdir: rendererOut,
    tsconfig: 'src/renderer/tsconfig.json',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  await copyFile(`${root}src/renderer/index.html`, `${root}${rendererOut}/index.html`);
  // Face extraction: its page, and MediaPipe's WebAssembly served by Weft itself, never a CDN.
  await copyFile(`${root}src/renderer/extraction/extraction.html`, `${root}${rendererOut}/extraction.html`);
  await mkdir(`${root}${rendererOut}/mediapipe`, { recursive: true });
  for (const file of ['vision_wasm_module_internal.js', 'vision_wasm_module_internal.wasm']) {
    await copyFile(`${root}node_modules/@mediapipe/tasks-vision/wasm/${file}`, `${root}${rendererOut}/mediapipe/${file}`);
  }
}
