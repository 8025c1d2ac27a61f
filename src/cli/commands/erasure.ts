import type { ErasureReport } from '../../core/api/schemas.js';
import { formatCount } from '../progress.js';

export function renderErasure(report: ErasureReport): string {
  const lines: string[] = [];
  const deleted = Object.entries(report.rows).filter(([, n]) => n > 0);
  lines.push(`Erasure ${report.erasure_id} (participant ${report.participant_ref}, ${report.scope}):`);
  lines.push(deleted.length === 0 ? '  no rows held their data' : `  deleted ${deleted.map(([table, n]) => `${formatCount(n)} ${table}`).join(', ')}`);
  if (report.files_deleted.length > 0) lines.push(`  deleted ${report.files_deleted.length} managed file(s)`);
  lines.push(`  database rewritten: ${formatCount(report.database_bytes.before)} → ${formatCount(report.database_bytes.after)} bytes`);
  const v = report.verification;
  if (v !== null) {
    lines.push(
      v.verified
        ? `  verified: no trace of their ${v.identifiers} identifier(s) in any value of the database's ${v.text_columns} text columns, no block of the rewritten file left over, none in the other ${v.files_scanned} file(s) (${formatCount(v.bytes_scanned)} bytes) of the study folder`
        : `  NOT VERIFIED: traces remain: ${[
            ...[...v.database_rows, ...v.files].map((h) => `${h.identifier} in ${h.where} (${h.count})`),
            ...(v.free_blocks === 0 ? [] : [`${v.free_blocks} free block(s) in the rewritten database file, which could hold deleted rows`]),
          ].join('; ')}`,
    );
  }
  return lines.join('\n');
}
