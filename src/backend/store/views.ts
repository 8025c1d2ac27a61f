import { FACE_FEATURE_COLUMNS } from '../../core/face/featureSchema.js';

/**
 * The stable interface researchers query: views in the main schema over the internal tables in
 * schema "weft". docs/schema.md is generated from these definitions and a test checks that every
 * view has exactly the columns documented here, so the documentation cannot drift.
 */
export interface ViewColumn {
  readonly name: string;
  readonly type: string;
  readonly description: string;
}

export interface ViewDef {
  readonly name: string;
  readonly description: string;
  readonly columns: readonly ViewColumn[];
  readonly sql: string;
}

const col = (name: string, type: string, description: string): ViewColumn => ({ name, type, description });

const sessionKeys = [
  col('session_id', 'VARCHAR', 'Session the row belongs to.'),
  col('participant_id', 'VARCHAR', 'Participant of that session.'),
  col('stream_id', 'BIGINT', 'Stream the row was imported or computed in (see `streams`).'),
];

const participants: ViewDef = {
  name: 'participants',
  description: 'One row per participant enrolled in the study.',
  columns: [
    col('participant_id', 'VARCHAR', 'Study-local participant identifier.'),
    col('enrolled_at', 'TIMESTAMP WITH TIME ZONE', 'When the participant was enrolled, if known.'),
    col('sessions', 'BIGINT', 'Number of sessions recorded for the participant.'),
    col('attributes', 'JSON', 'Demographic items, stored only with consent for demographics.'),
  ],
  sql: `SELECT p.participant_id,
  make_timestamptz(p.enrolled_at_us) AS enrolled_at,
  (SELECT count(*) FROM weft.sessions s WHERE s.participant_id = p.participant_id) AS sessions,
  p.attributes
FROM weft.participants p`,
};

const sessions: ViewDef = {
  name: 'sessions',
  description: 'One row per recorded session. Session time (every `*_us` column elsewhere) counts microseconds from `started_at`.',
  columns: [
    col('session_id', 'VARCHAR', 'Session identifier.'),
    col('participant_id', 'VARCHAR', 'Participant recorded in the session.'),
    col('variant', 'VARCHAR', 'Lesson variant (A/B condition) the participant saw.'),
    col('lesson', 'VARCHAR', 'Lesson or unit the session covered.'),
    col('started_at', 'TIMESTAMP WITH TIME ZONE', 'Wall-clock instant of session time 0, UTC.'),
    col('duration_us', 'BIGINT', 'Length of the session, microseconds.'),
  ],
  sql: `SELECT session_id, participant_id, variant, lesson,
  make_timestamptz(started_at_us) AS started_at, duration_us
FROM weft.sessions`,
};

const streams: ViewDef = {
  name: 'streams',
  description: 'Every imported or computed stream, with the clock model that maps its own time to session time: `session_us = (device_us - clock_origin_us) * (1 + clock_drift_ppm / 1e6) + clock_offset_us`.',
  columns: [
    col('stream_id', 'BIGINT', 'Stream identifier.'),
    col('session_id', 'VARCHAR', 'Session the stream belongs to.'),
    col('participant_id', 'VARCHAR', 'Participant of that session.'),
    col('kind', 'VARCHAR', 'interaction_log, segments, face_features, face_landmarks, gaze, fixations, saccades, blinks, eye_markers, video or audio.'),
    col('format', 'VARCHAR', 'Source format the stream was read from (datashop-tx, openface-2, tobii-studio, ...).'),
    col('modality', 'VARCHAR', 'Consent modality the stream falls under.'),
    col('source_path', 'VARCHAR', 'File the stream was imported from.'),
    col('source_sha256', 'VARCHAR', 'SHA-256 of that file; importing the same file again is recognised by it.'),
    col('clock_offset_us', 'BIGINT', 'Clock model: offset added after drift correction, microseconds.'),
    col('clock_drift_ppm', 'DOUBLE', 'Clock model: drift of the device clock, parts per million.'),
    col('clock_origin_us', 'BIGINT', 'Clock model: device time the offset refers to, microseconds.'),
    col('clock_source', 'VARCHAR', 'Where the clock model came from: absolute timestamps, declared offset, sync markers.'),
    col('clock_residual_us', 'DOUBLE', 'RMS residual of the sync-marker fit, microseconds, when fitted.'),
    col('rows', 'BIGINT', 'Rows the stream holds.'),
    col('start_us', 'BIGINT', 'First time in the stream, session time.'),
    col('end_us', 'BIGINT', 'Last time in the stream, session time.'),
    col('imported_at', 'TIMESTAMP WITH TIME ZONE', 'When the stream was imported.'),
    col('provenance', 'JSON', 'Tool versions, model hashes and options that produced the stream.'),
  ],
  sql: `SELECT st.stream_id, st.session_id, se.participant_id, st.kind, st.format, st.modality,
  st.source_path, st.source_sha256, st.clock_offset_us, st.clock_drift_ppm, st.clock_origin_us,
  st.clock_source, st.clock_residual_us, st.row_count AS rows, st.start_us, st.end_us,
  make_timestamptz(st.imported_at_us) AS imported_at, st.provenance
FROM weft.streams st JOIN weft.sessions se USING (session_id)`,
};

