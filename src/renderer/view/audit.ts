/** Paging over the audit chain, newest first. Entries are numbered from 1 with no gaps while the chain is intact. */
export const AUDIT_PAGE_SIZE = 25;

export interface AuditPage {
  readonly index: number;
  readonly count: number;
  /** What to ask audit.list for. */
  readonly afterSeq: number;
  readonly limit: number;
}

export function auditPageCount(entries: number, size = AUDIT_PAGE_SIZE): number {
  return Math.max(1, Math.ceil(entries / size));
}

/** Page 0 holds the newest entries. */
export function auditPage(entries: number, index: number, size = AUDIT_PAGE_SIZE): AuditPage {
  const count = auditPageCount(entries, size);
  const page = Math.min(Math.max(0, Math.trunc(index)), count - 1);
  const last = entries - page * size;
  const first = Math.max(1, last - size + 1);
  return { index: page, count, afterSeq: first - 1, limit: Math.max(1, last - first + 1) };
}

/** The page that holds entry `seq`. */
export function auditPageOf(entries: number, seq: number, size = AUDIT_PAGE_SIZE): number {
  if (seq < 1 || seq > entries) return 0;
  return Math.floor((entries - seq) / size);
}

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[${value.length}]`;
  return '{…}';
}

/** A one-line summary of an entry's detail: "reviewer: A, comment: B". */
export function auditDetailSummary(detail: Readonly<Record<string, unknown>>, maxLength = 140): string {
  const text = Object.entries(detail)
    .map(([key, value]) => `${key}: ${valueText(value)}`)
    .join(' · ');
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}
