import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { EventSink } from '../../core/api/events.js';
import { participantIdSchema, type ConsentState, type ImportSummary, type ImportedFile } from '../../core/api/schemas.js';
import { isoFromEpochUs } from '../../core/study/instants.js';
import { WeftError } from '../../core/errors.js';
import { STREAM_KIND_MODALITY, type StreamKind } from '../../core/study/modalities.js';
import { isAffectInference } from '../../core/privacy/signals.js';
import { syncFields } from '../privacy/fields.js';
import { participantRef } from '../privacy/pseudonym.js';
import { appendAudit } from '../store/audit.js';
import type { Connection } from '../store/duck.js';
import type { Study } from '../store/study.js';
import type { DataBasis } from '../../core/study/settings.js';
import { readManifest } from './manifest.js';
import { detectImporter, importerFor } from './registry.js';
import { inspectSource, type SourceFile } from './source.js';
import { AcceptedStreamWriter, RefusedStreamWriter, TABLE_OF_KIND } from './streamWriters.js';
import { TableAppender, appendRows } from './tableAppender.js';
import { TextReader } from './textReader.js';
import type { AnnotationFields, ConsentFields, DemographicsFields, ImportSink, ImportWarning, Importer, StreamSpec, StreamTarget, StreamWriter } from './types.js';

export interface ImportRequest {
  readonly files: readonly string[];
  readonly manifest?: string;
  /** Forces the format of every file given in `files`. */
  readonly format?: string;
  /** Overrides what the files say about whom they belong to (--participant, --session, ...). */
  readonly target?: StreamTarget;
  readonly sessionStartUs?: number;
  readonly clockOffsetUs?: number;
  readonly actor: string;
  readonly events: EventSink;
  readonly signal?: AbortSignal;
}

interface PlannedFile {
  readonly source: SourceFile;
  readonly importer: Importer;
  readonly override: StreamTarget;
  readonly overrideOrigin: string;
  readonly sessionStartUs?: number;
  readonly clockOffsetUs?: number;
}

