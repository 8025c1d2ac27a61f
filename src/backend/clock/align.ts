import type { EventSink } from '../../core/api/events.js';
import { fitClock, type ClockFit, type DriftMode, type SyncPair } from '../../core/clock/fit.js';
import { WeftError } from '../../core/errors.js';
import { participantRef } from '../privacy/pseudonym.js';
import { appendAudit } from '../store/audit.js';
import type { Connection } from '../store/duck.js';
import type { Study } from '../store/study.js';
import { checkMarkerStream, describeKey, describeSide, readMarkers, type MarkerSet, type MarkerStream } from './markers.js';
import { refreshSessionDuration, retimeStreams } from './retime.js';
import { deviceTime, sessionStreams, type StoredClock } from './storedClock.js';

import type { StreamKind } from '../../core/study/modalities.js';
export type { DriftMode } from '../../core/clock/fit.js';
export type { MarkerColumn, MarkerKey, MarkerStream, MarkerStreamKind } from './markers.js';

export interface AlignRequest {
  /** One session, or every session that has both kinds of marker stream. */
  readonly sessionId?: string;
  /** The clock to trust: its markers' session times stay as they are. */
  readonly reference: MarkerStream;
  /** The device to re-time: its markers' stream and every stream read from the same file. */
  readonly target: MarkerStream;
  /** Default `auto` (see DriftMode). */
  readonly drift?: DriftMode;
  /** Marker keys to leave out of the fit (outliers the user has looked at). */
  readonly exclude?: readonly string[];
  /**
   * The reference times were truncated to this many microseconds (1_000_000 for a tutor log
   * exported in whole seconds): half of it is added to each, the middle of where the moment lies.
   */
  readonly referenceTruncatedUs?: number;
  /**
   * Stream kinds of the same session, from other files, that were recorded on the target's clock
   * (an EMDAT segment file cut from the eye tracker's recording, say): re-timed with it when their
   * stored clock model is exactly the one the target had, and left alone with a note otherwise.
   */
  readonly alsoKinds?: readonly StreamKind[];
}

export interface AlignContext {
  /** Who asked, for the audit log. */
  readonly actor: string;
  readonly events: EventSink;
}

export interface MarkerResidual {
  readonly key: string;
  /** Target device time, microseconds. */
  readonly device_us: number;
  /** Reference session time used in the fit (after any truncation correction), microseconds. */
  readonly reference_us: number;
  /** Reference minus fitted time, microseconds. */
  readonly residual_us: number;
  readonly outlier: boolean;
}

export interface AlignedClock {
  readonly session_id: string;
  readonly source_sha256: string | null;
  /** The target's marker streams (one file's) and every stream re-timed with them. */
  readonly marker_stream_ids: number[];
  readonly retimed_stream_ids: number[];
  readonly reference_stream_ids: number[];
  readonly pairs: number;
  readonly unpaired_reference: number;
  readonly unpaired_target: number;
  /** Keys seen more than once in a stream's markers: they cannot be paired. */
  readonly duplicate_keys: number;
  readonly excluded: number;
  readonly offset_us: number;
  readonly drift_ppm: number;
  readonly origin_us: number;
  readonly drift_fitted: boolean;
  readonly drift_note: string;
  readonly rms_us: number;
  readonly offset_se_us: number | null;
  readonly drift_se_ppm: number | null;
  readonly residuals: MarkerResidual[];
  readonly previous: { readonly offset_us: number; readonly drift_ppm: number; readonly origin_us: number; readonly clock_source: string };
  readonly rows_retimed: number;
  readonly session_duration_us: { readonly before: number | null; readonly after: number | null };
}

export interface AlignResult {
  readonly aligned: AlignedClock[];
  readonly skipped: { readonly session_id: string; readonly reason: string }[];
  /** Things the person asking should know about the fits (coarse reference times, say). */
  readonly notes: string[];
}

interface SourceGroup {
  readonly sha256: string | null;
  readonly markerStreams: StoredClock[];
}

