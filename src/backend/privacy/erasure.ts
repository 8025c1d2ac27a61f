import { randomUUID } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type * as z from 'zod';
import type { EventSink } from '../../core/api/events.js';
import type { ErasureReport, erasureHitSchema } from '../../core/api/schemas.js';
import { WeftError } from '../../core/errors.js';
import { STREAM_KINDS, STREAM_KIND_MODALITY, type Modality } from '../../core/study/modalities.js';
import { appendAudit } from '../store/audit.js';
import { sqlTextList, textList, type Connection, type SqlParams } from '../store/duck.js';
import type { Study } from '../store/study.js';
import { participantRef } from './pseudonym.js';

/** Tables whose rows belong to a session, erased with the participant's sessions. */
const SESSION_TABLES = ['events', 'face_frames', 'signals', 'gaze_samples', 'fixations', 'saccades', 'blinks', 'media', 'annotations', 'predictions', 'streams'] as const;

/** Where an identifier was still found. Never holds the identifier itself: it is what was erased. */
type ErasureHit = z.infer<typeof erasureHitSchema>;
type ErasureVerification = NonNullable<ErasureReport['verification']>;

interface Identifier {
  readonly value: string;
  readonly kind: ErasureHit['identifier'];
}

function masked(text: string, identifiers: readonly Identifier[]): string {
  return identifiers.reduce((out, id) => out.replaceAll(id.value, `<${id.kind}>`), text);
}

interface Managed {
  readonly sessions: string[];
  readonly mediaFiles: string[];
}

async function sessionsOf(conn: Connection, participantId: string): Promise<string[]> {
  return (await conn.all(`SELECT session_id FROM weft.sessions WHERE participant_id = $p ORDER BY session_id`, { p: participantId })).map((r) => String(r['session_id']));
}

/** Files Weft copied into the study folder for these sessions: deleted with them. */
async function managedMedia(conn: Connection, studyDir: string, sessions: readonly string[]): Promise<string[]> {
  if (sessions.length === 0) return [];
  const rows = await conn.all(`SELECT path FROM weft.media WHERE managed AND list_contains(${sqlTextList('$s')}, session_id)`, { s: textList(sessions) });
  return rows.map((r) => String(r['path'])).map((p) => (isAbsolute(p) ? p : join(studyDir, p))).filter((p) => !relative(studyDir, p).startsWith('..'));
}

async function deleteRows(conn: Connection, participantId: string, sessions: readonly string[], identifiers: readonly string[]): Promise<Record<string, number>> {
  const rows: Record<string, number> = {};
  const count = async (sql: string, params: SqlParams): Promise<number> => Number(await conn.scalar(sql, params));
  const shas = (await conn.all(`SELECT DISTINCT source_sha256 FROM weft.streams WHERE list_contains(${sqlTextList('$s')}, session_id) AND source_sha256 IS NOT NULL`, { s: textList(sessions) })).map((r) => String(r['source_sha256']));
  for (const table of SESSION_TABLES) {
    rows[table] = await count(`SELECT count(*) FROM weft.${table} WHERE list_contains(${sqlTextList('$s')}, session_id)`, { s: textList(sessions) });
    await conn.run(`DELETE FROM weft.${table} WHERE list_contains(${sqlTextList('$s')}, session_id)`, { s: textList(sessions) });
  }
  // A source file's record goes when nothing of it remains, or when its path names the participant.
  const orphaned = `(list_contains(${sqlTextList('$shas')}, sha256) AND sha256 NOT IN (SELECT source_sha256 FROM weft.streams WHERE source_sha256 IS NOT NULL))
    OR list_has_any(list_transform(${sqlTextList('$ids')}, id -> contains(path, id)), [true])`;
  rows['source_files'] = await count(`SELECT count(*) FROM weft.source_files WHERE ${orphaned}`, { shas: textList(shas), ids: textList(identifiers) });
  await conn.run(`DELETE FROM weft.source_files WHERE ${orphaned}`, { shas: textList(shas), ids: textList(identifiers) });
  rows['consent_records'] = await count(`SELECT count(*) FROM weft.consent_records WHERE participant_id = $p`, { p: participantId });
  await conn.run(`DELETE FROM weft.consent_records WHERE participant_id = $p`, { p: participantId });
  rows['sessions'] = sessions.length;
  await conn.run(`DELETE FROM weft.sessions WHERE participant_id = $p`, { p: participantId });
  rows['participants'] = await count(`SELECT count(*) FROM weft.participants WHERE participant_id = $p`, { p: participantId });
  await conn.run(`DELETE FROM weft.participants WHERE participant_id = $p`, { p: participantId });
  return rows;
}

