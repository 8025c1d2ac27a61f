import type { ErasureEntry, Participant, Session, Stream, StudyStatus } from '../../core/api/schemas.js';

/** Everything the overview shows, as the API returned it. */
export interface Overview {
  readonly status: StudyStatus;
  readonly participants: readonly Participant[];
  readonly sessions: readonly Session[];
  readonly streams: readonly Stream[];
  readonly erasures: readonly ErasureEntry[];
}

/** The views whose row counts tell how much data a study holds, with their names for people. */
export const DATA_VIEWS: readonly { view: string; label: string }[] = [
  { view: 'events', label: 'Tutor events' },
  { view: 'face_frames', label: 'Face frames' },
  { view: 'gaze_samples', label: 'Gaze samples' },
  { view: 'fixations', label: 'Fixations' },
  { view: 'annotations', label: 'Annotations' },
  { view: 'media', label: 'Media files' },
];

export interface OverviewCounts {
  readonly participants: number;
  readonly withdrawn: number;
  /** Participants erased from the study after withdrawing from it. */
  readonly erased: number;
  readonly sessions: number;
  readonly variants: number;
  readonly streams: number;
  readonly streamKinds: number;
  /** Sum of the known session durations. */
  readonly recordedUs: number;
  readonly dataRows: readonly { view: string; label: string; rows: number }[];
}

export function overviewCounts(overview: Overview): OverviewCounts {
  const rowsByView = new Map(overview.status.views.map((v) => [v.view, v.rows]));
  return {
    participants: overview.status.participants,
    withdrawn: overview.participants.filter((p) => p.withdrawn).length,
    erased: overview.erasures.filter((e) => e.scope === 'participant').length,
    sessions: overview.sessions.length,
    variants: overview.status.variants.filter((v) => v.variant !== null).length,
    streams: overview.streams.length,
    streamKinds: new Set(overview.streams.map((s) => s.kind)).size,
    recordedUs: overview.sessions.reduce((sum, s) => sum + (s.duration_us ?? 0), 0),
    dataRows: DATA_VIEWS.filter((d) => rowsByView.has(d.view)).map((d) => ({ ...d, rows: rowsByView.get(d.view) ?? 0 })),
  };
}
