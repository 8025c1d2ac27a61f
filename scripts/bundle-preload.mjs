// Bundles the preload into one CommonJS file: a sandboxed preload cannot load ES modules and can
// require('electron') only, so everything else it uses must be inlined.
// Usage: node scripts/bundle-preload.mjs [--outfile PATH]
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { outfile: { type: 'string', default: 'dist/src/preload/index.cjs' } } });

await build({
  absWorkingDir: root,
  entryPoints: ['src/preload/index.ts'],
  outfile: values.outfile,
  tsconfig: 'src/preload/tsconfig.json',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'es2023',
  external: ['electron'],
  logLevel: 'warning',
});