interface SessionState {
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
interface StudyState {
  readonly participants: Set<string>;
  readonly sessions: Map<string, SessionState>;
  consent: Map<string, ConsentState>;
  /** Keyed pseudonyms of erased participants: their data is refused as withdrawn. */
  readonly erased: ReadonlySet<string>;
  nextStreamId: number;
  readonly newParticipants: Map<string, number | null>;
}

const consentKey = (participantId: string, modality: string): string => `${participantId}\u0000${modality}`;

async function loadConsent(conn: Connection): Promise<Map<string, ConsentState>> {
  const rows = await conn.all(`SELECT participant_id, modality, state FROM consents`);
  return new Map(rows.map((r) => [consentKey(String(r['participant_id']), String(r['modality'])), r['state'] as ConsentState]));
}

async function loadState(conn: Connection): Promise<StudyState> {
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

interface OpenStream {
  readonly writer: AcceptedStreamWriter;
  readonly session: SessionState;
  readonly spec: StreamSpec;
  readonly file: PlannedFile;
  readonly clock: { offsetUs: number; driftPpm: number; originUs: number; source: string };
}

const PHASE_ORDER = { consent: 0, data: 1, annotations: 2 } as const;
const NO_CLOCK = 'none given: assumed to start at session time 0';

function nowUs(): number {
  return Date.now() * 1000;
}

async function plan(request: ImportRequest): Promise<PlannedFile[]> {
  const inputs: { path: string; format?: string; override: StreamTarget; origin: string; sessionStartUs?: number; clockOffsetUs?: number }[] = [];
  if (request.manifest !== undefined) {
    for (const entry of await readManifest(request.manifest)) {
      inputs.push({
        path: entry.path,
        ...(entry.format === undefined ? {} : { format: entry.format }),
        override: entry.target,
        origin: `manifest line ${entry.line}`,
        ...(entry.sessionStartUs === undefined ? {} : { sessionStartUs: entry.sessionStartUs }),
        ...(entry.clockOffsetUs === undefined ? {} : { clockOffsetUs: entry.clockOffsetUs }),
      });
    }
  }
  for (const path of request.files) {
    inputs.push({
      path,
      ...(request.format === undefined ? {} : { format: request.format }),
      override: request.target ?? {},
      origin: 'the command line',
      ...(request.sessionStartUs === undefined ? {} : { sessionStartUs: request.sessionStartUs }),
      ...(request.clockOffsetUs === undefined ? {} : { clockOffsetUs: request.clockOffsetUs }),
    });
  }
  if (inputs.length === 0) throw new WeftError('INVALID_INPUT', 'Nothing to import: give files, a manifest, or both');
  const planned: PlannedFile[] = [];
  for (const input of inputs) {
    const source = await inspectSource(input.path);
    const importer = input.format === undefined ? detectImporter(source) : importerFor(input.format);
    planned.push({
      source,
      importer,
      override: input.override,
      overrideOrigin: input.origin,
      ...(input.sessionStartUs === undefined ? {} : { sessionStartUs: input.sessionStartUs }),
      ...(input.clockOffsetUs === undefined ? {} : { clockOffsetUs: input.clockOffsetUs }),
    });
  }
  return planned.sort((a, b) => PHASE_ORDER[a.importer.phase] - PHASE_ORDER[b.importer.phase]);
}

/**
 * Imports files into the study in one transaction: every file lands, or, on any error,
 * nothing does. Files seen before (same sha256) are recognised and add nothing. Streams whose
 * modality the participant has not consented to are never written, only reported.
 */
export async function runImport(study: Study, request: ImportRequest): Promise<ImportSummary> {
  const importId = randomUUID();
  const files = await plan(request);
  const pseudonymKey = await study.pseudonymKey();
  const basis = study.file.settings.data_basis;
  const startedAtUs = nowUs();

  const declaredStarts = declaredSessionStarts(files);

  const summary = await study.db.write(async (conn) => {
    const appenders = new Map<string, TableAppender>();
    const state = await loadState(conn);
    for (const [sessionId, declared] of declaredStarts) {
      const existing = state.sessions.get(sessionId)?.startUs;
      if (existing !== undefined && existing !== null && existing !== declared.us) {
        throw new WeftError('CONFLICT', `Session "${sessionId}" already starts at ${isoFromEpochUs(existing)}, but ${declared.origin} says ${isoFromEpochUs(declared.us)}`);
      }
    }
    const streams: OpenStream[] = [];
    const results: ImportedFile[] = [];
    const seenInBatch = new Map<string, string>();
    const withdrawnByThisImport = new Set<string>();
    const totalBytes = files.reduce((sum, f) => sum + f.source.bytes, 0);
    let bytesBefore = 0;

    const appenderFor = async (table: string): Promise<TableAppender> => {
      let appender = appenders.get(table);
      if (appender === undefined) {
        appender = await TableAppender.open(conn, table);
        appenders.set(table, appender);
      }
      return appender;
    };

    for (const file of files) {
      if (request.signal?.aborted) throw new WeftError('CANCELLED', 'Import cancelled; the study is unchanged');
      const result: ImportedFile = {
        path: file.source.path,
        format: file.importer.format,
        sha256: file.source.sha256,
        bytes: file.source.bytes,
        status: 'imported',
        duplicate_of: null,
        streams: [],
        refused: [],
        annotations: 0,
        consents: 0,
        demographics: 0,
        warnings: [],
      };
      results.push(result);
      const previous = await conn.one(`SELECT import_id, path FROM weft.source_files WHERE sha256 = $sha`, { sha: file.source.sha256 });
      const earlier = previous === undefined ? seenInBatch.get(file.source.sha256) : String(previous['import_id']);
      if (earlier !== undefined) {
        result.status = 'duplicate';
        result.duplicate_of = earlier;
        bytesBefore += file.source.bytes;
        continue;
      }
      seenInBatch.set(file.source.sha256, importId);

      const fileStreams: OpenStream[] = [];
      const refusedWriters: { writer: RefusedStreamWriter; entry: ImportedFile['refused'][number] }[] = [];
      const annotations: AnnotationFields[] = [];
      const consents: ConsentFields[] = [];
      const demographics: DemographicsFields[] = [];
      const distinctFileParticipants = new Set<string>();
      let warnedNoClock = false;
      const signalGates: { writer: AcceptedStreamWriter; participantId: string; sessionId: string; consent: ConsentState }[] = [];
      let lastProgress = 0;

      const sink: ImportSink = {
        openStream: async (spec: StreamSpec): Promise<StreamWriter> => {
          const target = resolveTarget(file, spec, distinctFileParticipants);
          const modality = STREAM_KIND_MODALITY[spec.kind];
          const consent: ConsentState = state.erased.has(participantRef(pseudonymKey, target.participantId))
            ? 'withdrawn'
            : basis.kind === 'secondary_data'
              ? 'granted'
              : (state.consent.get(consentKey(target.participantId, modality)) ?? 'missing');
          if (consent !== 'granted') {
            const writer = new RefusedStreamWriter();
            refusedWriters.push({
              writer,
              entry: { participant_id: target.participantId, session_id: target.sessionId, kind: spec.kind, modality, consent, rows: 0 },
            });
            return writer;
          }
          const session = ensureSession(state, target, file, declaredStarts);
          const table = TABLE_OF_KIND[spec.kind];
          if (table === undefined) throw new WeftError('INTERNAL', `No table for ${spec.kind} streams`);
          const streamId = state.nextStreamId++;
          const clock = clockFor(spec, session, file);
          if (clock.source === NO_CLOCK && !warnedNoClock) {
            warnedNoClock = true;
            result.warnings.push({
              message: `Times in this file count from its device's own time 0, and nothing says when that was in session "${session.sessionId}": its streams were placed at session time 0. Give the offset (clock_offset_s in a manifest, or --clock-offset) so that they line up with the other streams`,
              location: { file: file.source.path },
              count: 1,
            });
          }
          const toSession =
            spec.time.kind === 'epoch'
              ? (t: number): number => {
                  session.startUs ??= Math.round(t);
                  return Math.round(t - session.startUs);
                }
              : (t: number): number => Math.round(t + clock.offsetUs);
          const describe = (info: { variant?: string; lesson?: string }): void => {
            if (info.variant !== undefined) {
              if (session.variant !== null && session.variant !== info.variant) {
                throw new WeftError('CONFLICT', `Session "${session.sessionId}" is in variant "${session.variant}", but ${file.source.path} says "${info.variant}"`, {
                  location: { file: file.source.path },
                });
              }
              session.variant = info.variant;
            }
            if (info.lesson !== undefined) session.lesson ??= info.lesson;
          };
          const shared = { signals: await appenderFor('signals') };
          const affectConsent: ConsentState =
            basis.kind === 'secondary_data' ? 'granted' : (state.consent.get(consentKey(target.participantId, 'affect_inferences')) ?? 'missing');
          const allowSignal = (name: string): boolean => affectConsent === 'granted' || !isAffectInference(name);
          const writer = new AcceptedStreamWriter(streamId, session.sessionId, spec.kind, await appenderFor(table), shared, file.source, toSession, describe, allowSignal);
          if (affectConsent !== 'granted') signalGates.push({ writer, participantId: target.participantId, sessionId: session.sessionId, consent: affectConsent });
          const open: OpenStream = { writer, session, spec, file, clock };
          fileStreams.push(open);
          streams.push(open);
          return writer;
        },
        annotation: (fields) => {
          annotations.push(fields);
        },
        consent: (fields) => {
          consents.push(fields);
        },
        demographics: (fields) => {
          demographics.push(fields);
        },
        warn: (warning: ImportWarning) => {
          result.warnings.push({ ...warning, count: warning.count ?? 1 });
        },
        progress: (bytesRead: number) => {
          const now = Date.now();
          if (now - lastProgress < 100) return;
          lastProgress = now;
          request.events.emit('job.progress', {
            job_id: importId,
            label: `Importing ${basename(file.source.path)}`,
            phase: 'running',
            done: bytesBefore + Math.min(bytesRead, file.source.bytes),
            total: totalBytes,
            unit: 'bytes',
          });
          if (request.signal?.aborted) throw new WeftError('CANCELLED', 'Import cancelled; the study is unchanged');
        },
      };

      await file.importer.parse({ file: file.source, sink, timeZone: study.file.settings.time_zone, studyDir: study.dir, openText: () => TextReader.open(file.source) });
      bytesBefore += file.source.bytes;

      const kept = consents.filter((c) => !state.erased.has(participantRef(pseudonymKey, c.participantId)));
      const skipped = new Set(consents.filter((c) => !kept.includes(c)).map((c) => c.location.line ?? 0));
      if (skipped.size > 0) {
        result.warnings.push({
          message: `${skipped.size} row${skipped.size === 1 ? '' : 's'} of participants who were erased from this study were not stored (first at line ${Math.min(...skipped)}); an erased participant is not re-enrolled by a consent export`,
          location: { file: file.source.path, line: Math.min(...skipped) },
          count: skipped.size,
        });
      }
      if (kept.length > 0) {
        await writeConsents(conn, state, kept, request.actor, file.source.path);
        state.consent = await loadConsent(conn);
        for (const c of kept) if (c.withdrawnAtUs !== null) withdrawnByThisImport.add(c.participantId);
      }
      result.consents = kept.length;
      const annotated = await writeAnnotations(conn, state, annotations, file.source.path, basis, pseudonymKey);
      result.annotations = annotated.stored;
      for (const open of fileStreams) {
        result.warnings.push(...open.writer.timeWarnings(file.source.path).map((w) => ({ ...w, count: w.count ?? 1 })));
      }
      const described = await writeDemographics(conn, state, demographics, basis, pseudonymKey);
      result.demographics = described.stored;
      const refusedSignals = signalGates
        .filter((g) => g.writer.refusedSignals > 0)
        .map((g) => ({ participant_id: g.participantId, session_id: g.sessionId, kind: 'signals' as const, modality: 'affect_inferences' as const, consent: g.consent, rows: g.writer.refusedSignals }));
      result.refused = [...refusedWriters.map(({ writer, entry }) => ({ ...entry, rows: writer.rows })), ...annotated.refused, ...described.refused, ...refusedSignals];
      await conn.run(
        `INSERT INTO weft.source_files VALUES ($sha, $path, $format, $bytes, $import, $at)`,
        { sha: file.source.sha256, path: file.source.path, format: file.importer.format, bytes: file.source.bytes, import: importId, at: nowUs() },
      );
    }

    for (const appender of appenders.values()) appender.close();
    for (const open of streams) {
      const result = results.find((r) => r.path === open.file.source.path && r.status === 'imported');
      result?.streams.push({
        stream_id: open.writer.streamId,
        session_id: open.session.sessionId,
        participant_id: open.session.participantId,
        kind: open.spec.kind,
        rows: open.writer.stats.rows,
        start_us: open.writer.stats.minUs,
        end_us: open.writer.stats.maxUs,
        clock_source: open.clock.source,
      });
      if (open.writer.stats.maxUs !== null) {
        open.session.durationUs = Math.max(open.session.durationUs ?? 0, open.writer.stats.maxUs);
      }
    }
    await appendRows(conn, 'streams', streams.map((open) => streamRow(open, importId)));
    await finishSessions(conn, state);
    await syncFields(conn, basis, { streamIds: streams.map((open) => open.writer.streamId) });
    const totalRows = results.reduce(
      (sum, r) => sum + r.streams.reduce((s, st) => s + st.rows, 0) + r.annotations + r.consents,
      0,
    );
    const result: ImportSummary = {
      import_id: importId,
      files: results,
      rows: totalRows,
      warnings: results.reduce((sum, r) => sum + r.warnings.length, 0),
      withdrawn: [...withdrawnByThisImport].filter((id) => state.participants.has(id)).sort(),
      erasures: [],
    };
    const auditDetail = {
      files: results.map((r) => ({
        sha256: r.sha256,
        format: r.format,
        bytes: r.bytes,
        status: r.status,
        streams: r.streams.length,
        rows: r.streams.reduce((s, st) => s + st.rows, 0),
        annotations: r.annotations,
        consents: r.consents,
        refused: r.refused.map((x) => ({ participant: participantRef(pseudonymKey, x.participant_id), kind: x.kind, modality: x.modality, consent: x.consent, rows: x.rows })),
      })),
    };
    await conn.run(`INSERT INTO weft.imports VALUES ($id, $actor, $started, $finished, $summary)`, {
      id: importId,
      actor: request.actor,
      started: startedAtUs,
      finished: nowUs(),
      summary: JSON.stringify(auditDetail),
    });
    await appendAudit(conn, { actor: request.actor, action: 'import', target: importId, detail: auditDetail });
    return result;
  });

  request.events.emit('job.progress', {
    job_id: importId,
    label: 'Import',
    phase: 'done',
    done: summary.files.length,
    total: summary.files.length,
    unit: 'files',
  });
  request.events.emit('study.changed', { reason: 'import' });
  return summary;
}

function resolveTarget(file: PlannedFile, spec: StreamSpec, distinct: Set<string>): { participantId: string; sessionId: string | null; variant: string | null; lesson: string | null } {
  const fromFile = spec.target.participantId;
  if (fromFile !== undefined) {
    distinct.add(fromFile);
    if (file.override.participantId !== undefined && distinct.size > 1) {
      throw new WeftError(
        'CONFLICT',
        `${file.source.path} holds data of several participants (${[...distinct].slice(0, 3).join(', ')}, ...), so ${file.overrideOrigin} cannot assign it all to "${file.override.participantId}"`,
        { location: { file: file.source.path } },
      );
    }
  }
  const participantId = file.override.participantId ?? fromFile;
  if (participantId === undefined) {
    throw new WeftError('INVALID_INPUT', `${file.source.path} does not say which participant it belongs to; give --participant, or list it in a manifest`, {
      location: { file: file.source.path },
    });
  }
  if (!participantIdSchema.safeParse(participantId).success) {
    throw new WeftError('PARSE_ERROR', `${file.source.path}: "${participantId}" cannot be used as a participant id`, { location: { file: file.source.path } });
  }
  return {
    participantId,
    sessionId: file.override.sessionId ?? spec.target.sessionId ?? null,
    variant: file.override.variant ?? spec.target.variant ?? null,
    lesson: file.override.lesson ?? spec.target.lesson ?? null,
  };
}

/**
 * Session starts stated by a manifest or the command line, which fix session time 0 whatever
 * order the files are read in; two statements that disagree are refused before anything is read.
 */
function declaredSessionStarts(files: readonly PlannedFile[]): Map<string, { us: number; origin: string }> {
  const starts = new Map<string, { us: number; origin: string }>();
  for (const file of files) {
    const sessionId = file.override.sessionId;
    if (sessionId === undefined || file.sessionStartUs === undefined) continue;
    const earlier = starts.get(sessionId);
    if (earlier !== undefined && earlier.us !== file.sessionStartUs) {
      throw new WeftError('CONFLICT', `Session "${sessionId}" is given two different starts: ${earlier.origin} and ${file.overrideOrigin}`);
    }
    starts.set(sessionId, { us: file.sessionStartUs, origin: file.overrideOrigin });
  }
  return starts;
}

function ensureSession(
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
  if (target.variant !== null) {
    if (session.variant !== null && session.variant !== target.variant) {
      throw new WeftError('CONFLICT', `Session "${sessionId}" is in variant "${session.variant}", but ${file.source.path} says "${target.variant}"`, {
        location: { file: file.source.path },
      });
    }
    session.variant = target.variant;
  }
  if (target.lesson !== null) session.lesson ??= target.lesson;
  return session;
}

function defaultSessionId(state: StudyState, participantId: string, file: PlannedFile): string {
  const existing = [...state.sessions.values()].filter((s) => s.participantId === participantId).map((s) => s.sessionId);
  if (existing.length === 1) return existing[0] as string;
  if (existing.length === 0) return `${participantId}-1`;
  throw new WeftError('INVALID_INPUT', `Participant "${participantId}" has ${existing.length} sessions and ${file.source.path} does not say which one it belongs to; give --session or a manifest row`, {
    location: { file: file.source.path },
  });
}

function clockFor(spec: StreamSpec, session: SessionState, file: PlannedFile): OpenStream['clock'] {
  if (spec.time.kind === 'epoch') {
    return { offsetUs: 0, driftPpm: 0, originUs: session.startUs ?? 0, source: 'absolute timestamps in the file' };
  }
  if (file.clockOffsetUs !== undefined) {
    return { offsetUs: file.clockOffsetUs, driftPpm: 0, originUs: 0, source: `declared offset (${file.overrideOrigin})` };
  }
  const origin = spec.time.originEpochUs;
  if (origin !== undefined) {
    session.startUs ??= origin;
    return { offsetUs: origin - session.startUs, driftPpm: 0, originUs: 0, source: 'recording start time in the file' };
  }
  return { offsetUs: 0, driftPpm: 0, originUs: 0, source: NO_CLOCK };
}

function streamRow(open: OpenStream, importId: string): Record<string, unknown> {
  const { writer, session, spec, file, clock } = open;
  return {
    stream_id: writer.streamId,
    session_id: session.sessionId,
    kind: spec.kind,
    format: file.importer.format,
    modality: STREAM_KIND_MODALITY[spec.kind as StreamKind],
    source_path: file.source.path,
    source_sha256: file.source.sha256,
    source_bytes: file.source.bytes,
    clock_offset_us: clock.offsetUs,
    clock_drift_ppm: clock.driftPpm,
    clock_origin_us: spec.time.kind === 'epoch' ? (session.startUs ?? 0) : clock.originUs,
    clock_source: clock.source,
    row_count: writer.stats.rows,
    start_us: writer.stats.minUs,
    end_us: writer.stats.maxUs,
    import_id: importId,
    imported_at_us: nowUs(),
    provenance: spec.provenance ?? {},
  };
}

async function finishSessions(conn: Connection, state: StudyState): Promise<void> {
  await appendRows(
    conn,
    'participants',
    [...state.newParticipants].map(([participantId, enrolledAtUs]) => ({ participant_id: participantId, enrolled_at_us: enrolledAtUs, created_at_us: nowUs() })),
  );
  state.newParticipants.clear();
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

async function writeConsents(conn: Connection, state: StudyState, consents: readonly ConsentFields[], actor: string, source: string): Promise<void> {
  for (const c of consents) {
    if (!state.participants.has(c.participantId)) {
      state.participants.add(c.participantId);
      state.newParticipants.set(c.participantId, c.recordedAtUs);
    }
  }
  await appendRows(
    conn,
    'participants',
    [...state.newParticipants].map(([participantId, enrolledAtUs]) => ({ participant_id: participantId, enrolled_at_us: enrolledAtUs, created_at_us: nowUs() })),
  );
  state.newParticipants.clear();
  const first = Number(await conn.scalar(`SELECT coalesce(max(record_id), 0) FROM weft.consent_records`)) + 1;
  await appendRows(
    conn,
    'consent_records',
    consents.map((c, i) => ({
      record_id: first + i,
      participant_id: c.participantId,
      modality: c.modality,
      granted: c.granted,
      form_version: c.formVersion,
      recorded_at_us: c.recordedAtUs,
      expires_at_us: c.expiresAtUs,
      withdrawn_at_us: c.withdrawnAtUs,
      source: basename(source),
      recorded_by: actor,
    })),
  );
}

/**
 * Annotations are observations about a participant, so they pass the same gate as streams: a
 * session's labels are kept only with consent to affect inferences. Labels of a session the
 * study never stored are refused when the file names a participant without that consent, and
 * are an error otherwise (most likely a mistyped session id).
 */
async function writeAnnotations(
  conn: Connection,
  state: StudyState,
  annotations: readonly AnnotationFields[],
  source: string,
  basis: DataBasis,
  pseudonymKey: string,
): Promise<{ stored: number; refused: ImportedFile['refused'] }> {
  const modality = 'affect_inferences';
  const consentOf = (participantId: string): ConsentState =>
    state.erased.has(participantRef(pseudonymKey, participantId))
      ? 'withdrawn'
      : basis.kind === 'secondary_data'
        ? 'granted'
        : (state.consent.get(consentKey(participantId, modality)) ?? 'missing');
  const refused = new Map<string, ImportedFile['refused'][number]>();
  const kept: AnnotationFields[] = [];
  for (const a of annotations) {
    const session = state.sessions.get(a.sessionId);
    if (session !== undefined && a.participantId !== null && a.participantId !== session.participantId) {
      throw new WeftError('CONFLICT', `${a.location.file}:${a.location.line ?? ''}: session "${a.sessionId}" belongs to participant "${session.participantId}", not "${a.participantId}"`, {
        location: a.location,
      });
    }
    const participantId = session?.participantId ?? a.participantId;
    const consent = participantId === null ? 'missing' : consentOf(participantId);
    if (session === undefined && (participantId === null || consent === 'granted')) {
      throw new WeftError('PARSE_ERROR', `${a.location.file}:${a.location.line ?? ''}: the study has no session "${a.sessionId}" to annotate (import its recordings first)`, {
        location: a.location,
      });
    }
    if (consent === 'granted') {
      kept.push(a);
      continue;
    }
    const key = `${participantId}\u0000${a.sessionId}`;
    const entry = refused.get(key) ?? { participant_id: participantId as string, session_id: a.sessionId, kind: 'annotations' as const, modality, consent, rows: 0 };
    entry.rows += 1;
    refused.set(key, entry);
  }
  await appendRows(
    conn,
    'annotations',
    kept.map((a) => ({
      annotation_id: randomUUID(),
      session_id: a.sessionId,
      tier: a.tier,
      annotator: a.annotator,
      label: a.label,
      start_us: a.startUs,
      end_us: a.endUs,
      value: a.value ?? null,
      note: a.note ?? null,
      source: basename(source),
      created_at_us: nowUs(),
    })),
  );
  return { stored: kept.length, refused: [...refused.values()] };
}

/**
 * Demographic items go into the participant's attributes, merged with what is there, only with
 * consent for demographics; a participant Weft does not know is an error (a roster mismatch).
 */
async function writeDemographics(
  conn: Connection,
  state: StudyState,
  rows: readonly DemographicsFields[],
  basis: DataBasis,
  pseudonymKey: string,
): Promise<{ stored: number; refused: ImportedFile['refused'] }> {
  const refused: ImportedFile['refused'] = [];
  let stored = 0;
  for (const row of rows) {
    const erased = state.erased.has(participantRef(pseudonymKey, row.participantId));
    if (!erased && !state.participants.has(row.participantId)) {
      throw new WeftError('PARSE_ERROR', `${row.location.file}:${row.location.line ?? ''}: the study has no participant "${row.participantId}" (record their consent first)`, {
        location: row.location,
      });
    }
    const consent: ConsentState = erased
      ? 'withdrawn'
      : basis.kind === 'secondary_data'
        ? 'granted'
        : (state.consent.get(consentKey(row.participantId, 'demographics')) ?? 'missing');
    if (consent !== 'granted') {
      refused.push({ participant_id: row.participantId, session_id: null, kind: 'demographics', modality: 'demographics', consent, rows: 1 });
      continue;
    }
    await conn.run(
      `UPDATE weft.participants SET attributes = json_merge_patch(coalesce(attributes, '{}'), $items) WHERE participant_id = $p`,
      { p: row.participantId, items: JSON.stringify(row.items) },
    );
    stored += 1;
  }
  return { stored, refused };
}