/**
 * Searches every value of every text and JSON column of every internal table for each
 * identifier, and counts the database file's free blocks: after the rewrite there must be none,
 * so that no block of deleted rows is left in the file.
 */
async function scanDatabase(conn: Connection, identifiers: readonly Identifier[]): Promise<{ hits: ErasureHit[]; textColumns: number; freeBlocks: number }> {
  const columns = await conn.all(
    `SELECT table_name, column_name FROM duckdb_columns()
     WHERE database_name = current_database() AND schema_name = 'weft' AND data_type IN ('VARCHAR', 'JSON')
     ORDER BY table_name, column_index`,
  );
  const hits: ErasureHit[] = [];
  for (const column of columns) {
    const table = String(column['table_name']);
    const name = String(column['column_name']);
    for (const identifier of identifiers) {
      const count = Number(await conn.scalar(`SELECT count(*) FROM weft.${table} WHERE contains(CAST("${name}" AS VARCHAR), $id)`, { id: identifier.value }));
      if (count > 0) hits.push({ where: `weft.${table}.${name}`, identifier: identifier.kind, count });
    }
  }
  const freeBlocks = Number(await conn.scalar(`SELECT free_blocks FROM pragma_database_size() WHERE database_name = current_database()`));
  return { hits, textColumns: columns.length, freeBlocks };
}

function occurrences(haystack: Buffer, needle: Buffer): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) count += 1;
  return count;
}

/**
 * Every file under the study folder but the database itself, read whole, searched for each
 * identifier as UTF-8 and UTF-16LE, and its name too. The database file is searched through
 * DuckDB instead (scanDatabase): DuckDB may store a column's strings compressed (and an
 * encrypted study's bytes are ciphertext), so a search of its bytes could miss one, while its
 * compressed numbers hold short runs of bytes by chance (the demo study's 20 MB database held
 * "P06" twice that way after P06 was erased).
 */
export async function searchStudyFolder(dir: string, database: string, identifiers: readonly Identifier[]): Promise<{ hits: ErasureHit[]; files: number; bytes: number }> {
  const hits: ErasureHit[] = [];
  let files = 0;
  let bytes = 0;
  const needles = identifiers.map((id) => ({ id, forms: [Buffer.from(id.value, 'utf8'), Buffer.from(id.value, 'utf16le')] }));
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      const shown = masked(relative(dir, path), identifiers);
      for (const { id } of needles) if (entry.name.includes(id.value)) hits.push({ where: `file name ${shown}`, identifier: id.kind, count: 1 });
      if (entry.isDirectory()) {
        await walk(path);
        continue;
      }
      if (!entry.isFile() || resolve(path) === database) continue;
      const content = await readFile(path);
      files += 1;
      bytes += content.length;
      for (const { id, forms } of needles) {
        const count = forms.reduce((sum, form) => sum + occurrences(content, form), 0);
        if (count > 0) hits.push({ where: shown, identifier: id.kind, count });
      }
    }
  };
  await walk(dir);
  return { hits, files, bytes };
}

/**
 * Erases a participant everywhere Weft keeps data: every row of their sessions in every table,
 * their consent records and enrolment, the records of source files that were only theirs, and
 * media files Weft manages for them. Then it rewrites the database so the deleted bytes leave
 * the file, and verifies: a search of every value of every text column, a rewritten file with no
 * free blocks, and a search of every other file in the study folder, for the participant's id
 * and their session ids. The erasure is audited by keyed pseudonym, never with the erased data,
 * and the pseudonym stays in the erasure register so that the ingest gate refuses the
 * participant's data if it is ever imported again.
 */
