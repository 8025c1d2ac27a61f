import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import type { Handlers } from '../../core/api/dispatch.js';
import type { ConsentState, Participant, StudyStatus } from '../../core/api/schemas.js';
import { WeftError } from '../../core/errors.js';
import { MODALITIES, type Modality } from '../../core/study/modalities.js';
import { parseIsoInstant } from '../../core/study/instants.js';
import { readerToArrowIpc } from '../arrow.js';
import { listFolder } from '../import/folderListing.js';
import { runImport } from '../import/job.js';
import { RunningJobs } from '../jobs/cancellation.js';
import { createFaceHandlers, type FaceHandlerOptions } from './faceHandlers.js';
import { createModelHandlers } from './modelHandlers.js';
import { alignClocks, type MarkerStream } from '../clock/align.js';
import { checkReadOnlyQuery, cleanDuckMessage } from '../sql/guard.js';
import { appendAudit, auditRowToEntry, verifyAudit } from '../store/audit.js';
import { EXPORTABLE_VIEW_NAMES } from '../../core/api/contract.js';
import { exportStudy } from '../export/tidyExport.js';
import { eraseParticipant, withdrawModalities } from '../privacy/erasure.js';
import { listFields } from '../privacy/fieldList.js';
import { changePolicy, readPolicy } from '../privacy/policy.js';
import { enforceRetention } from '../privacy/retention.js';
import { gatherEthicsData, renderEthicsHtml, reportSha256 } from '../privacy/ethicsReport.js';
import { participantRef } from '../privacy/pseudonym.js';
import { readerToJsonRows, type Connection, type JsonRow } from '../store/duck.js';
import type { Study } from '../store/study.js';
import { VIEWS } from '../store/views.js';

const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

const TIMELINE_TIME_COLUMN = {
  face_frames: 't_us',
  gaze_samples: 't_us',
  events: 't_us',
  fixations: 'start_us',
  annotations: 'start_us',
  predictions: 'start_us',
} as const;

function toConsent(r: JsonRow) {
  return {
    participant_id: str(r['participant_id']),
    modality: r['modality'] as Modality,
    state: r['state'] as ConsentState,
    granted: Boolean(r['granted']),
    form_version: strOrNull(r['form_version']),
    recorded_at: str(r['recorded_at']),
    expires_at: strOrNull(r['expires_at']),
    withdrawn_at: strOrNull(r['withdrawn_at']),
  };
}

async function consentStates(conn: Connection): Promise<Map<string, Record<string, ConsentState>>> {
  const rows = await conn.all(`SELECT participant_id, modality, state FROM consents`);
  const byParticipant = new Map<string, Record<string, ConsentState>>();
  for (const row of rows) {
    const id = str(row['participant_id']);
    const states = byParticipant.get(id) ?? {};
    states[str(row['modality'])] = row['state'] as ConsentState;
    byParticipant.set(id, states);
  }
  return byParticipant;
}

function fullConsentMap(states: Record<string, ConsentState> | undefined): Record<Modality, ConsentState> {
  return Object.fromEntries(MODALITIES.map((m) => [m, states?.[m] ?? 'missing'])) as Record<Modality, ConsentState>;
}

function toStream(row: JsonRow) {
  return {
    stream_id: num(row['stream_id']),
    session_id: str(row['session_id']),
    participant_id: str(row['participant_id']),
    kind: row['kind'] as never,
    format: str(row['format']),
    modality: row['modality'] as never,
    source_path: strOrNull(row['source_path']),
    source_sha256: strOrNull(row['source_sha256']),
    clock: { offset_us: num(row['clock_offset_us']), drift_ppm: num(row['clock_drift_ppm']), source: str(row['clock_source']) },
    rows: num(row['rows']),
    start_us: numOrNull(row['start_us']),
    end_us: numOrNull(row['end_us']),
    imported_at: str(row['imported_at']),
  };
}