const events: ViewDef = {
  name: 'events',
  description: 'Tutor interaction-log actions, lesson segments and markers from other devices, on session time.',
  columns: [
    ...sessionKeys,
    col('t_us', 'BIGINT', 'When the event happened, session time.'),
    col('duration_us', 'BIGINT', 'How long it lasted (segments, timed actions), if known.'),
    col('kind', 'VARCHAR', 'attempt, hint_request, message, segment, marker, ...'),
    col('label', 'VARCHAR', 'Short text of the event (segment name, marker text).'),
    col('problem', 'VARCHAR', 'Problem the learner was working on.'),
    col('step', 'VARCHAR', 'Step within the problem.'),
    col('selection', 'VARCHAR', 'Interface element acted on (DataShop Selection).'),
    col('action', 'VARCHAR', 'What was done to it (DataShop Action).'),
    col('input', 'VARCHAR', 'What the learner entered.'),
    col('outcome', 'VARCHAR', 'CORRECT, INCORRECT, HINT, ... as the tutor judged it.'),
    col('skill', 'VARCHAR', 'Knowledge component(s) of the step, ";"-separated.'),
    col('attempt', 'INTEGER', 'Attempt number at the step.'),
    col('feedback', 'VARCHAR', 'Tutor feedback text.'),
    col('attributes', 'JSON', 'Every other field of the source row.'),
  ],
  sql: `SELECT e.session_id, se.participant_id, e.stream_id, e.t_us, e.duration_us, e.kind, e.label,
  e.problem, e.step, e.selection, e.action, e.input, e.outcome, e.skill, e.attempt, e.feedback, e.attributes
FROM weft.events e JOIN weft.sessions se USING (session_id)`,
};

/**
 * Canonical interaction features per tutor action, computed from `events` whatever log they came
 * from (the importers normalise kind and outcome). Defined after the sensor-free detectors of
 * Baker et al. (ASSISTments): windows count the actions *before* this one in the same session.
 */
