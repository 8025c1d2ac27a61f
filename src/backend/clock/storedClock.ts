import { deviceFromSession } from '../../core/clock/model.js';
import type { ClockModel } from '../../core/time.js';
import type { Connection, JsonRow } from '../store/duck.js';

/** A stream's row in weft.streams, as far as re-timing it needs. */
export interface StoredClock {
  readonly streamId: number;
  readonly sessionId: string;
  readonly kind: string;
  readonly format: string;
  readonly sourcePath: string | null;
  readonly sourceSha256: string | null;
  readonly model: ClockModel;
  readonly clockSource: string;
  readonly rowCount: number;
}

function toStoredClock(row: JsonRow): StoredClock {
  return {
    streamId: Number(row['stream_id']),
    sessionId: String(row['session_id']),
    kind: String(row['kind']),
    format: String(row['format']),
    sourcePath: row['source_path'] === null ? null : String(row['source_path']),
    sourceSha256: row['source_sha256'] === null ? null : String(row['source_sha256']),
    model: { offsetUs: Number(row['clock_offset_us']), driftPpm: Number(row['clock_drift_ppm']), deviceOriginUs: Number(row['clock_origin_us']) },
    clockSource: String(row['clock_source']),
    rowCount: Number(row['row_count']),
  };
}

/** The session's streams, in stream id order. */
export async function sessionStreams(conn: Connection, sessionId: string): Promise<StoredClock[]> {
  const rows = await conn.all(
    `SELECT stream_id, session_id, kind, format, source_path, source_sha256, clock_offset_us, clock_drift_ppm, clock_origin_us, clock_source, row_count
     FROM weft.streams WHERE session_id = $session ORDER BY stream_id`,
    { session: sessionId },
  );
  return rows.map(toStoredClock);
}

export function deviceTime(clock: StoredClock, sessionUs: number): number {
  return deviceFromSession(clock.model, sessionUs);
}