/** The one implementation of the API contract, over one open study. */
export function createHandlers(study: Study, face: FaceHandlerOptions = {}): Handlers {
  const read = <T>(fn: (conn: Connection) => Promise<T>): Promise<T> => study.db.read(fn);
  const jobs = new RunningJobs();

  const handlers: Handlers = {
    ...createModelHandlers(study),
    ...createFaceHandlers(study, () => handlers, jobs, face),
    'jobs.cancel': async (input) => ({ cancelled: jobs.cancel(input.job_id) }),
    'study.info': async () => study.info(),

    'study.status': async () =>
      read(async (conn): Promise<StudyStatus> => {
        const participants = num(await conn.scalar(`SELECT count(*) FROM participants`));
        const sessions = await conn.all(`SELECT session_id, participant_id, variant, duration_us FROM sessions ORDER BY session_id`);
        const streams = await conn.all(
          `SELECT stream_id, session_id, kind, format, rows, start_us, end_us FROM streams ORDER BY session_id, stream_id`,
        );
        const variants = await conn.all(`SELECT variant, count(*) AS sessions FROM sessions GROUP BY variant ORDER BY variant NULLS LAST`);
        const states = await consentStates(conn);
        const participantIds = (await conn.all(`SELECT participant_id FROM participants`)).map((r) => str(r['participant_id']));
        const coverage = MODALITIES.map((modality) => {
          const counts = { modality, granted: 0, refused: 0, withdrawn: 0, expired: 0, missing: 0 };
          for (const id of participantIds) counts[states.get(id)?.[modality] ?? 'missing'] += 1;
          return counts;
        });
        const views = [];
        for (const view of VIEWS) views.push({ view: view.name, rows: num(await conn.scalar(`SELECT count(*) FROM ${view.name}`)) });
        return {
          study: study.info(),
          participants,
          sessions: sessions.map((s) => ({
            session_id: str(s['session_id']),
            participant_id: str(s['participant_id']),
            variant: strOrNull(s['variant']),
            duration_us: numOrNull(s['duration_us']),
            streams: streams
              .filter((st) => st['session_id'] === s['session_id'])
              .map((st) => ({
                stream_id: num(st['stream_id']),
                kind: st['kind'] as never,
                format: str(st['format']),
                rows: num(st['rows']),
                start_us: numOrNull(st['start_us']),
                end_us: numOrNull(st['end_us']),
              })),
          })),
          variants: variants.map((v) => ({ variant: strOrNull(v['variant']), sessions: num(v['sessions']) })),
          consent_coverage: coverage,
          views,
        };
      }),

    'participant.list': async () =>
      read(async (conn): Promise<Participant[]> => {
        const rows = await conn.all(`SELECT participant_id, enrolled_at, sessions FROM participants ORDER BY participant_id`);
        const states = await consentStates(conn);
        return rows.map((row) => {
          const id = str(row['participant_id']);
          const own = states.get(id);
          const recorded = Object.values(own ?? {});
          return {
            participant_id: id,
            enrolled_at: strOrNull(row['enrolled_at']),
            sessions: num(row['sessions']),
            withdrawn: recorded.length > 0 && recorded.every((s) => s === 'withdrawn'),
            consent: fullConsentMap(own),
          };
        });
      }),

    'session.list': async (input) =>
      read(async (conn) => {
        const rows = await conn.all(
          `SELECT s.session_id, s.participant_id, s.variant, s.lesson, s.started_at, s.duration_us,
             (SELECT count(*) FROM streams st WHERE st.session_id = s.session_id) AS streams
           FROM sessions s
           WHERE ($participant::VARCHAR IS NULL OR s.participant_id = $participant::VARCHAR) AND ($variant::VARCHAR IS NULL OR s.variant = $variant::VARCHAR)
           ORDER BY s.session_id`,
          { participant: input.participant_id ?? null, variant: input.variant ?? null },
        );
        return rows.map((r) => ({
          session_id: str(r['session_id']),
          participant_id: str(r['participant_id']),
          variant: strOrNull(r['variant']),
          lesson: strOrNull(r['lesson']),
          started_at: strOrNull(r['started_at']),
          duration_us: numOrNull(r['duration_us']),
          streams: num(r['streams']),
        }));
      }),

    'stream.list': async (input) =>
      read(async (conn) => {
        const rows = await conn.all(
          `SELECT * FROM streams WHERE ($session::VARCHAR IS NULL OR session_id = $session::VARCHAR) ORDER BY session_id, stream_id`,
          { session: input.session_id ?? null },
        );
        return rows.map(toStream);
      }),

    'consent.list': async (input) =>
      read(async (conn) => {
        const rows = await conn.all(
          `SELECT * FROM consents
           WHERE ($participant::VARCHAR IS NULL OR participant_id = $participant::VARCHAR) AND ($modality::VARCHAR IS NULL OR modality = $modality::VARCHAR)
           ORDER BY participant_id, modality`,
          { participant: input.participant_id ?? null, modality: input.modality ?? null },
        );
        return rows.map(toConsent);
      }),

    'consent.history': async (input) =>
      read(async (conn) => {
        const rows = await conn.all(`SELECT * FROM consent_history WHERE participant_id = $participant ORDER BY record_id`, { participant: input.participant_id });
        return rows.map((r) => ({
          record_id: num(r['record_id']),
          ...toConsent(r),
          source: strOrNull(r['source']),
          recorded_by: strOrNull(r['recorded_by']),
        }));
      }),

    'consent.record': async (input, ctx) => {
      const recordedAtUs = input.recorded_at === undefined ? Date.now() * 1000 : parseIsoInstant(input.recorded_at);
      if (recordedAtUs === null) throw new WeftError('INVALID_INPUT', `recorded_at "${input.recorded_at ?? ''}" is not an ISO-8601 instant with a time zone`);
      const expiresAtUs = input.expires_at === null ? null : parseIsoInstant(input.expires_at);
      if (input.expires_at !== null && expiresAtUs === null) throw new WeftError('INVALID_INPUT', `expires_at "${input.expires_at}" is not an ISO-8601 instant with a time zone`);
      const ref = participantRef(await study.pseudonymKey(), input.participant_id);
      await study.db.write(async (conn) => {
        const erased = Number(await conn.scalar(`SELECT count(*) FROM weft.erasures WHERE participant_ref = $r AND scope = 'participant'`, { r: ref }));
        if (erased > 0) throw new WeftError('CONFLICT', `Participant "${input.participant_id}" was erased from this study and cannot be re-enrolled under the same id`);
        const enrolled = Number(await conn.scalar(`SELECT count(*) FROM weft.participants WHERE participant_id = $p`, { p: input.participant_id }));
        if (enrolled === 0) {
          await conn.run(`INSERT INTO weft.participants (participant_id, enrolled_at_us, created_at_us) VALUES ($p, $at, $now)`, {
            p: input.participant_id,
            at: BigInt(recordedAtUs),
            now: BigInt(Date.now() * 1000),
          });
        }
        const id = Number(await conn.scalar(`SELECT coalesce(max(record_id), 0) + 1 FROM weft.consent_records`));
        await conn.run(`INSERT INTO weft.consent_records VALUES ($id, $p, $m, $granted, $form, $at, $expires, NULL, 'entered', $by)`, {
          id,
          p: input.participant_id,
          m: input.modality,
          granted: input.granted,
          form: input.form_version,
          at: BigInt(recordedAtUs),
          expires: expiresAtUs === null ? null : BigInt(expiresAtUs),
          by: ctx.actor,
        });
        await appendAudit(conn, { actor: ctx.actor, action: 'consent.record', target: ref, detail: { modality: input.modality, granted: input.granted, form_version: input.form_version } });
      });
      ctx.events.emit('study.changed', { reason: 'consent recorded' });
      const [consent] = await handlers['consent.list']({ participant_id: input.participant_id, modality: input.modality }, ctx);
      if (consent === undefined) throw new WeftError('INTERNAL', 'The consent just recorded cannot be read back');
      return consent;
    },

    'consent.withdraw': async (input, ctx) => {
      const options = { actor: ctx.actor, reason: input.reason, events: ctx.events };
      return input.modalities === undefined
        ? eraseParticipant(study, input.participant_id, options)
        : withdrawModalities(study, input.participant_id, input.modalities, options);
    },

    'report.ethics': async (_input, ctx) => {
      const data = await gatherEthicsData(study, ctx.actor);
      const html = renderEthicsHtml(data);
      return { html, sha256: reportSha256(html), generated_at: data.generatedAt };
    },

    'report.signoff': async (input, ctx) => {
      const signoff = { signoff_id: randomUUID(), at_us: Date.now() * 1000, reviewer: input.reviewer, comment: input.comment, report_sha256: input.report_sha256 };
      await study.db.write(async (conn) => {
        await conn.run(`INSERT INTO weft.signoffs VALUES ($id, $at, $reviewer, $comment, $sha)`, {
          id: signoff.signoff_id,
          at: BigInt(signoff.at_us),
          reviewer: signoff.reviewer,
          comment: signoff.comment,
          sha: signoff.report_sha256,
        });
        await appendAudit(conn, { actor: ctx.actor, action: 'report.signoff', target: signoff.signoff_id, detail: { reviewer: input.reviewer, comment: input.comment, report_sha256: input.report_sha256 } });
      });
      ctx.events.emit('study.changed', { reason: 'report signed off' });
      return { signoff_id: signoff.signoff_id, at: new Date(signoff.at_us / 1000).toISOString(), reviewer: signoff.reviewer, comment: signoff.comment, report_sha256: signoff.report_sha256 };
    },

    'retention.enforce': async (input, ctx) => {
      const nowUs = input.as_of === undefined ? undefined : parseIsoInstant(input.as_of);
      if (nowUs === null) throw new WeftError('INVALID_INPUT', `as_of "${input.as_of ?? ''}" is not an ISO-8601 instant with a time zone`);
      const report = await enforceRetention(study, { actor: ctx.actor, dryRun: input.dry_run, events: ctx.events, ...(nowUs === undefined ? {} : { nowUs }) });
      return { ...report, actions: [...report.actions] };
    },

    'export.create': async (input, ctx) =>
      exportStudy(study, { out: input.out, format: input.format, views: input.views ?? EXPORTABLE_VIEW_NAMES, actor: ctx.actor, events: ctx.events }),

    'policy.get': async () => read((conn) => readPolicy(conn)),

    'policy.set': async (input, ctx) => {
      const policy = await study.db.write((conn) => changePolicy(conn, input.policy, ctx.actor));
      ctx.events.emit('study.changed', { reason: 'policy changed' });
      return policy;
    },

    'field.list': async () => read((conn) => listFields(conn)),

    'field.update': async (input, ctx) => {
      await study.db.write(async (conn) => {
        const before = await conn.one(`SELECT sensitivity, purpose, legal_basis, retention_days, note FROM weft.fields WHERE field = $f`, { f: input.field });
        if (before === undefined) throw new WeftError('NOT_FOUND', `The fields registry has no field "${input.field}"`);
        const changes = Object.fromEntries(
          (['sensitivity', 'purpose', 'legal_basis', 'retention_days', 'note'] as const).filter((k) => input[k] !== undefined).map((k) => [k, input[k] ?? null]),
        );
        await conn.run(
          `UPDATE weft.fields SET sensitivity = coalesce($sensitivity, sensitivity), purpose = coalesce($purpose, purpose),
             legal_basis = coalesce($basis, legal_basis), retention_days = CASE WHEN $setRetention THEN $retention ELSE retention_days END,
             note = CASE WHEN $setNote THEN $note ELSE note END, reviewed_by = $by, reviewed_at_us = $at WHERE field = $f`,
          {
            f: input.field,
            sensitivity: input.sensitivity ?? null,
            purpose: input.purpose ?? null,
            basis: input.legal_basis ?? null,
            setRetention: input.retention_days !== undefined,
            retention: input.retention_days ?? null,
            setNote: input.note !== undefined,
            note: input.note ?? null,
            by: ctx.actor,
            at: BigInt(Date.now() * 1000),
          },
        );
        await appendAudit(conn, { actor: ctx.actor, action: 'field.review', target: input.field, detail: { before, after: changes } });
      });
      ctx.events.emit('study.changed', { reason: 'field reviewed' });
      const entry = (await read((conn) => listFields(conn))).find((f) => f.field === input.field);
      if (entry === undefined) throw new WeftError('INTERNAL', `Field ${input.field} vanished while it was reviewed`);
      return entry;
    },

    'erasure.list': async () =>
      read(async (conn) => {
        const rows = await conn.all(
          `SELECT erasure_id, participant_ref, scope, reason, actor, erased_at,
             (SELECT coalesce(sum(value::BIGINT), 0) FROM json_each(rows)) AS rows_deleted,
             (verification->>'verified')::BOOLEAN AS verified, (verification->>'files_scanned')::BIGINT AS files_scanned
           FROM erasures ORDER BY erased_at`,
        );
        return rows.map((r) => ({
          erasure_id: str(r['erasure_id']),
          participant_ref: str(r['participant_ref']),
          scope: str(r['scope']),
          reason: strOrNull(r['reason']),
          actor: str(r['actor']),
          erased_at: str(r['erased_at']),
          rows_deleted: num(r['rows_deleted']),
          verified: r['verified'] === null ? null : Boolean(r['verified']),
          files_scanned: numOrNull(r['files_scanned']),
        }));
      }),

    'audit.verify': async () => read((conn) => verifyAudit(conn)).then((v) => ({ ...v, breaks: [...v.breaks] })),

    'audit.list': async (input) =>
      read(async (conn) => {
        const rows = await conn.all(
          `SELECT seq, "at", actor, action, target, CAST(detail AS VARCHAR) AS detail, prev_hash, hash
           FROM audit_log WHERE seq > $after::BIGINT ORDER BY seq LIMIT $limit::BIGINT`,
          { after: input.after_seq, limit: input.limit },
        );
        return rows.map(auditRowToEntry);
      }),

    'files.list': async (input) => listFolder(input.dir ?? dirname(study.dir)),

    'session.import': jobs.cancellable(async (input, ctx) => {
      let sessionStartUs: number | undefined;
      if (input.session_start !== undefined) {
        const parsed = parseIsoInstant(input.session_start);
        if (parsed === null) throw new WeftError('INVALID_INPUT', `session_start "${input.session_start}" is not an ISO-8601 instant with a time zone`);
        sessionStartUs = parsed;
      }
      const target = {
        ...(input.participant_id === undefined ? {} : { participantId: input.participant_id }),
        ...(input.session_id === undefined ? {} : { sessionId: input.session_id }),
        ...(input.variant === undefined ? {} : { variant: input.variant }),
        ...(input.lesson === undefined ? {} : { lesson: input.lesson }),
      };
      const summary = await runImport(study, {
        files: input.files,
        ...(input.manifest === undefined ? {} : { manifest: input.manifest }),
        ...(input.format === undefined ? {} : { format: input.format }),
        target,
        ...(sessionStartUs === undefined ? {} : { sessionStartUs }),
        ...(input.clock_offset_s === undefined ? {} : { clockOffsetUs: Math.round(input.clock_offset_s * 1e6) }),
        dryRun: input.dry_run,
        actor: ctx.actor,
        events: ctx.events,
        ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
      });
      // A withdrawal from the study is carried out as soon as it is known: erased and verified.
      for (const participantId of summary.dry_run ? [] : summary.withdrawn) {
        summary.erasures.push(await eraseParticipant(study, participantId, { actor: ctx.actor, reason: 'withdrawal recorded in a consent export', events: ctx.events }));
      }
      return summary;
    }),

    'clock.align': async (input, ctx) => {
      const side = (s: (typeof input)['reference']): MarkerStream => ({
        kind: s.kind,
        ...(s.event_kind === undefined ? {} : { eventKind: s.event_kind }),
        key: s.column !== undefined ? { column: s.column } : { attribute: s.attribute ?? '' },
      });
      return alignClocks(
        study,
        {
          ...(input.session_id === undefined ? {} : { sessionId: input.session_id }),
          reference: side(input.reference),
          target: side(input.target),
          drift: input.drift,
          exclude: input.exclude,
          alsoKinds: input.also_kinds,
          ...(input.reference_truncated_us === undefined ? {} : { referenceTruncatedUs: input.reference_truncated_us }),
        },
        ctx,
      );
    },

    'sql.query': async (input) =>
      read(async (conn) => {
        await checkReadOnlyQuery(conn, input.sql);
        await conn.run('BEGIN TRANSACTION READ ONLY');
        try {
          const reader = await conn.raw.streamAndReadUntil(input.sql, input.max_rows + 1);
          const { columns, rows } = readerToJsonRows(reader);
          const truncated = rows.length > input.max_rows;
          return { columns, rows: truncated ? rows.slice(0, input.max_rows) : rows, truncated };
        } catch (error) {
          if (error instanceof WeftError) throw error;
          throw new WeftError('SQL_ERROR', cleanDuckMessage(error));
        } finally {
          await conn.run('ROLLBACK');
        }
      }),

    'timeline.query': async (input) =>
      read(async (conn) => {
        const view = VIEWS.find((v) => v.name === input.view);
        if (view === undefined) throw new WeftError('NOT_FOUND', `No view named ${input.view}`);
        const known = new Set(view.columns.map((c) => c.name));
        const columns = input.columns ?? view.columns.map((c) => c.name);
        const unknown = columns.filter((c) => !known.has(c));
        if (unknown.length > 0) {
          throw new WeftError('INVALID_INPUT', `${input.view} has no column ${unknown.join(', ')}`);
        }
        const time = TIMELINE_TIME_COLUMN[input.view];
        const reader = await conn.raw.runAndReadAll(
          `SELECT ${columns.join(', ')} FROM ${view.name}
           WHERE session_id = $session AND ($from::BIGINT IS NULL OR ${time} >= $from::BIGINT) AND ($to::BIGINT IS NULL OR ${time} < $to::BIGINT)
           ORDER BY ${time}`,
          { session: input.session_id, from: input.from_us ?? null, to: input.to_us ?? null },
        );
        return readerToArrowIpc(reader);
      }),
  };
  return handlers;
}
