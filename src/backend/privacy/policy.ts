import { DEFAULT_POLICY, minimizationPolicySchema, type MinimizationPolicy } from '../../core/privacy/policy.js';
import { WeftError } from '../../core/errors.js';
import { appendAudit } from '../store/audit.js';
import type { Connection } from '../store/duck.js';

const KEY = 'minimization';

export async function readPolicy(conn: Connection): Promise<MinimizationPolicy> {
  const stored = await conn.scalar(`SELECT CAST(value AS VARCHAR) FROM weft.policies WHERE key = $k`, { k: KEY });
  return stored === undefined ? DEFAULT_POLICY : minimizationPolicySchema.parse(JSON.parse(String(stored)));
}

function merge(base: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch) || base === null || typeof base !== 'object' || Array.isArray(base)) return patch;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) out[key] = merge(out[key], value);
  return out;
}

/** Paths whose values differ, for the audit entry ("export.k_anonymity.k"). */
function changedPaths(before: unknown, after: unknown, prefix = ''): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (before === null || after === null || typeof before !== 'object' || typeof after !== 'object' || Array.isArray(before) || Array.isArray(after)) return [prefix || '(all)'];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].flatMap((k) => changedPaths((before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k], prefix === '' ? k : `${prefix}.${k}`));
}

/** Applies a partial policy over the current one; the change is audited with before and after. */
export async function changePolicy(conn: Connection, patch: Record<string, unknown>, actor: string): Promise<MinimizationPolicy> {
  const before = await readPolicy(conn);
  const parsed = minimizationPolicySchema.safeParse(merge(before, patch));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WeftError('INVALID_INPUT', `Invalid policy at "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'rejected'}`);
  }
  const after = parsed.data;
  const changed = changedPaths(before, after);
  if (changed.length === 0) return before;
  await conn.run(
    `INSERT OR REPLACE INTO weft.policies VALUES ($k, $v, $at, $by)`,
    { k: KEY, v: JSON.stringify(after), at: BigInt(Date.now() * 1000), by: actor },
  );
  const pick = (policy: MinimizationPolicy): Record<string, unknown> =>
    Object.fromEntries(changed.map((path) => [path, path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], policy)]));
  await appendAudit(conn, { actor, action: 'policy.change', target: KEY, detail: { changed, before: pick(before), after: pick(after) } });
  return after;
}
