import { createHash } from 'node:crypto';
import type { AuditEntry } from '../../core/api/schemas.js';
import type { Connection } from './duck.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditRecord {
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  /** Particulars of the action; never personal data itself. */
  readonly detail: Record<string, unknown>;
}

/** JSON with object keys sorted, so that the same detail always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export function entryHash(
  prevHash: string,
  seq: number,
  atUs: number,
  actor: string,
  action: string,
  target: string | null,
  detailJson: string,
): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(JSON.stringify([seq, atUs, actor, action, target, detailJson]))
    .digest('hex');
}

/**
 * Appends an entry to the hash chain. Call it inside the write transaction of the action it
 * records, so that the action and its audit entry land together or not at all.
 */
export async function appendAudit(conn: Connection, record: AuditRecord, atUs = Date.now() * 1000): Promise<AuditEntry> {
  const last = await conn.one(`SELECT seq, hash FROM weft.audit_log ORDER BY seq DESC LIMIT 1`);
  const seq = last === undefined ? 1 : Number(last['seq']) + 1;
  const prevHash = last === undefined ? GENESIS_HASH : String(last['hash']);
  const detailJson = canonicalJson(record.detail);
  const hash = entryHash(prevHash, seq, atUs, record.actor, record.action, record.target, detailJson);
  await conn.run(
    `INSERT INTO weft.audit_log (seq, at_us, actor, action, target, detail, prev_hash, hash)
     VALUES ($seq, $at_us, $actor, $action, $target, $detail, $prev_hash, $hash)`,
    {
      seq,
      at_us: BigInt(atUs),
      actor: record.actor,
      action: record.action,
      target: record.target,
      detail: detailJson,
      prev_hash: prevHash,
      hash,
    },
  );
  return {
    seq,
    at: new Date(atUs / 1000).toISOString(),
    actor: record.actor,
    action: record.action,
    target: record.target,
    detail: record.detail,
    prev_hash: prevHash,
    hash,
  };
}

export interface AuditBreak {
  readonly seq: number;
  readonly problem: 'gap' | 'prev_hash' | 'hash';
  readonly message: string;
}

export interface AuditVerification {
  readonly entries: number;
  readonly intact: boolean;
  readonly breaks: readonly AuditBreak[];
}

/** Recomputes the chain from the stored rows and reports every place it breaks. */
export async function verifyAudit(conn: Connection): Promise<AuditVerification> {
  const rows = await conn.all(
    `SELECT seq, at_us, actor, action, target, CAST(detail AS VARCHAR) AS detail, prev_hash, hash FROM weft.audit_log ORDER BY seq`,
  );
  const breaks: AuditBreak[] = [];
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for (const row of rows) {
    const seq = Number(row['seq']);
    if (seq !== expectedSeq) {
      breaks.push({ seq, problem: 'gap', message: `entry ${seq} follows entry ${expectedSeq - 1}: entries are missing or reordered` });
    }
    if (row['prev_hash'] !== prevHash) {
      breaks.push({ seq, problem: 'prev_hash', message: `entry ${seq} does not link to the entry before it` });
    }
    const recomputed = entryHash(
      String(row['prev_hash']),
      seq,
      Number(row['at_us']),
      String(row['actor']),
      String(row['action']),
      row['target'] === null ? null : String(row['target']),
      String(row['detail']),
    );
    if (recomputed !== row['hash']) {
      breaks.push({ seq, problem: 'hash', message: `entry ${seq} was altered after it was written` });
    }
    prevHash = String(row['hash']);
    expectedSeq = seq + 1;
  }
  return { entries: rows.length, intact: breaks.length === 0, breaks };
}

export function auditRowToEntry(row: Record<string, unknown>): AuditEntry {
  const detail = row['detail'];
  return {
    seq: Number(row['seq']),
    at: String(row['at']),
    actor: String(row['actor']),
    action: String(row['action']),
    target: row['target'] === null ? null : String(row['target']),
    detail: (typeof detail === 'string' ? JSON.parse(detail) : detail) as Record<string, unknown>,
    prev_hash: String(row['prev_hash']),
    hash: String(row['hash']),
  };
}