export async function eraseParticipant(
  study: Study,
  participantId: string,
  options: { actor: string; reason: string | null; events: EventSink },
): Promise<ErasureReport> {
  const key = await study.pseudonymKey();
  const ref = participantRef(key, participantId);
  const erasureId = randomUUID();
  const found = await study.db.read(async (conn) => {
    const known = Number(
      await conn.scalar(
        `SELECT (SELECT count(*) FROM weft.participants WHERE participant_id = $p) + (SELECT count(*) FROM weft.consent_records WHERE participant_id = $p)`,
        { p: participantId },
      ),
    );
    return known > 0;
  });
  if (!found) throw new WeftError('NOT_FOUND', `The study has no participant "${participantId}"; nothing was changed`);

  const progress = (message: string, done: number): void =>
    options.events.emit('job.progress', { job_id: erasureId, label: 'Erasing a participant', phase: 'running', done, total: 4, unit: 'steps', message });

  progress('deleting rows', 0);
  const { rows, managed, identifiers, exports } = await study.db.write(async (conn) => {
    const sessions = await sessionsOf(conn, participantId);
    const identifiers: Identifier[] = [{ value: participantId, kind: 'participant id' }, ...sessions.map((s) => ({ value: s, kind: 'session id' as const }))];
    const managed: Managed = { sessions, mediaFiles: await managedMedia(conn, study.dir, sessions) };
    const exports = await conn.all(
      `SELECT export_id, path, make_timestamptz(created_at_us) AS created_at FROM weft.exports WHERE list_contains(${sqlTextList('participant_refs')}, $ref) ORDER BY created_at_us`,
      { ref },
    );
    const rows = await deleteRows(conn, participantId, sessions, identifiers.map((i) => i.value));
    await conn.run(
      `INSERT INTO weft.erasures (erasure_id, participant_ref, scope, reason, actor, erased_at_us, rows, files, exports, verification)
       VALUES ($id, $ref, 'participant', $reason, $actor, $at, $rows, $files, $exports, NULL)`,
      {
        id: erasureId,
        ref,
        reason: options.reason,
        actor: options.actor,
        at: BigInt(Date.now() * 1000),
        rows: JSON.stringify(rows),
        files: JSON.stringify(managed.mediaFiles.map((f) => relative(study.dir, f))),
        exports: JSON.stringify(exports.map((e) => ({ export_id: e['export_id'], path: masked(String(e['path']), identifiers), created_at: e['created_at'] }))),
      },
    );
    await appendAudit(conn, { actor: options.actor, action: 'participant.erase', target: ref, detail: { erasure_id: erasureId, sessions: sessions.length, rows, files: managed.mediaFiles.length, exports: exports.length } });
    return {
      rows,
      managed,
      identifiers,
      exports: exports.map((e) => ({ export_id: String(e['export_id']), path: masked(String(e['path']), identifiers), created_at: String(e['created_at']) })),
    };
  });

  progress('deleting managed media', 1);
  for (const file of managed.mediaFiles) await rm(file, { force: true });

  progress('rewriting the database', 2);
  const bytes = await study.db.compact();

  progress('verifying', 3);
  const database = await study.db.read((conn) => scanDatabase(conn, identifiers));
  const folder = await searchStudyFolder(study.dir, resolve(study.db.path), identifiers);
  const verification: ErasureVerification = {
    verified: database.hits.length === 0 && database.freeBlocks === 0 && folder.hits.length === 0,
    database_rows: database.hits,
    text_columns: database.textColumns,
    free_blocks: database.freeBlocks,
    files: folder.hits,
    files_scanned: folder.files,
    bytes_scanned: folder.bytes,
    identifiers: identifiers.length,
  };
  await study.db.write(async (conn) => {
    await conn.run(`UPDATE weft.erasures SET verification = $v WHERE erasure_id = $id`, { v: JSON.stringify(verification), id: erasureId });
    await appendAudit(conn, {
      actor: options.actor,
      action: 'participant.erase.verify',
      target: ref,
      detail: { erasure_id: erasureId, verified: verification.verified, database_hits: database.hits.length, free_blocks: database.freeBlocks, file_hits: folder.hits.length, files_scanned: folder.files },
    });
  });
  // The verification row itself must not reintroduce bytes of an old layout: compact once more.
  await study.db.compact();
  options.events.emit('job.progress', { job_id: erasureId, label: 'Erasing a participant', phase: 'done', done: 4, total: 4, unit: 'steps' });
  options.events.emit('study.changed', { reason: 'erasure' });

  return {
    erasure_id: erasureId,
    participant_ref: ref,
    scope: 'participant',
    rows,
    files_deleted: managed.mediaFiles.map((f) => relative(study.dir, f)),
    exports,
    database_bytes: { before: bytes.bytesBefore, after: bytes.bytesAfter },
    verification,
  };
}

/**
 * Deletes the data of some modalities in some sessions: their streams with every row, and with
 * affect inferences the sessions' annotations and predictions too. Returns rows per table.
 */
