import { MARKER_COLUMNS, MARKER_STREAM_KINDS, type MarkerColumn, type MarkerStreamKind } from '../../core/clock/markerSpec.js';
import { WeftError } from '../../core/errors.js';
import type { Connection } from '../store/duck.js';
import { deviceTime, type StoredClock } from './storedClock.js';

export { MARKER_COLUMNS, MARKER_STREAM_KINDS, type MarkerColumn, type MarkerStreamKind };

/** The event field that names a marker: a column, or a top-level key of `attributes` (as DataShop's "Transaction Id"). */
export type MarkerKey = { readonly column: MarkerColumn } | { readonly attribute: string };

/** Where one side's markers are: events of streams of one kind in the session, optionally of one event kind. */
export interface MarkerStream {
  readonly kind: MarkerStreamKind;
  /** Only events whose `kind` is this (Tobii LogData rows are "logdata"). */
  readonly eventKind?: string;
  readonly key: MarkerKey;
}

export interface Marker {
  readonly key: string;
  readonly streamId: number;
  /** Session time as stored, microseconds. */
  readonly sessionUs: number;
  /** Time on the stream's own clock, recovered through its clock model, microseconds. */
  readonly deviceUs: number;
}

/** Markers by key; keys seen more than once in a side cannot be paired and are counted apart. */
export interface MarkerSet {
  readonly byKey: Map<string, Marker>;
  readonly duplicateKeys: Set<string>;
}

export function describeKey(key: MarkerKey): string {
  return 'column' in key ? key.column : `attributes."${key.attribute}"`;
}

export function describeSide(side: MarkerStream): string {
  return `${describeKey(side.key)} of ${side.eventKind === undefined ? '' : `"${side.eventKind}" events in `}${side.kind} streams`;
}

export function checkMarkerStream(side: MarkerStream, which: string): void {
  if (!(MARKER_STREAM_KINDS as readonly string[]).includes(side.kind)) {
    throw new WeftError('INVALID_INPUT', `The ${which} markers must be events: a stream kind of ${MARKER_STREAM_KINDS.join(', ')}, not "${side.kind}"`);
  }
  if ('column' in side.key && !(MARKER_COLUMNS as readonly string[]).includes(side.key.column)) {
    throw new WeftError('INVALID_INPUT', `The ${which} marker key "${side.key.column}" is not a column of events (${MARKER_COLUMNS.join(', ')}); name an attribute instead`);
  }
  if ('attribute' in side.key && side.key.attribute === '') throw new WeftError('INVALID_INPUT', `The ${which} marker attribute name is empty`);
}

/** Reads the markers of the given streams (all of one session and kind) with their device times. */
export async function readMarkers(conn: Connection, side: MarkerStream, streams: readonly StoredClock[]): Promise<MarkerSet> {
  const byKey = new Map<string, Marker>();
  const duplicateKeys = new Set<string>();
  if (streams.length === 0) return { byKey, duplicateKeys };
  const keyExpr = 'column' in side.key ? `e."${side.key.column}"` : `json_extract_string(e.attributes, $path)`;
  const params: Record<string, string> = {};
  if ('attribute' in side.key) params['path'] = `$."${side.key.attribute.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  if (side.eventKind !== undefined) params['eventKind'] = side.eventKind;
  const clocks = new Map(streams.map((s) => [s.streamId, s]));
  const rows = await conn.all(
    `SELECT e.stream_id, e.t_us, ${keyExpr} AS marker_key FROM weft.events e
     WHERE e.stream_id IN (${streams.map((s) => s.streamId).join(', ')})
       ${side.eventKind === undefined ? '' : 'AND e.kind = $eventKind'}
       AND ${keyExpr} IS NOT NULL AND ${keyExpr} <> ''
     ORDER BY e.t_us`,
    params,
  );
  for (const row of rows) {
    const key = String(row['marker_key']);
    const streamId = Number(row['stream_id']);
    const sessionUs = Number(row['t_us']);
    if (duplicateKeys.has(key)) continue;
    if (byKey.has(key)) {
      byKey.delete(key);
      duplicateKeys.add(key);
      continue;
    }
    const clock = clocks.get(streamId) as StoredClock;
    byKey.set(key, { key, streamId, sessionUs, deviceUs: deviceTime(clock, sessionUs) });
  }
  return { byKey, duplicateKeys };
}