const interactionFeatures: ViewDef = {
  name: 'interaction_features',
  description: 'Per tutor action (attempts and hint requests, in session order), the canonical features affect detectors consume, computed the same way for every log format.',
  columns: [
    col('session_id', 'VARCHAR', 'Session.'),
    col('participant_id', 'VARCHAR', 'Participant.'),
    col('stream_id', 'BIGINT', 'Interaction-log stream the action came from.'),
    col('action_index', 'BIGINT', 'Position of the action in the session, from 1.'),
    col('t_us', 'BIGINT', 'When the action happened, session time.'),
    col('kind', 'VARCHAR', 'attempt or hint_request.'),
    col('problem', 'VARCHAR', 'Problem.'),
    col('step', 'VARCHAR', 'Step.'),
    col('skill', 'VARCHAR', 'Knowledge component(s).'),
    col('duration_us', 'BIGINT', 'Time the action took: the log\'s own duration, else the time since the previous action in the session (NULL for the first).'),
    col('correct', 'BOOLEAN', 'Attempt judged correct; NULL for hint requests and ungraded attempts.'),
    col('attempt', 'BIGINT', 'Attempt number at this step: the log\'s own, else counted.'),
    col('help_request', 'BOOLEAN', 'The action asked for a hint or help.'),
    col('hints_on_step', 'BIGINT', 'Hints requested at this step so far, this action included.'),
    col('wrong_past5', 'BIGINT', 'Incorrect attempts among the 5 actions before this one.'),
    col('help_past5', 'BIGINT', 'Help requests among the 5 actions before this one.'),
    col('wrong_past8', 'BIGINT', 'Incorrect attempts among the 8 actions before this one.'),
    col('help_past8', 'BIGINT', 'Help requests among the 8 actions before this one.'),
    col('consecutive_errors', 'BIGINT', 'Incorrect attempts in a row ending with this action (0 when it is not one).'),
    col('time_on_skill_us', 'BIGINT', 'Time spent on this action\'s skill in the session so far, this action included.'),
  ],
  sql: `WITH actions AS (
  SELECT e.session_id, se.participant_id, e.stream_id, e.t_us, e.kind, e.problem, e.step, e.skill, e.outcome, e.attempt, e.duration_us,
    row_number() OVER w AS action_index,
    e.t_us - lag(e.t_us) OVER w AS gap_us,
    e.kind = 'hint_request' AS help,
    (e.kind = 'attempt' AND e.outcome = 'INCORRECT') AS wrong
  FROM weft.events e JOIN weft.sessions se USING (session_id)
  WHERE e.kind IN ('attempt', 'hint_request')
  WINDOW w AS (PARTITION BY e.session_id ORDER BY e.t_us, e.rowid)
), shaped AS (
  SELECT *,
    coalesce(duration_us, gap_us) AS took_us,
    sum(CASE WHEN wrong THEN 0 ELSE 1 END) OVER (PARTITION BY session_id ORDER BY action_index) AS run
  FROM actions
)
SELECT session_id, participant_id, stream_id, action_index, t_us, kind, problem, step, skill, took_us AS duration_us,
  CASE WHEN kind = 'attempt' AND outcome IN ('CORRECT', 'INCORRECT') THEN outcome = 'CORRECT' END AS correct,
  coalesce(attempt, CASE WHEN kind = 'attempt' THEN count(*) FILTER (WHERE kind = 'attempt') OVER step_so_far END) AS attempt,
  help AS help_request,
  count(*) FILTER (WHERE help) OVER step_so_far AS hints_on_step,
  coalesce(sum(wrong::INTEGER) OVER (PARTITION BY session_id ORDER BY action_index ROWS BETWEEN 5 PRECEDING AND 1 PRECEDING), 0)::BIGINT AS wrong_past5,
  coalesce(sum(help::INTEGER) OVER (PARTITION BY session_id ORDER BY action_index ROWS BETWEEN 5 PRECEDING AND 1 PRECEDING), 0)::BIGINT AS help_past5,
  coalesce(sum(wrong::INTEGER) OVER (PARTITION BY session_id ORDER BY action_index ROWS BETWEEN 8 PRECEDING AND 1 PRECEDING), 0)::BIGINT AS wrong_past8,
  coalesce(sum(help::INTEGER) OVER (PARTITION BY session_id ORDER BY action_index ROWS BETWEEN 8 PRECEDING AND 1 PRECEDING), 0)::BIGINT AS help_past8,
  CASE WHEN wrong THEN count(*) FILTER (WHERE wrong) OVER (PARTITION BY session_id, run ORDER BY action_index) ELSE 0 END AS consecutive_errors,
  sum(coalesce(took_us, 0)) OVER (PARTITION BY session_id, skill ORDER BY action_index)::BIGINT AS time_on_skill_us
FROM shaped
WINDOW step_so_far AS (PARTITION BY session_id, problem, step ORDER BY action_index)`,
};

