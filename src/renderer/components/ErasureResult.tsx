import type { ErasureReport } from '../../core/api/schemas.js';
import { deletedRows, erasureScopeLabel, formatBytes, totalDeleted } from '../view/erasure.js';
import { formatCount, plural } from '../view/format.js';

interface ErasureResultProps {
  readonly participantId: string;
  readonly report: ErasureReport;
}

/** What a withdrawal deleted, and whether a search afterwards found any trace left. */
export function ErasureResult({ participantId, report }: ErasureResultProps) {
  const verification = report.verification;
  const rows = deletedRows(report);
  return (
    <div class="erasure-result" data-erasure={report.erasure_id} data-verified={verification === null ? 'n/a' : String(verification.verified)}>
      {verification === null ? (
        <p class="notice" role="status">
          {participantId} withdrew from {erasureScopeLabel(report.scope)}: that data is deleted. {participantId} stays enrolled, so no search for their id was made.
        </p>
      ) : verification.verified ? (
        <p class="notice notice--success" role="status">
          ✓ Erasure verified: no trace of {participantId} or their sessions in any value of the database's {plural(verification.text_columns, 'text column')}, none of
          its blocks left over from before (the file was rewritten from its live rows), and none in {plural(verification.files_scanned, 'other file')} (
          {formatBytes(verification.bytes_scanned)}) of the study folder.
        </p>
      ) : (
        <div class="form-error" role="alert">
          <p class="form-error__title">✗ Traces remain after the erasure.</p>
          <ul>
            {[...verification.database_rows, ...verification.files].map((hit) => (
              <li key={`${hit.where}:${hit.identifier}`}>
                {hit.identifier} found {plural(hit.count, 'time')} in <code>{hit.where}</code>
              </li>
            ))}
            {verification.free_blocks === 0 ? null : (
              <li key="free-blocks">
                the rewritten database file still has {plural(verification.free_blocks, 'free block')}, which could hold deleted rows
              </li>
            )}
          </ul>
        </div>
      )}
      <dl class="facts">
        <dt>Participant now</dt>
        <dd>
          <code>{report.participant_ref}</code> (keyed pseudonym in the erasure register)
        </dd>
        <dt>Rows deleted</dt>
        <dd data-rows-deleted={totalDeleted(report)}>
          {formatCount(totalDeleted(report))}
          {rows.length === 0 ? null : <span class="subtle"> — {rows.map((r) => `${r.table} ${formatCount(r.rows)}`).join(', ')}</span>}
        </dd>
        <dt>Files deleted</dt>
        <dd>{report.files_deleted.length === 0 ? 'none' : report.files_deleted.join(', ')}</dd>
        <dt>Database file</dt>
        <dd>
          {formatBytes(report.database_bytes.before)} → {formatBytes(report.database_bytes.after)}
        </dd>
        {report.exports.length === 0 ? null : (
          <>
            <dt>Earlier exports to delete</dt>
            <dd>
              <ul>
                {report.exports.map((e) => (
                  <li key={e.export_id}>
                    <code>{e.path}</code> ({e.created_at.slice(0, 10)}): ask its recipients to delete it
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}
