import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WeftError } from '../core/errors.js';

/** Where the build puts the UI: dist/src/renderer, next to this module's own output folder. */
export const RENDERER_DIR = fileURLToPath(new URL('../renderer/', import.meta.url));

export function requireRendererBuilt(dir = RENDERER_DIR): string {
  if (!existsSync(`${dir}index.html`)) {
    throw new WeftError('NOT_FOUND', `The UI is not built (no ${dir}index.html); run "npm run build" first`);
  }
  return dir;
}