export async function deleteModalityData(conn: Connection, sessions: readonly string[], modalities: readonly Modality[]): Promise<Record<string, number>> {
  const kinds = STREAM_KINDS.filter((kind) => modalities.includes(STREAM_KIND_MODALITY[kind]));
  const streams = (
    await conn.all(`SELECT stream_id FROM weft.streams WHERE list_contains(${sqlTextList('$s')}, session_id) AND list_contains(${sqlTextList('$k')}, kind)`, {
      s: textList(sessions),
      k: textList(kinds),
    })
  ).map((r) => String(r['stream_id']));
  const rows: Record<string, number> = {};
  for (const table of SESSION_TABLES.filter((t) => t !== 'annotations' && t !== 'predictions')) {
    const where = `list_contains(${sqlTextList('$ids')}, CAST(stream_id AS VARCHAR))`;
    rows[table] = Number(await conn.scalar(`SELECT count(*) FROM weft.${table} WHERE ${where}`, { ids: textList(streams) }));
    await conn.run(`DELETE FROM weft.${table} WHERE ${where}`, { ids: textList(streams) });
  }
  if (modalities.includes('affect_inferences')) {
    for (const table of ['annotations', 'predictions'] as const) {
      rows[table] = Number(await conn.scalar(`SELECT count(*) FROM weft.${table} WHERE list_contains(${sqlTextList('$s')}, session_id)`, { s: textList(sessions) }));
      await conn.run(`DELETE FROM weft.${table} WHERE list_contains(${sqlTextList('$s')}, session_id)`, { s: textList(sessions) });
    }
  }
  return rows;
}

/**
 * Withdraws consent for some modalities only: records the withdrawal, deletes the participant's
 * streams of those modalities (with affect inferences, their annotations and predictions too),
 * and rewrites the database. The participant stays enrolled for the rest.
 */
export async function withdrawModalities(
  study: Study,
  participantId: string,
  modalities: readonly Modality[],
  options: { actor: string; reason: string | null; events: EventSink },
): Promise<ErasureReport> {
  const key = await study.pseudonymKey();
  const ref = participantRef(key, participantId);
  const erasureId = randomUUID();
  const rows = await study.db.write(async (conn) => {
    const enrolled = Number(await conn.scalar(`SELECT count(*) FROM weft.participants WHERE participant_id = $p`, { p: participantId }));
    if (enrolled === 0) throw new WeftError('NOT_FOUND', `The study has no participant "${participantId}"; nothing was changed`);
    const sessions = await sessionsOf(conn, participantId);
    const rows = await deleteModalityData(conn, sessions, modalities);
    const now = BigInt(Date.now() * 1000);
    const first = Number(await conn.scalar(`SELECT coalesce(max(record_id), 0) FROM weft.consent_records`)) + 1;
    for (const [i, modality] of modalities.entries()) {
      const current = await conn.one(`SELECT granted, form_version FROM consents WHERE participant_id = $p AND modality = $m`, { p: participantId, m: modality });
      await conn.run(
        `INSERT INTO weft.consent_records VALUES ($id, $p, $m, $granted, $form, $at, NULL, $at, 'withdrawal', $by)`,
        { id: first + i, p: participantId, m: modality, granted: Boolean(current?.['granted'] ?? false), form: (current?.['form_version'] as string | null | undefined) ?? null, at: now, by: options.actor },
      );
    }
    await conn.run(
      `INSERT INTO weft.erasures (erasure_id, participant_ref, scope, reason, actor, erased_at_us, rows, files, exports, verification)
       VALUES ($id, $ref, $scope, $reason, $actor, $at, $rows, '[]', '[]', NULL)`,
      { id: erasureId, ref, scope: `modalities:${modalities.join(',')}`, reason: options.reason, actor: options.actor, at: now, rows: JSON.stringify(rows) },
    );
    await appendAudit(conn, { actor: options.actor, action: 'consent.withdraw', target: ref, detail: { erasure_id: erasureId, modalities: [...modalities], rows } });
    return rows;
  });
  const bytes = await study.db.compact();
  options.events.emit('study.changed', { reason: 'consent withdrawn' });
  return {
    erasure_id: erasureId,
    participant_ref: ref,
    scope: `modalities:${modalities.join(',')}`,
    rows,
    files_deleted: [],
    exports: [],
    database_bytes: { before: bytes.bytesBefore, after: bytes.bytesAfter },
    verification: null,
  };
}