const faceFrames: ViewDef = {
  name: 'face_frames',
  description: 'Face features per video frame, from OpenFace, iMotions/Affectiva or MediaPipe, in one schema. When `success` is false the features are NULL: missing, never zero.',
  columns: [
    ...sessionKeys,
    col('t_us', 'BIGINT', 'Frame time, session time.'),
    col('frame', 'BIGINT', 'Frame number in the source video, from 0.'),
    ...FACE_FEATURE_COLUMNS.map((c) => col(c.name, c.type, c.description)),
  ],
  sql: `SELECT f.session_id, se.participant_id, f.stream_id, f.t_us, f.frame,
  ${FACE_FEATURE_COLUMNS.map((c) => `f.${c.name}`).join(', ')}
FROM weft.face_frames f JOIN weft.sessions se USING (session_id)`,
};

const signals: ViewDef = {
  name: 'signals',
  description: 'Numeric time series a source carries beyond the fixed columns, one row per sample and name: detector outputs kept from an import (iMotions "Confusion Evidence", say), sensor channels.',
  columns: [
    ...sessionKeys,
    col('t_us', 'BIGINT', 'Sample time, session time.'),
    col('name', 'VARCHAR', 'Signal name, in snake_case (confusion_evidence, ...); the stream\'s provenance maps it to the source column.'),
    col('value', 'DOUBLE', 'The value; NULL when the source had none.'),
  ],
  sql: `SELECT s.session_id, se.participant_id, s.stream_id, s.t_us, s.name, s.value
FROM weft.signals s JOIN weft.sessions se USING (session_id)`,
};

const gazeSamples: ViewDef = {
  name: 'gaze_samples',
  description: 'Raw eye-tracker samples in screen pixels of the stimulus display.',
  columns: [
    ...sessionKeys,
    col('t_us', 'BIGINT', 'Sample time, session time.'),
    col('x', 'DOUBLE', 'Gaze point, horizontal, pixels (both eyes combined); NULL when invalid.'),
    col('y', 'DOUBLE', 'Gaze point, vertical, pixels (both eyes combined); NULL when invalid.'),
    col('left_x', 'DOUBLE', 'Left eye gaze point, horizontal, pixels.'),
    col('left_y', 'DOUBLE', 'Left eye gaze point, vertical, pixels.'),
    col('right_x', 'DOUBLE', 'Right eye gaze point, horizontal, pixels.'),
    col('right_y', 'DOUBLE', 'Right eye gaze point, vertical, pixels.'),
    col('pupil_left', 'DOUBLE', 'Left pupil size in the tracker\'s unit (mm or arbitrary area units).'),
    col('pupil_right', 'DOUBLE', 'Right pupil size in the tracker\'s unit.'),
    col('valid_left', 'BOOLEAN', 'The tracker judged the left eye valid.'),
    col('valid_right', 'BOOLEAN', 'The tracker judged the right eye valid.'),
  ],
  sql: `SELECT g.session_id, se.participant_id, g.stream_id, g.t_us, g.x, g.y, g.left_x, g.left_y,
  g.right_x, g.right_y, g.pupil_left, g.pupil_right, g.valid_left, g.valid_right
FROM weft.gaze_samples g JOIN weft.sessions se USING (session_id)`,
};

const fixations: ViewDef = {
  name: 'fixations',
  description: 'Fixations as the eye tracker or its software detected them.',
  columns: [
    ...sessionKeys,
    col('start_us', 'BIGINT', 'Fixation start, session time.'),
    col('end_us', 'BIGINT', 'Fixation end, session time.'),
    col('duration_us', 'BIGINT', 'end_us - start_us.'),
    col('x', 'DOUBLE', 'Mean fixation position, horizontal, pixels.'),
    col('y', 'DOUBLE', 'Mean fixation position, vertical, pixels.'),
    col('eye', 'VARCHAR', 'left, right or both.'),
    col('pupil', 'DOUBLE', 'Mean pupil size during the fixation, tracker units.'),
    col('aoi', 'VARCHAR', 'Area of interest the fixation fell in, when the export names it.'),
  ],
  sql: `SELECT f.session_id, se.participant_id, f.stream_id, f.start_us, f.end_us, f.end_us - f.start_us AS duration_us,
  f.x, f.y, f.eye, f.pupil, f.aoi
FROM weft.fixations f JOIN weft.sessions se USING (session_id)`,
};

