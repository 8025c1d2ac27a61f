import type { ConsentState } from '../../core/api/schemas.js';
import { WeftError } from '../../core/errors.js';
import type { Modality } from '../../core/study/modalities.js';
import type { DataBasis } from '../../core/study/settings.js';
import { participantRef } from '../privacy/pseudonym.js';
import type { Connection } from '../store/duck.js';
import type { PlannedFile } from './importPlan.js';
import { appendRows } from './tableAppender.js';

export function nowUs(): number {
  return Date.now() * 1000;
}

export interface SessionState {
  readonly sessionId: string;
  readonly participantId: string;
  readonly isNew: boolean;
  startUs: number | null;
  durationUs: number | null;
  variant: string | null;
  lesson: string | null;
  touched: boolean;
}

/** What the import needs to know about the study, read once at its start. */
export interface StudyState {
  readonly participants: Set<string>;
  readonly sessions: Map<string, SessionState>;
  consent: Map<string, ConsentState>;
  /** Keyed pseudonyms of erased participants: their data is refused as withdrawn. */
  readonly erased: ReadonlySet<string>;
  nextStreamId: number;
  readonly newParticipants: Map<string, number | null>;
}

const consentKey = (participantId: string, modality: string): string => `${participantId}\u0000${modality}`;

/**
 * The consent under which data of a participant's modality may be held at this import: withdrawn
 * for an erased participant, granted for secondary data, else their recorded consent, or missing.
 */
export function consentAt(state: StudyState, basis: DataBasis, pseudonymKey: string, participantId: string, modality: Modality): ConsentState {
  if (state.erased.has(participantRef(pseudonymKey, participantId))) return 'withdrawn';
  if (basis.kind === 'secondary_data') return 'granted';
  return state.consent.get(consentKey(participantId, modality)) ?? 'missing';
}

export async function loadConsent(conn: Connection): Promise<Map<string, ConsentState>> {
  const rows = await conn.all(`SELECT participant_id, modality, state FROM consents`);
  return new Map(rows.map((r) => [consentKey(String(r['participant_id']), String(r['modality'])), r['state'] as ConsentState]));
}

export async function loadState(conn: Connection): Promise<StudyState> {
  const participants = new Set((await conn.all(`SELECT participant_id FROM weft.participants`)).map((r) => String(r['participant_id'])));
  const sessions = new Map<string, SessionState>();
  for (const row of await conn.all(`SELECT session_id, participant_id, started_at_us, duration_us, variant, lesson FROM weft.sessions`)) {
    const sessionId = String(row['session_id']);
    sessions.set(sessionId, {
      sessionId,
      participantId: String(row['participant_id']),
      isNew: false,
      startUs: row['started_at_us'] === null ? null : Number(row['started_at_us']),
      durationUs: row['duration_us'] === null ? null : Number(row['duration_us']),
      variant: row['variant'] === null ? null : String(row['variant']),
      lesson: row['lesson'] === null ? null : String(row['lesson']),
      touched: false,
    });
  }
  const maxStream = Number(await conn.scalar(`SELECT coalesce(max(stream_id), 0) FROM weft.streams`));
  const erased = new Set((await conn.all(`SELECT participant_ref FROM weft.erasures WHERE scope = 'participant'`)).map((r) => String(r['participant_ref'])));
  return { participants, sessions, consent: await loadConsent(conn), erased, nextStreamId: maxStream + 1, newParticipants: new Map() };
}

