import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { ConsentState, ImportSummary, ImportedFile } from '../../core/api/schemas.js';
import { isoFromEpochUs } from '../../core/study/instants.js';
import { WeftError } from '../../core/errors.js';
import { STREAM_KIND_MODALITY, type StreamKind } from '../../core/study/modalities.js';
import { isAffectInference } from '../../core/privacy/signals.js';
import { syncFields } from '../privacy/fields.js';
import { participantRef } from '../privacy/pseudonym.js';
import { appendAudit } from '../store/audit.js';
import type { Study } from '../store/study.js';
import { declaredSessionStarts, plan, resolveTarget, type ImportRequest, type PlannedFile } from './importPlan.js';
import { writeAnnotations, writeConsents, writeDemographics } from './importRecords.js';
import { AcceptedStreamWriter, RefusedStreamWriter, TABLE_OF_KIND } from './streamWriters.js';
import { refusedStreamsLastTime, streamKey, streamsStoredFrom } from './reimport.js';
import { consentAt, describeSession, ensureSession, finishSessions, loadConsent, loadState, nowUs, type SessionState } from './studyState.js';
import { TableAppender, appendRows } from './tableAppender.js';
import { TextReader } from './textReader.js';
import { timeOrderWarnings } from './timeOrderWarnings.js';
import type { AnnotationFields, ConsentFields, DemographicsFields, ImportSink, ImportWarning, StreamSpec, StreamWriter } from './types.js';

interface OpenStream {
  readonly writer: AcceptedStreamWriter;
  readonly session: SessionState;
  readonly spec: StreamSpec;
  readonly file: PlannedFile;
  readonly clock: { offsetUs: number; driftPpm: number; originUs: number; source: string };
}

const NO_CLOCK = 'none given: assumed to start at session time 0';

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

  const written = study.db.write(async (conn) => {
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
      const readAgain = previous !== undefined && !seenInBatch.has(file.source.sha256) && (await refusedStreamsLastTime(conn, file.source.sha256));
      if (earlier !== undefined && !readAgain) {
        result.status = 'duplicate';
        result.duplicate_of = earlier;
        bytesBefore += file.source.bytes;
        continue;
      }
      seenInBatch.set(file.source.sha256, importId);
      // Read again for the streams refused last time: those stored then are skipped, and the
      // file's other records (consents, annotations, demographics) were taken the first time.
      const storedBefore = readAgain ? await streamsStoredFrom(conn, file.source.sha256) : new Set<string>();
      let skippedStreams = 0;

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
          if (readAgain && storedBefore.has(streamKey(target.participantId, target.sessionId, spec.kind))) {
            skippedStreams += 1;
            return new RefusedStreamWriter();
          }
          const modality = STREAM_KIND_MODALITY[spec.kind];
          const consent = consentAt(state, basis, pseudonymKey, target.participantId, modality);
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
          const describe = (info: { variant?: string; lesson?: string }): void => describeSession(session, info, file);
          const shared = { signals: await appenderFor('signals') };
          const affectConsent = consentAt(state, basis, pseudonymKey, target.participantId, 'affect_inferences');
          const allowSignal = (name: string): boolean => affectConsent === 'granted' || !isAffectInference(name);
          const writer = new AcceptedStreamWriter(streamId, session.sessionId, spec.kind, await appenderFor(table), shared, file.source, toSession, describe, allowSignal);
          if (affectConsent !== 'granted') signalGates.push({ writer, participantId: target.participantId, sessionId: session.sessionId, consent: affectConsent });
          const open: OpenStream = { writer, session, spec, file, clock };
          fileStreams.push(open);
          streams.push(open);
          return writer;
        },
        annotation: (fields) => {
          if (!readAgain) annotations.push(fields);
        },
        consent: (fields) => {
          if (!readAgain) consents.push(fields);
        },
        demographics: (fields) => {
          if (!readAgain) demographics.push(fields);
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

      await file.importer.parse({ file: file.source, sink, timeZone: study.file.settings.time_zone, studyDir: study.dir, dryRun: request.dryRun === true, openText: () => TextReader.open(file.source) });
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
      result.warnings.push(
        ...timeOrderWarnings(
          file.source.path,
          fileStreams.map((open) => ({ kind: open.spec.kind, participantId: open.session.participantId, sessionId: open.session.sessionId, order: open.writer.timeOrder })),
        ),
      );
      const described = await writeDemographics(conn, state, demographics, basis, pseudonymKey);
      result.demographics = described.stored;
      const refusedSignals = signalGates
        .filter((g) => g.writer.refusedSignals > 0)
        .map((g) => ({ participant_id: g.participantId, session_id: g.sessionId, kind: 'signals' as const, modality: 'affect_inferences' as const, consent: g.consent, rows: g.writer.refusedSignals }));
      result.refused = [...refusedWriters.map(({ writer, entry }) => ({ ...entry, rows: writer.rows })), ...annotated.refused, ...described.refused, ...refusedSignals];
      if (readAgain) {
        if (fileStreams.length === 0) {
          result.status = 'duplicate';
          result.duplicate_of = earlier ?? null;
        } else {
          result.warnings.push({
            message: `This file was imported before (import ${earlier ?? ''}) and read again, because streams of it were refused then for lack of consent: ${fileStreams.length} stream${fileStreams.length === 1 ? ' is' : 's are'} stored now${skippedStreams === 0 ? '' : `; the ${skippedStreams} stored then ${skippedStreams === 1 ? 'is' : 'are'} kept as ${skippedStreams === 1 ? 'it was' : 'they were'}`}`,
            location: { file: file.source.path },
            count: 1,
          });
        }
      } else {
        await conn.run(
          `INSERT INTO weft.source_files VALUES ($sha, $path, $format, $bytes, $import, $at)`,
          { sha: file.source.sha256, path: file.source.path, format: file.importer.format, bytes: file.source.bytes, import: importId, at: nowUs() },
        );
      }
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
    const knownEventKeys = streams.flatMap(({ writer, spec }) => {
      const keys = writer.writtenAttributeKeys();
      return keys === null ? [] : [{ streamId: writer.streamId, kind: spec.kind, keys }];
    });
    await syncFields(conn, basis, { streamIds: streams.map((open) => open.writer.streamId), knownEventKeys });
    const totalRows = results.reduce(
      (sum, r) => sum + r.streams.reduce((s, st) => s + st.rows, 0) + r.annotations + r.consents,
      0,
    );
    const result: ImportSummary = {
      import_id: importId,
      dry_run: request.dryRun === true,
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
    if (request.dryRun === true) throw new DryRunDone(result);
    return result;
  });
  const summary = await written.catch((error: unknown) => {
    if (error instanceof DryRunDone) return error.summary;
    throw error;
  });

  request.events.emit('job.progress', {
    job_id: importId,
    label: 'Import',
    phase: 'done',
    done: summary.files.length,
    total: summary.files.length,
    unit: 'files',
  });
  if (!summary.dry_run) request.events.emit('study.changed', { reason: 'import' });
  return summary;
}

/** Ends a dry run's transaction the way an error does (rolled back), carrying what it found. */
class DryRunDone extends Error {
  constructor(readonly summary: ImportSummary) {
    super('dry run: rolled back');
  }
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