const saccades: ViewDef = {
  name: 'saccades',
  description: 'Saccades as the eye tracker or its software detected them.',
  columns: [
    ...sessionKeys,
    col('start_us', 'BIGINT', 'Saccade start, session time.'),
    col('end_us', 'BIGINT', 'Saccade end, session time.'),
    col('start_x', 'DOUBLE', 'Start position, horizontal, pixels.'),
    col('start_y', 'DOUBLE', 'Start position, vertical, pixels.'),
    col('end_x', 'DOUBLE', 'End position, horizontal, pixels.'),
    col('end_y', 'DOUBLE', 'End position, vertical, pixels.'),
    col('amplitude_deg', 'DOUBLE', 'Amplitude, degrees of visual angle.'),
    col('peak_velocity_deg_s', 'DOUBLE', 'Peak velocity, degrees per second.'),
    col('eye', 'VARCHAR', 'left, right or both.'),
  ],
  sql: `SELECT s.session_id, se.participant_id, s.stream_id, s.start_us, s.end_us, s.start_x, s.start_y,
  s.end_x, s.end_y, s.amplitude_deg, s.peak_velocity_deg_s, s.eye
FROM weft.saccades s JOIN weft.sessions se USING (session_id)`,
};

const blinks: ViewDef = {
  name: 'blinks',
  description: 'Blinks as the eye tracker detected them.',
  columns: [
    ...sessionKeys,
    col('start_us', 'BIGINT', 'Blink start, session time.'),
    col('end_us', 'BIGINT', 'Blink end, session time.'),
    col('eye', 'VARCHAR', 'left, right or both.'),
  ],
  sql: `SELECT b.session_id, se.participant_id, b.stream_id, b.start_us, b.end_us, b.eye
FROM weft.blinks b JOIN weft.sessions se USING (session_id)`,
};

const media: ViewDef = {
  name: 'media',
  description: 'Video and audio recordings, stored by reference (or copied into the study on request), with metadata read from the container.',
  columns: [
    col('media_id', 'VARCHAR', 'Recording identifier.'),
    ...sessionKeys,
    col('path', 'VARCHAR', 'Where the file is; relative paths are inside the study folder.'),
    col('managed', 'BOOLEAN', 'Weft copied the file into the study folder and deletes it on erasure.'),
    col('sha256', 'VARCHAR', 'SHA-256 of the file.'),
    col('bytes', 'BIGINT', 'File size.'),
    col('container', 'VARCHAR', 'mp4, webm, ...'),
    col('codec', 'VARCHAR', 'Video codec as the container declares it.'),
    col('width', 'INTEGER', 'Frame width, pixels.'),
    col('height', 'INTEGER', 'Frame height, pixels.'),
    col('fps', 'DOUBLE', 'Frame rate.'),
    col('frames', 'BIGINT', 'Frame count.'),
    col('duration_us', 'BIGINT', 'Duration, microseconds.'),
    col('start_offset_us', 'BIGINT', 'Media time of the first frame (container start offset), microseconds.'),
  ],
  sql: `SELECT m.media_id, m.session_id, se.participant_id, m.stream_id, m.path, m.managed, m.sha256, m.bytes,
  m.container, m.codec, m.width, m.height, m.fps, m.frames, m.duration_us, m.start_offset_us
FROM weft.media m JOIN weft.sessions se USING (session_id)`,
};