export function ensureSession(
  state: StudyState,
  target: { participantId: string; sessionId: string | null; variant: string | null; lesson: string | null },
  file: PlannedFile,
  declaredStarts: ReadonlyMap<string, { us: number }>,
): SessionState {
  const sessionId = target.sessionId ?? defaultSessionId(state, target.participantId, file);
  let session = state.sessions.get(sessionId);
  if (session === undefined) {
    if (!state.participants.has(target.participantId)) {
      state.participants.add(target.participantId);
      state.newParticipants.set(target.participantId, null);
    }
    const startUs = declaredStarts.get(sessionId)?.us ?? null;
    session = { sessionId, participantId: target.participantId, isNew: true, startUs, durationUs: null, variant: null, lesson: null, touched: true };
    state.sessions.set(sessionId, session);
  }
  session.touched = true;
  if (session.participantId !== target.participantId) {
    throw new WeftError('CONFLICT', `Session "${sessionId}" belongs to participant "${session.participantId}", but ${file.source.path} assigns it to "${target.participantId}"`, {
      location: { file: file.source.path },
    });
  }
  if (file.sessionStartUs !== undefined) {
    if (session.startUs === null) session.startUs = file.sessionStartUs;
    else if (session.startUs !== file.sessionStartUs) {
      throw new WeftError('CONFLICT', `Session "${sessionId}" already starts at a different time than ${file.overrideOrigin} says`, {
        location: { file: file.source.path },
      });
    }
  }
  describeSession(session, { ...(target.variant === null ? {} : { variant: target.variant }), ...(target.lesson === null ? {} : { lesson: target.lesson }) }, file);
  return session;
}

/** Records a session's lesson variant and lesson as a file states them; a second, different variant is a conflict. */
export function describeSession(session: SessionState, info: { variant?: string; lesson?: string }, file: PlannedFile): void {
  if (info.variant !== undefined) {
    if (session.variant !== null && session.variant !== info.variant) {
      throw new WeftError('CONFLICT', `Session "${session.sessionId}" is in variant "${session.variant}", but ${file.source.path} says "${info.variant}"`, {
        location: { file: file.source.path },
      });
    }
    session.variant = info.variant;
  }
  if (info.lesson !== undefined) session.lesson ??= info.lesson;
}

function defaultSessionId(state: StudyState, participantId: string, file: PlannedFile): string {
  const existing = [...state.sessions.values()].filter((s) => s.participantId === participantId).map((s) => s.sessionId);
  if (existing.length === 1) return existing[0] as string;
  if (existing.length === 0) return `${participantId}-1`;
  throw new WeftError('INVALID_INPUT', `Participant "${participantId}" has ${existing.length} sessions and ${file.source.path} does not say which one it belongs to; give --session or a manifest row`, {
    location: { file: file.source.path },
  });
}

/** Enrols the participants the import has met so far. */
export async function writeNewParticipants(conn: Connection, state: StudyState): Promise<void> {
  await appendRows(
    conn,
    'participants',
    [...state.newParticipants].map(([participantId, enrolledAtUs]) => ({ participant_id: participantId, enrolled_at_us: enrolledAtUs, created_at_us: nowUs() })),
  );
  state.newParticipants.clear();
}

/** Writes the participants and sessions the import created, and the new extent of those it touched. */
export async function finishSessions(conn: Connection, state: StudyState): Promise<void> {
  await writeNewParticipants(conn, state);
  const sessions = [...state.sessions.values()].filter((s) => s.touched);
  await appendRows(
    conn,
    'sessions',
    sessions
      .filter((s) => s.isNew)
      .map((s) => ({
        session_id: s.sessionId,
        participant_id: s.participantId,
        variant: s.variant,
        lesson: s.lesson,
        started_at_us: s.startUs,
        duration_us: s.durationUs,
        created_at_us: nowUs(),
      })),
  );
  for (const session of sessions.filter((s) => !s.isNew)) {
    await conn.run(`UPDATE weft.sessions SET started_at_us = $start, duration_us = $duration, variant = $v, lesson = $l WHERE session_id = $s`, {
      s: session.sessionId,
      start: session.startUs === null ? null : BigInt(session.startUs),
      duration: session.durationUs === null ? null : BigInt(session.durationUs),
      v: session.variant,
      l: session.lesson,
    });
  }
}
