import type { Session, Stream, StudyStatus } from '../../core/api/schemas.js';
import type { StreamKind } from '../../core/study/modalities.js';
import { compareStreamKinds, streamKindLabel } from './streams.js';

/** How sessions without a lesson variant are listed. */
export const NO_VARIANT = 'no variant';

export interface SessionStreamView {
  readonly streamId: number;
  readonly kind: StreamKind;
  readonly label: string;
  readonly format: string;
  readonly rows: number;
  readonly startUs: number | null;
  readonly endUs: number | null;
}

export interface SessionRow {
  readonly sessionId: string;
  readonly participantId: string;
  readonly variant: string | null;
  readonly lesson: string | null;
  readonly startedAt: string | null;
  readonly durationUs: number | null;
  readonly streams: readonly SessionStreamView[];
}

export function groupStreamsBySession(streams: readonly Stream[]): Map<string, Stream[]> {
  const bySession = new Map<string, Stream[]>();
  for (const stream of streams) {
    const list = bySession.get(stream.session_id);
    if (list === undefined) bySession.set(stream.session_id, [stream]);
    else list.push(stream);
  }
  return bySession;
}

export function buildSessionRows(sessions: readonly Session[], streams: readonly Stream[]): SessionRow[] {
  const bySession = groupStreamsBySession(streams);
  return sessions.map((session) => ({
    sessionId: session.session_id,
    participantId: session.participant_id,
    variant: session.variant,
    lesson: session.lesson,
    startedAt: session.started_at,
    durationUs: session.duration_us,
    streams: (bySession.get(session.session_id) ?? [])
      .map((s) => ({ streamId: s.stream_id, kind: s.kind, label: streamKindLabel(s.kind), format: s.format, rows: s.rows, startUs: s.start_us, endUs: s.end_us }))
      .sort((a, b) => compareStreamKinds(a.kind, b.kind) || a.streamId - b.streamId),
  }));
}

export interface VariantRow {
  readonly variant: string | null;
  readonly label: string;
  readonly sessions: number;
  readonly participants: number;
  /** Share of all sessions, 0 when there are none. */
  readonly share: number;
}

/** Sessions (from study.status) and distinct participants (from the session list) per lesson variant. */
export function buildVariantRows(variants: StudyStatus['variants'], sessions: readonly Session[]): VariantRow[] {
  const total = variants.reduce((sum, v) => sum + v.sessions, 0);
  return variants.map((v) => ({
    variant: v.variant,
    label: v.variant ?? NO_VARIANT,
    sessions: v.sessions,
    participants: new Set(sessions.filter((s) => s.variant === v.variant).map((s) => s.participant_id)).size,
    share: total === 0 ? 0 : v.sessions / total,
  }));
}