const annotations: ViewDef = {
  name: 'annotations',
  description: 'Labels that annotators put on stretches of session time, in tiers such as "affect" or "bromp".',
  columns: [
    col('annotation_id', 'VARCHAR', 'Annotation identifier.'),
    col('session_id', 'VARCHAR', 'Session annotated.'),
    col('participant_id', 'VARCHAR', 'Participant of that session.'),
    col('tier', 'VARCHAR', 'Tier (coding scheme) the label belongs to.'),
    col('annotator', 'VARCHAR', 'Who labelled it.'),
    col('label', 'VARCHAR', 'The label.'),
    col('start_us', 'BIGINT', 'Start, session time.'),
    col('end_us', 'BIGINT', 'End, session time.'),
    col('value', 'DOUBLE', 'Numeric rating, for ordinal or continuous tiers.'),
    col('note', 'VARCHAR', 'Free-text note.'),
    col('source', 'VARCHAR', 'File or tool the annotation came from.'),
  ],
  sql: `SELECT a.annotation_id, a.session_id, se.participant_id, a.tier, a.annotator, a.label, a.start_us, a.end_us,
  a.value, a.note, a.source
FROM weft.annotations a JOIN weft.sessions se USING (session_id)`,
};

const predictions: ViewDef = {
  name: 'predictions',
  description: 'Outputs of affect detectors over windows of session time.',
  columns: [
    col('session_id', 'VARCHAR', 'Session scored.'),
    col('participant_id', 'VARCHAR', 'Participant of that session.'),
    col('run_id', 'VARCHAR', 'The model run that wrote the row.'),
    col('model_id', 'VARCHAR', 'Model identifier (see models/).'),
    col('model_version', 'VARCHAR', 'Model version.'),
    col('model_sha256', 'VARCHAR', 'SHA-256 of the .onnx file that ran.'),
    col('label', 'VARCHAR', 'Predicted state (confusion, frustration, ...).'),
    col('start_us', 'BIGINT', 'Window start, session time.'),
    col('end_us', 'BIGINT', 'Window end, session time.'),
    col('probability', 'DOUBLE', 'Probability of the label in the window; NULL when the window lacked data.'),
  ],
  sql: `SELECT p.session_id, se.participant_id, p.run_id, p.model_id, p.model_version, p.model_sha256, p.label,
  p.start_us, p.end_us, p.probability
FROM weft.predictions p JOIN weft.sessions se USING (session_id)`,
};

const consentColumns = [
  col('participant_id', 'VARCHAR', 'Participant.'),
  col('modality', 'VARCHAR', 'video, audio, face_features, face_landmarks, gaze, interaction_logs, demographics or affect_inferences.'),
  col('granted', 'BOOLEAN', 'Whether consent was given in this record.'),
  col('state', 'VARCHAR', 'granted, refused, withdrawn or expired, as of now.'),
  col('form_version', 'VARCHAR', 'Version of the consent form signed.'),
  col('recorded_at', 'TIMESTAMP WITH TIME ZONE', 'When the consent decision was recorded.'),
  col('expires_at', 'TIMESTAMP WITH TIME ZONE', 'When the consent lapses, if it does.'),
  col('withdrawn_at', 'TIMESTAMP WITH TIME ZONE', 'When the participant withdrew it, if they did.'),
  col('source', 'VARCHAR', 'Where the record came from (a consent export file, the UI).'),
];

const consentStateSql = `CASE
    WHEN c.withdrawn_at_us IS NOT NULL THEN 'withdrawn'
    WHEN NOT c.granted THEN 'refused'
    WHEN c.expires_at_us IS NOT NULL AND c.expires_at_us <= epoch_us(now()) THEN 'expired'
    ELSE 'granted' END`;

const consentSelect = `SELECT c.participant_id, c.modality, c.granted, ${consentStateSql} AS state, c.form_version,
  make_timestamptz(c.recorded_at_us) AS recorded_at, make_timestamptz(c.expires_at_us) AS expires_at,
  make_timestamptz(c.withdrawn_at_us) AS withdrawn_at, c.source`;

