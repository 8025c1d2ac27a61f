import { WeftError } from '../../core/errors.js';
import type { ClockModel } from '../../core/time.js';
import { TABLE_OF_KIND } from '../import/streamWriters.js';
import type { Connection } from '../store/duck.js';
import type { StoredClock } from './storedClock.js';

/** Session-time columns of each stream table; media rows hold media time only, so only the stream's span moves. */
const TIME_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  events: ['t_us'],
  face_frames: ['t_us'],
  gaze_samples: ['t_us'],
  fixations: ['start_us', 'end_us'],
  saccades: ['start_us', 'end_us'],
  blinks: ['start_us', 'end_us'],
  media: [],
};

/**
 * The SQL twin of retimeSessionUs (core/clock/model.ts): back to device time through the old
 * model, forward through the new one, rounded to a microsecond.
 */
function retimed(column: string): string {
  return `CAST(round(((${column} - $fromOffset) / $fromRate + $originShift) * $toRate + $toOffset) AS BIGINT)`;
}

function parameters(from: ClockModel, to: ClockModel): Record<string, number> {
  return {
    fromOffset: from.offsetUs,
    fromRate: 1 + from.driftPpm / 1e6,
    originShift: from.deviceOriginUs - to.deviceOriginUs,
    toRate: 1 + to.driftPpm / 1e6,
    toOffset: to.offsetUs,
  };
}

/** What the stream's row records about the alignment, besides the model. */
export interface AlignmentRecord {
  readonly clockSource: string;
  readonly residualUs: number;
  /** Merged into the stream's provenance as `clock_alignment`. */
  readonly provenance: Record<string, unknown>;
}

/**
 * Re-times every row of the given streams, and their spans, from their stored clock models to
 * `to`, and records the new model on them. Streams that share a stored model (one file's
 * streams do) move together, one UPDATE per table. Runs inside the caller's write transaction.
 */
export async function retimeStreams(conn: Connection, streams: readonly StoredClock[], to: ClockModel, record: AlignmentRecord): Promise<void> {
  const byModel = new Map<string, StoredClock[]>();
  for (const stream of streams) {
    const key = `${stream.model.offsetUs}/${stream.model.driftPpm}/${stream.model.deviceOriginUs}`;
    byModel.set(key, [...(byModel.get(key) ?? []), stream]);
  }
  const patch = JSON.stringify({ clock_alignment: record.provenance });
  for (const group of byModel.values()) {
    const params = parameters((group[0] as StoredClock).model, to);
    const byTable = new Map<string, number[]>();
    for (const stream of group) {
      const table = TABLE_OF_KIND[stream.kind as keyof typeof TABLE_OF_KIND];
      if (table === undefined || TIME_COLUMNS[table] === undefined) {
        throw new WeftError('INTERNAL', `Weft does not know which columns of stream ${stream.streamId} (${stream.kind}) hold session time`);
      }
      byTable.set(table, [...(byTable.get(table) ?? []), stream.streamId]);
    }
    for (const [table, ids] of byTable) {
      const columns = TIME_COLUMNS[table] ?? [];
      if (columns.length === 0) continue;
      const durationScale = table === 'events' ? `, duration_us = CAST(round(duration_us * $toRate / $fromRate) AS BIGINT)` : '';
      await conn.run(`UPDATE weft.${table} SET ${columns.map((c) => `${c} = ${retimed(c)}`).join(', ')}${durationScale} WHERE stream_id IN (${ids.join(', ')})`, params);
    }
    const ids = group.map((s) => s.streamId).join(', ');
    await conn.run(`UPDATE weft.signals SET t_us = ${retimed('t_us')} WHERE stream_id IN (${ids})`, params);
    // clock_alignment is replaced whole: the inner patch removes the previous one before the new one is merged in
    await conn.run(
      `UPDATE weft.streams SET
         start_us = ${retimed('start_us')}, end_us = ${retimed('end_us')},
         clock_offset_us = $newOffset, clock_drift_ppm = $newDrift, clock_origin_us = $newOrigin,
         clock_source = $source, clock_residual_us = $residual,
         provenance = json_merge_patch(json_merge_patch(coalesce(provenance, '{}'::JSON), '{"clock_alignment":null}'::JSON), $patch::JSON)
       WHERE stream_id IN (${ids})`,
      {
        ...params,
        newOffset: BigInt(to.offsetUs),
        newDrift: to.driftPpm,
        newOrigin: BigInt(to.deviceOriginUs),
        source: record.clockSource,
        residual: record.residualUs,
        patch,
      },
    );
  }
}

/** A session lasts until its last stream ends, as the import sets it. */
export async function refreshSessionDuration(conn: Connection, sessionId: string): Promise<{ before: number | null; after: number | null }> {
  const before = await conn.one(`SELECT duration_us FROM weft.sessions WHERE session_id = $session`, { session: sessionId });
  const last = await conn.one(`SELECT max(end_us) AS end_us FROM weft.streams WHERE session_id = $session`, { session: sessionId });
  const previous = before?.['duration_us'] === null || before?.['duration_us'] === undefined ? null : Number(before['duration_us']);
  const end = last?.['end_us'] === null || last?.['end_us'] === undefined ? null : Number(last['end_us']);
  if (end === null) return { before: previous, after: previous };
  const after = Math.max(0, end);
  if (after !== previous) await conn.run(`UPDATE weft.sessions SET duration_us = $duration WHERE session_id = $session`, { duration: BigInt(after), session: sessionId });
  return { before: previous, after };
}
