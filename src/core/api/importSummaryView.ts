import { MODALITY_LABELS } from '../study/modalities.js';
import { formatDuration } from '../time.js';
import type { ImportSummary, ImportedFile } from './schemas.js';

/**
 * A stream's time span on session time, "0:00–1:07:19"; a span shorter than a minute to the tenth
 * of a second, shorter than ten seconds to the millisecond, where whole seconds would read 0:00–0:00.
 */
export function formatSpan(startUs: number | null, endUs: number | null): string {
  if (startUs === null || endUs === null) return '';
  const decimals = endUs - startUs < 10e6 ? 3 : endUs - startUs < 60e6 ? 1 : 0;
  return `${formatDuration(startUs, decimals)}–${formatDuration(endUs, decimals)}`;
}

/** One line of an import's summary: a file's streams of one kind, its consent records or annotations, or a file skipped as seen before. */
export interface ImportSummaryRow {
  readonly file: string;
  readonly path: string;
  readonly format: string;
  /** "P01 / S01", or "12 participants, 30 sessions"; what a skipped file says instead. */
  readonly who: string;
  /** The stream kind, "consent records" or "annotations"; null for a skipped file. */
  readonly stream: string | null;
  readonly rows: number | null;
  /** Session time covered, for the streams of a single session. */
  readonly span: string;
  readonly duplicate: boolean;
}

const count = (n: number): string => n.toLocaleString('en-US');

function spanOf(streams: readonly { start_us: number | null; end_us: number | null }[]): string {
  const starts = streams.flatMap((s) => (s.start_us === null ? [] : [s.start_us]));
  const ends = streams.flatMap((s) => (s.end_us === null ? [] : [s.end_us]));
  if (starts.length === 0 || ends.length === 0) return '';
  return formatSpan(Math.min(...starts), Math.max(...ends));
}

/** The summary's lines, the same in `weft import` and in the app. */
export function importSummaryRows(summary: ImportSummary): ImportSummaryRow[] {
  const rows: ImportSummaryRow[] = [];
  for (const file of summary.files) {
    const name = file.path.split(/[\\/]/).pop() ?? file.path;
    const base = { file: name, path: file.path, format: file.format, duplicate: false };
    if (file.status === 'duplicate') {
      rows.push({ ...base, who: 'already imported, skipped', stream: null, rows: null, span: '', duplicate: true });
      continue;
    }
    for (const kind of new Set(file.streams.map((s) => s.kind))) {
      const streams = file.streams.filter((s) => s.kind === kind);
      const sessions = new Set(streams.map((s) => s.session_id));
      const participants = new Set(streams.map((s) => s.participant_id));
      const who =
        sessions.size === 1
          ? `${[...participants][0] ?? ''} / ${[...sessions][0] ?? ''}`
          : `${participants.size === 1 ? ([...participants][0] ?? '') : `${count(participants.size)} participants`}, ${count(sessions.size)} sessions`;
      rows.push({ ...base, who, stream: kind, rows: streams.reduce((sum, s) => sum + s.rows, 0), span: sessions.size === 1 ? spanOf(streams) : '' });
    }
    if (file.consents > 0) rows.push({ ...base, who: '', stream: 'consent records', rows: file.consents, span: '' });
    if (file.annotations > 0) rows.push({ ...base, who: '', stream: 'annotations', rows: file.annotations, span: '' });
  }
  return rows;
}

/** What the consent gate kept out of one participant's data of one kind. */
export interface RefusalGroup {
  readonly participant: string;
  readonly kind: string;
  /** "Face features consent missing". */
  readonly reason: string;
  /** " (S01)", " (3 sessions)" or "". */
  readonly sessions: string;
  readonly rows: number;
}

export interface Refusals {
  readonly groups: readonly RefusalGroup[];
  readonly rows: number;
  readonly participants: number;
  /** Some of it was refused because no consent is recorded (not because it was refused or withdrawn). */
  readonly consentMissing: boolean;
  /** Annotations or demographics were refused: those are not read again when the file is. */
  readonly recordsRefused: boolean;
}

/** The refused rows of an import, a group per participant, kind of data and reason. */
export function refusals(files: readonly ImportedFile[]): Refusals {
  const refused = files.flatMap((f) => f.refused);
  const groups = new Map<string, { participant: string; kind: string; reason: string; sessions: Set<string>; rows: number }>();
  for (const r of refused) {
    const reason = `${MODALITY_LABELS[r.modality]} consent ${r.consent}`;
    const key = `${r.participant_id}\u0000${r.kind}\u0000${reason}`;
    const group = groups.get(key) ?? { participant: r.participant_id, kind: r.kind, reason, sessions: new Set<string>(), rows: 0 };
    if (r.session_id !== null) group.sessions.add(r.session_id);
    group.rows += r.rows;
    groups.set(key, group);
  }
  const list = [...groups.values()].map((g) => ({
    participant: g.participant,
    kind: g.kind,
    reason: g.reason,
    sessions: g.sessions.size === 0 ? '' : g.sessions.size === 1 ? ` (${[...g.sessions][0] ?? ''})` : ` (${count(g.sessions.size)} sessions)`,
    rows: g.rows,
  }));
  return {
    groups: list,
    rows: list.reduce((sum, g) => sum + g.rows, 0),
    participants: new Set(list.map((g) => g.participant)).size,
    consentMissing: refused.some((r) => r.consent === 'missing'),
    recordsRefused: refused.some((r) => r.kind === 'annotations' || r.kind === 'demographics'),
  };
}
