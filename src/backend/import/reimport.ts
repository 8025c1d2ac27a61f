import { STREAM_KINDS } from '../../core/study/modalities.js';
import { sqlTextList, textList, type Connection } from '../store/duck.js';

/**
 * A file seen before is read again only when the last import that read it refused some of its
 * streams for lack of consent: consent may have been recorded since. Its streams stored before
 * are skipped, so that reading it again adds only what was refused then and is allowed now.
 */
export async function refusedStreamsLastTime(conn: Connection, sha256: string): Promise<boolean> {
  const row = await conn.one(
    `WITH entries AS (
       SELECT i.finished_at_us, f.file
       FROM weft.imports i, unnest(from_json(i.summary->'files', '["JSON"]')) AS f(file)
       -- Only imports that read the file: one that skipped it as a duplicate lists no refusals.
       WHERE f.file->>'sha256' = $sha AND (f.file->>'status' = 'imported' OR json_array_length(f.file->'refused') > 0))
     SELECT coalesce(len(list_filter(from_json(file->'refused', '["JSON"]'), r -> list_contains(${sqlTextList('$kinds')}, r->>'kind'))), 0) AS refused
     FROM entries ORDER BY finished_at_us DESC LIMIT 1`,
    { sha: sha256, kinds: textList(STREAM_KINDS) },
  );
  return row !== undefined && Number(row['refused']) > 0;
}

/** A stream of a file by participant, session (null: whichever session the file's rows went to) and kind. */
export function streamKey(participantId: string, sessionId: string | null, kind: string): string {
  return `${participantId}\u0000${sessionId ?? '*'}\u0000${kind}`;
}

/** The streams of the file the study holds, as streamKey, with and without their session. */
export async function streamsStoredFrom(conn: Connection, sha256: string): Promise<Set<string>> {
  const rows = await conn.all(
    `SELECT s.participant_id, st.session_id, st.kind FROM weft.streams st JOIN weft.sessions s USING (session_id) WHERE st.source_sha256 = $sha`,
    { sha: sha256 },
  );
  return new Set(
    rows.flatMap((r) => [streamKey(String(r['participant_id']), String(r['session_id']), String(r['kind'])), streamKey(String(r['participant_id']), null, String(r['kind']))]),
  );
}