const consents: ViewDef = {
  name: 'consents',
  description: 'The current consent of each participant for each modality: the latest record, its state evaluated now.',
  columns: consentColumns,
  sql: `${consentSelect}
FROM weft.consent_records c
QUALIFY row_number() OVER (PARTITION BY c.participant_id, c.modality ORDER BY c.recorded_at_us DESC, c.record_id DESC) = 1`,
};

const consentHistory: ViewDef = {
  name: 'consent_history',
  description: 'Every consent record ever made, oldest first.',
  columns: [col('record_id', 'BIGINT', 'Record number, in the order records were made.'), ...consentColumns, col('recorded_by', 'VARCHAR', 'Who entered the record.')],
  sql: `SELECT c.record_id, ${consentSelect.replace(/^SELECT /, '')}, c.recorded_by
FROM weft.consent_records c ORDER BY c.record_id`,
};

const erasures: ViewDef = {
  name: 'erasures',
  description: 'The erasure register: every withdrawal that deleted data, naming the participant only by keyed pseudonym, with what was deleted and how the erasure was verified.',
  columns: [
    col('erasure_id', 'VARCHAR', 'Erasure identifier.'),
    col('participant_ref', 'VARCHAR', 'Keyed pseudonym (HMAC) of the participant; the id itself is gone.'),
    col('scope', 'VARCHAR', '"participant" (everything) or "modalities:<list>".'),
    col('reason', 'VARCHAR', 'Reason given, if any.'),
    col('actor', 'VARCHAR', 'Who ran it.'),
    col('erased_at', 'TIMESTAMP WITH TIME ZONE', 'When.'),
    col('rows', 'JSON', 'Rows deleted, per table.'),
    col('files', 'JSON', 'Files Weft managed that were deleted, relative to the study folder.'),
    col('exports', 'JSON', 'Past exports that held the participant\'s data, for their recipients to delete.'),
    col('verification', 'JSON', 'Result of the search afterwards for the participant\'s identifiers: every value of every text and JSON column, the free blocks of the rewritten database file (must be 0), and the bytes and names of every other file in the study folder.'),
  ],
  sql: `SELECT erasure_id, participant_ref, scope, reason, actor, make_timestamptz(erased_at_us) AS erased_at, rows, files, exports, verification FROM weft.erasures`,
};

const auditLog: ViewDef = {
  name: 'audit_log',
  description: 'The append-only audit trail. Each entry\'s hash covers its fields and the previous entry\'s hash, so any edit, deletion or reordering breaks the chain (`weft audit verify`).',
  columns: [
    col('seq', 'BIGINT', 'Position in the chain, from 1.'),
    col('at', 'TIMESTAMP WITH TIME ZONE', 'When the action happened.'),
    col('actor', 'VARCHAR', 'Who did it (CLI user, UI).'),
    col('action', 'VARCHAR', 'What was done: study.create, import, consent.record, export, erasure, ...'),
    col('target', 'VARCHAR', 'What it was done to.'),
    col('detail', 'JSON', 'Particulars, never the personal data itself.'),
    col('prev_hash', 'VARCHAR', 'Hash of the previous entry.'),
    col('hash', 'VARCHAR', 'SHA-256 over this entry and prev_hash.'),
  ],
  sql: `SELECT seq, make_timestamptz(at_us) AS at, actor, action, target, detail, prev_hash, hash FROM weft.audit_log`,
};

export const VIEWS: readonly ViewDef[] = [
  participants,
  sessions,
  streams,
  events,
  interactionFeatures,
  faceFrames,
  signals,
  gazeSamples,
  fixations,
  saccades,
  blinks,
  media,
  annotations,
  predictions,
  consents,
  consentHistory,
  erasures,
  auditLog,
];

export const VIEW_NAMES: ReadonlySet<string> = new Set(VIEWS.map((v) => v.name));

export function viewStatements(): string[] {
  return VIEWS.map((view) => `CREATE OR REPLACE VIEW main.${view.name} AS\n${view.sql}`);
}
