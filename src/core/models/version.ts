/** MAJOR.MINOR.PATCH versions of models, compared numerically. */
export function parseVersion(version: string): [number, number, number] | null {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  return m === null ? null : [Number(m[1]), Number(m[2]), Number(m[3])];
}

export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a) ?? [0, 0, 0];
  const pb = parseVersion(b) ?? [0, 0, 0];
  return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
}

export function latestVersion(versions: readonly string[]): string | null {
  return versions.length === 0 ? null : [...versions].sort(compareVersions).at(-1) ?? null;
}

/** The next minor version after the latest one (1.0.0 when there is none). */
export function nextVersion(existing: readonly string[]): string {
  const latest = latestVersion(existing);
  const p = latest === null ? null : parseVersion(latest);
  return p === null ? '1.0.0' : `${p[0]}.${p[1] + 1}.0`;
}
