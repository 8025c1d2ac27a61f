import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The installed version of a package, from its package.json beside its entry point, for provenance. */
export function installedVersion(name: string): string {
  let dir = dirname(require.resolve(name));
  for (let depth = 0; depth < 4; depth += 1) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name && pkg.version !== undefined) return pkg.version;
    } catch {
      // not the package's root yet
    }
    dir = dirname(dir);
  }
  return 'unknown';
}
