import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { ConsentState, ImportedFile } from '../../core/api/schemas.js';
import { WeftError } from '../../core/errors.js';
import type { DataBasis } from '../../core/study/settings.js';
import type { Connection } from '../store/duck.js';
import { consentAt, nowUs, writeNewParticipants, type StudyState } from './studyState.js';
import { appendRows } from './tableAppender.js';
import type { AnnotationFields, ConsentFields, DemographicsFields } from './types.js';

/** Consent records of a consent export, enrolling the participants they name. */
export async function writeConsents(conn: Connection, state: StudyState, consents: readonly ConsentFields[], actor: string, source: string): Promise<void> {
  for (const c of consents) {
    if (!state.participants.has(c.participantId)) {
      state.participants.add(c.participantId);
      state.newParticipants.set(c.participantId, c.recordedAtUs);
    }
  }
  await writeNewParticipants(conn, state);
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
export async function writeAnnotations(
  conn: Connection,
  state: StudyState,
  annotations: readonly AnnotationFields[],
  source: string,
  basis: DataBasis,
  pseudonymKey: string,
): Promise<{ stored: number; refused: ImportedFile['refused'] }> {
  const modality = 'affect_inferences';
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
    const consent: ConsentState = participantId === null ? 'missing' : consentAt(state, basis, pseudonymKey, participantId, modality);
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
export async function writeDemographics(
  conn: Connection,
  state: StudyState,
  rows: readonly DemographicsFields[],
  basis: DataBasis,
  pseudonymKey: string,
): Promise<{ stored: number; refused: ImportedFile['refused'] }> {
  const refused: ImportedFile['refused'] = [];
  let stored = 0;
  for (const row of rows) {
    const consent = consentAt(state, basis, pseudonymKey, row.participantId, 'demographics');
    if (consent !== 'withdrawn' && !state.participants.has(row.participantId)) {
      throw new WeftError('PARSE_ERROR', `${row.location.file}:${row.location.line ?? ''}: the study has no participant "${row.participantId}" (record their consent first)`, {
        location: row.location,
      });
    }
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
