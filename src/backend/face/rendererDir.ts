import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WeftError } from '../../core/errors.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));

/**
 * The built UI folder holding the extraction page: beside this module's output in dist/, or,
 * when this module runs from its TypeScript source (tests), the repository's dist/.
 */
export function extractionRendererDir(given?: string): string {
  const candidates = given === undefined ? [join(HERE, '..', '..', 'renderer'), join(HERE, '..', '..', '..', 'dist', 'src', 'renderer')] : [given];
  const found = candidates.find((dir) => existsSync(join(dir, 'extraction.html')) && existsSync(join(dir, 'mediapipe')));
  if (found === undefined) throw new WeftError('NOT_FOUND', `The face extraction page is not built (no extraction.html in ${candidates.join(' or ')}); run "npm run build" first`);
  return found;
}
