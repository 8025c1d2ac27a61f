/** What can carry a sync marker: event columns that may hold a key, and event stream kinds. */
export const MARKER_COLUMNS = ['label', 'kind', 'problem', 'step', 'selection', 'action', 'input', 'outcome', 'skill', 'feedback'] as const;
export type MarkerColumn = (typeof MARKER_COLUMNS)[number];

export const MARKER_STREAM_KINDS = ['interaction_log', 'segments', 'eye_markers'] as const;
export type MarkerStreamKind = (typeof MARKER_STREAM_KINDS)[number];
