import type { MethodOutput } from '../../core/api/contract.js';
import { MODALITY_LABELS, type Modality } from '../../core/study/modalities.js';
import { consentBadge, type ConsentBadgeView } from './consent.js';

export type ConsentHistoryRecord = MethodOutput<'consent.history'>[number];

/** One record of a participant's consent history, as the history table shows it. */
export interface ConsentHistoryRow {
  readonly recordId: number;
  readonly modality: Modality;
  readonly modalityLabel: string;
  /** What was decided when the record was made. */
  readonly decision: 'granted' | 'refused';
  /** What the record says now: granted, refused, withdrawn or expired. */
  readonly badge: ConsentBadgeView;
  /** Whether a later record for the same modality took its place. */
  readonly superseded: boolean;
  readonly formVersion: string | null;
  readonly recordedAt: string;
  readonly expiresAt: string | null;
  readonly withdrawnAt: string | null;
  /** "entered in Weft, by alice", "imported from consent.csv, by bob". */
  readonly origin: string;
}

/** Weft writes "entered" and "withdrawal"; an import writes the path of its consent file. */
const SOURCES: Readonly<Record<string, string>> = { entered: 'entered in Weft', withdrawal: 'withdrawn in Weft' };

function originText(source: string | null, recordedBy: string | null): string {
  const where = source === null ? 'source unknown' : (SOURCES[source] ?? `imported from ${source.split(/[\\/]/).at(-1) ?? source}`);
  return recordedBy === null ? where : `${where}, by ${recordedBy}`;
}

/** Newest first; a record is superseded once a later one exists for its modality. */
export function consentHistoryRows(records: readonly ConsentHistoryRecord[]): ConsentHistoryRow[] {
  const latest = new Map<Modality, number>();
  for (const r of records) latest.set(r.modality, Math.max(latest.get(r.modality) ?? -Infinity, r.record_id));
  return [...records]
    .sort((a, b) => b.record_id - a.record_id)
    .map((r) => ({
      recordId: r.record_id,
      modality: r.modality,
      modalityLabel: MODALITY_LABELS[r.modality],
      decision: r.granted ? 'granted' : 'refused',
      badge: consentBadge(r.state),
      superseded: latest.get(r.modality) !== r.record_id,
      formVersion: r.form_version,
      recordedAt: r.recorded_at,
      expiresAt: r.expires_at,
      withdrawnAt: r.withdrawn_at,
      origin: originText(r.source, r.recorded_by),
    }));
}