/** The target's marker streams, grouped by the file they came from: one file, one clock. */
function groupBySource(streams: readonly StoredClock[]): SourceGroup[] {
  const groups = new Map<string, SourceGroup>();
  for (const s of streams) {
    const key = s.sourceSha256 ?? `stream:${s.streamId}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { sha256: s.sourceSha256, markerStreams: [] };
      groups.set(key, group);
    }
    group.markerStreams.push(s);
  }
  return [...groups.values()];
}

function pairsOf(reference: MarkerSet, target: MarkerSet, exclude: ReadonlySet<string>, halfStep: number): { pairs: SyncPair[]; excluded: number } {
  const pairs: SyncPair[] = [];
  let excluded = 0;
  for (const [key, t] of target.byKey) {
    const r = reference.byKey.get(key);
    if (r === undefined) continue;
    if (exclude.has(key)) {
      excluded += 1;
      continue;
    }
    pairs.push({ key, deviceUs: t.deviceUs, referenceUs: r.sessionUs + halfStep });
  }
  return { pairs: pairs.sort((a, b) => a.deviceUs - b.deviceUs), excluded };
}

/** Reference times that are all whole seconds of their own clock were most likely cut to the second. */
function wholeSecondNote(reference: MarkerSet, pairs: readonly SyncPair[], clocks: ReadonlyMap<number, StoredClock>): string | null {
  if (pairs.length < 2) return null;
  const whole = pairs.every((p) => {
    const marker = reference.byKey.get(p.key);
    const clock = marker === undefined ? undefined : clocks.get(marker.streamId);
    return marker !== undefined && clock !== undefined && Math.abs(deviceTime(clock, marker.sessionUs) % 1_000_000) < 1;
  });
  return whole
    ? 'Every paired reference time is a whole second of its clock (tutor logs are often exported truncated to the second): each marker is uncertain by up to a second, and if the times were truncated the fitted offset is about 0.5 s early. Give referenceTruncatedUs: 1000000 to use the middle of each second'
    : null;
}

async function alignSource(
  conn: Connection,
  request: AlignRequest,
  sessionId: string,
  group: SourceGroup,
  streams: readonly StoredClock[],
  reference: { streams: StoredClock[]; markers: MarkerSet },
  notes: string[],
): Promise<AlignedClock | { skipped: string }> {
  const target = await readMarkers(conn, request.target, group.markerStreams);
  const exclude = new Set(request.exclude ?? []);
  const halfStep = (request.referenceTruncatedUs ?? 0) / 2;
  const { pairs, excluded } = pairsOf(reference.markers, target, exclude, halfStep);
  const paired = new Set(pairs.map((p) => p.key));
  if (pairs.length === 0) {
    return { skipped: `no marker of ${describeSide(request.target)} (${target.byKey.size} found) matches one of ${describeSide(request.reference)} (${reference.markers.byKey.size} found)` };
  }
  const fit: ClockFit = fitClock(pairs, request.drift ?? 'auto');
  const clocks = new Map(reference.streams.map((s) => [s.streamId, s]));
  const note = request.referenceTruncatedUs === undefined ? wholeSecondNote(reference.markers, pairs, clocks) : null;
  if (note !== null && !notes.includes(note)) notes.push(note);

  const fromFile = group.sha256 === null ? group.markerStreams : streams.filter((s) => s.sourceSha256 === group.sha256);
  const first = group.markerStreams[0] as StoredClock;
  const sameClock = (s: StoredClock): boolean =>
    s.model.offsetUs === first.model.offsetUs && s.model.driftPpm === first.model.driftPpm && s.model.deviceOriginUs === first.model.deviceOriginUs;
  const companions = streams.filter((s) => (request.alsoKinds ?? []).includes(s.kind as StreamKind) && !fromFile.includes(s));
  for (const s of companions.filter((c) => !sameClock(c))) {
    notes.push(`Stream ${s.streamId} (${s.kind}) of session "${sessionId}" was not re-timed: its clock model differs from the one ${describeSide(request.target)} had, so it was not on the same clock`);
  }
  const retimed = [...fromFile, ...companions.filter(sameClock)];
  const referenceIds = reference.streams.map((s) => s.streamId);
  const clockSource = `sync markers: ${pairs.length} pair${pairs.length === 1 ? '' : 's'} with the ${request.reference.kind} stream${referenceIds.length === 1 ? '' : 's'} ${referenceIds.join(', ')} (${describeKey(request.reference.key)} = ${describeKey(request.target.key)})`;
  const residuals: MarkerResidual[] = fit.residuals.map((r) => ({ key: r.key, device_us: r.deviceUs, reference_us: r.referenceUs, residual_us: r.residualUs, outlier: r.outlier }));
  const provenance = {
    reference: { ...request.reference, stream_ids: referenceIds },
    target: request.target,
    drift_mode: request.drift ?? 'auto',
    drift_note: fit.driftNote,
    reference_truncated_us: request.referenceTruncatedUs ?? null,
    excluded_keys: [...exclude].filter((k) => target.byKey.has(k)),
    offset_se_us: fit.offsetStdErrUs,
    drift_se_ppm: fit.driftStdErrPpm,
    residuals,
    previous_clock: { offset_us: first.model.offsetUs, drift_ppm: first.model.driftPpm, origin_us: first.model.deviceOriginUs, source: first.clockSource },
  };
  await retimeStreams(conn, retimed, fit.model, { clockSource, residualUs: fit.rmsUs, provenance });
  const duration = await refreshSessionDuration(conn, sessionId);
  return {
    session_id: sessionId,
    source_sha256: group.sha256,
    marker_stream_ids: group.markerStreams.map((s) => s.streamId),
    retimed_stream_ids: retimed.map((s) => s.streamId),
    reference_stream_ids: referenceIds,
    pairs: pairs.length,
    unpaired_reference: [...reference.markers.byKey.keys()].filter((k) => !paired.has(k)).length,
    unpaired_target: [...target.byKey.keys()].filter((k) => !paired.has(k) && !exclude.has(k)).length,
    duplicate_keys: reference.markers.duplicateKeys.size + target.duplicateKeys.size,
    excluded,
    offset_us: fit.model.offsetUs,
    drift_ppm: fit.model.driftPpm,
    origin_us: fit.model.deviceOriginUs,
    drift_fitted: fit.driftFitted,
    drift_note: fit.driftNote,
    rms_us: fit.rmsUs,
    offset_se_us: fit.offsetStdErrUs,
    drift_se_ppm: fit.driftStdErrPpm,
    residuals,
    previous: { offset_us: first.model.offsetUs, drift_ppm: first.model.driftPpm, origin_us: first.model.deviceOriginUs, clock_source: first.clockSource },
    rows_retimed: retimed.reduce((sum, s) => sum + s.rowCount, 0),
    session_duration_us: duration,
  };
}

async function alignSession(conn: Connection, request: AlignRequest, sessionId: string, notes: string[]): Promise<{ aligned: AlignedClock[]; skipped: string[] }> {
  const streams = await sessionStreams(conn, sessionId);
  const referenceStreams = streams.filter((s) => s.kind === request.reference.kind);
  const targetStreams = streams.filter((s) => s.kind === request.target.kind);
  if (referenceStreams.length === 0) return { aligned: [], skipped: [`it has no ${request.reference.kind} stream`] };
  if (targetStreams.length === 0) return { aligned: [], skipped: [`it has no ${request.target.kind} stream`] };
  const referenceFiles = new Set(referenceStreams.map((s) => s.sourceSha256).filter((sha) => sha !== null));
  const groups = groupBySource(targetStreams.filter((s) => s.sourceSha256 === null || !referenceFiles.has(s.sourceSha256)));
  if (groups.length === 0) return { aligned: [], skipped: [`its ${request.target.kind} and ${request.reference.kind} streams come from the same file, which has one clock`] };
  const reference = { streams: referenceStreams, markers: await readMarkers(conn, request.reference, referenceStreams) };
  const aligned: AlignedClock[] = [];
  const skipped: string[] = [];
  for (const group of groups) {
    const outcome = await alignSource(conn, request, sessionId, group, streams, reference, notes);
    if ('skipped' in outcome) skipped.push(outcome.skipped);
    else aligned.push(outcome);
  }
  return { aligned, skipped };
}

/**
 * Aligns a device's clock to a reference clock by sync markers: the same moment logged in two
 * streams of a session, paired by key (a tutor transaction id echoed into an eye tracker's
 * LogData, say). For each file the target markers come from, fits offset and drift (core/clock/fit.ts)
 * and re-times every stream read from that file, since one file's streams share a clock, in
 * one transaction with an audit entry. Session durations follow the streams' new ends.
 */
export async function alignClocks(study: Study, request: AlignRequest, ctx: AlignContext): Promise<AlignResult> {
  checkMarkerStream(request.reference, 'reference');
  checkMarkerStream(request.target, 'target');
  if (request.referenceTruncatedUs !== undefined && !(request.referenceTruncatedUs > 0 && Number.isFinite(request.referenceTruncatedUs))) {
    throw new WeftError('INVALID_INPUT', `referenceTruncatedUs must be a positive number of microseconds, not ${request.referenceTruncatedUs}`);
  }
  const pseudonymKey = await study.pseudonymKey();
  const result = await study.db.write(async (conn): Promise<AlignResult> => {
    let sessionIds: string[];
    if (request.sessionId !== undefined) {
      const found = await conn.one(`SELECT session_id FROM weft.sessions WHERE session_id = $session`, { session: request.sessionId });
      if (found === undefined) throw new WeftError('NOT_FOUND', `The study has no session "${request.sessionId}"`);
      sessionIds = [request.sessionId];
    } else {
      sessionIds = (await conn.all(`SELECT DISTINCT session_id FROM weft.streams WHERE kind = $kind ORDER BY session_id`, { kind: request.target.kind })).map((r) => String(r['session_id']));
    }
    const aligned: AlignedClock[] = [];
    const skipped: { session_id: string; reason: string }[] = [];
    const notes: string[] = [];
    for (const sessionId of sessionIds) {
      const outcome = await alignSession(conn, request, sessionId, notes);
      aligned.push(...outcome.aligned);
      skipped.push(...outcome.skipped.map((reason) => ({ session_id: sessionId, reason })));
    }
    if (request.sessionId !== undefined && aligned.length === 0) {
      throw new WeftError('INVALID_INPUT', `Cannot align the clocks of session "${request.sessionId}": ${skipped.map((s) => s.reason).join('; ')}`);
    }
    if (aligned.length > 0) {
      const participants = new Map(
        (await conn.all(`SELECT session_id, participant_id FROM weft.sessions`)).map((r) => [String(r['session_id']), String(r['participant_id'])]),
      );
      await appendAudit(conn, {
        actor: ctx.actor,
        action: 'clock.align',
        target: `streams ${aligned.flatMap((a) => a.retimed_stream_ids).join(',')}`,
        detail: {
          reference: { kind: request.reference.kind, event_kind: request.reference.eventKind ?? null, key: describeKey(request.reference.key) },
          target: { kind: request.target.kind, event_kind: request.target.eventKind ?? null, key: describeKey(request.target.key) },
          drift_mode: request.drift ?? 'auto',
          reference_truncated_us: request.referenceTruncatedUs ?? null,
          fits: aligned.map((a) => ({
            participant: participantRef(pseudonymKey, participants.get(a.session_id) ?? ''),
            retimed_stream_ids: a.retimed_stream_ids,
            pairs: a.pairs,
            offset_us: a.offset_us,
            drift_ppm: a.drift_ppm,
            origin_us: a.origin_us,
            rms_us: a.rms_us,
            previous: a.previous,
          })),
        },
      });
    }
    return { aligned, skipped, notes };
  });
  if (result.aligned.length > 0) ctx.events.emit('study.changed', { reason: 'clock alignment' });
  return result;
}
