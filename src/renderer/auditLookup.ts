import type { WeftClient } from '../core/api/client.js';
import type { AuditEntry } from '../core/api/schemas.js';

const PAGE = 500;

/**
 * The newest audit entry that matches, searching back from the end of the chain at most
 * `maxEntries` entries. audit.list reads forward only and filters nothing, so the end is found
 * through audit.verify's entry count (entries are numbered from 1 without gaps).
 */
export async function latestAuditEntry(client: WeftClient, matches: (entry: AuditEntry) => boolean, maxEntries = 5_000): Promise<AuditEntry | null> {
  const { entries } = await client.call('audit.verify', {});
  // Entries appended since the count are included: each page reads to its limit past its start.
  for (let end = entries; end > 0 && entries - end < maxEntries; end -= PAGE) {
    const afterSeq = Math.max(0, end - PAGE);
    const page = await client.call('audit.list', { after_seq: afterSeq, limit: end === entries ? 10_000 : end - afterSeq });
    const found = page.findLast(matches);
    if (found !== undefined) return found;
  }
  return null;
}
