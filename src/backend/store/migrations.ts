import { createHash } from 'node:crypto';
import { FACE_FEATURE_COLUMNS } from '../../core/face/featureSchema.js';

/**
 * Versioned changes to the internal tables (schema "weft"). A migration is never edited once
 * released: the database records each one's checksum and refuses to open if a released
 * migration's text has changed. Change the schema by appending a migration.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

const faceFeatureColumns = FACE_FEATURE_COLUMNS.map((c) => `  ${c.name} ${c.type}`).join(',\n');

const initial: Migration = {
  version: 1,
  name: 'initial',
  statements: [
    `CREATE TABLE weft.meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
    `CREATE TABLE weft.participants (
  participant_id VARCHAR PRIMARY KEY,
  enrolled_at_us BIGINT,
  created_at_us BIGINT NOT NULL,
  attributes JSON
)`,
    `CREATE TABLE weft.sessions (
  session_id VARCHAR PRIMARY KEY,
  participant_id VARCHAR NOT NULL,
  variant VARCHAR,
  lesson VARCHAR,
  started_at_us BIGINT,
  duration_us BIGINT,
  created_at_us BIGINT NOT NULL,
  attributes JSON
)`,
    `CREATE TABLE weft.streams (
  stream_id BIGINT PRIMARY KEY,
  session_id VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  format VARCHAR NOT NULL,
  modality VARCHAR NOT NULL,
  source_path VARCHAR,
  source_sha256 VARCHAR,
  source_bytes BIGINT,
  clock_offset_us BIGINT NOT NULL,
  clock_drift_ppm DOUBLE NOT NULL,
  clock_origin_us BIGINT NOT NULL,
  clock_source VARCHAR NOT NULL,
  clock_residual_us DOUBLE,
  row_count BIGINT NOT NULL,
  start_us BIGINT,
  end_us BIGINT,
  import_id VARCHAR NOT NULL,
  imported_at_us BIGINT NOT NULL,
  provenance JSON,
  warnings JSON
)`,
    `CREATE TABLE weft.imports (
  import_id VARCHAR PRIMARY KEY,
  actor VARCHAR NOT NULL,
  started_at_us BIGINT NOT NULL,
  finished_at_us BIGINT NOT NULL,
  summary JSON NOT NULL
)`,
    `CREATE TABLE weft.source_files (
  sha256 VARCHAR PRIMARY KEY,
  path VARCHAR NOT NULL,
  format VARCHAR NOT NULL,
  bytes BIGINT NOT NULL,
  import_id VARCHAR NOT NULL,
  imported_at_us BIGINT NOT NULL
)`,
    `CREATE TABLE weft.events (
  stream_id BIGINT NOT NULL,
  session_id VARCHAR NOT NULL,
  t_us BIGINT NOT NULL,
  duration_us BIGINT,
  kind VARCHAR NOT NULL,
  label VARCHAR,
  problem VARCHAR,
  step VARCHAR,
  selection VARCHAR,
  action VARCHAR,
  input VARCHAR,
  outcome VARCHAR,
  skill VARCHAR,
  attempt INTEGER,
  feedback VARCHAR,
  attributes JSON
)`,
    `CREATE TABLE weft.face_frames (
  stream_id BIGINT NOT NULL,
  session_id VARCHAR NOT NULL,
  t_us BIGINT NOT NULL,
  frame BIGINT,
${faceFeatureColumns}
)`,
    `CREATE TABLE weft.signals (
  stream_id BIGINT NOT NULL,
  session_id VARCHAR NOT NULL,
  t_us BIGINT NOT NULL,
  name VARCHAR NOT NULL,
  value DOUBLE
)`,
    `CREATE TABLE weft.gaze_samples (
  stream_id BIGINT NOT NULL,
  session_id VARCHAR NOT NULL,
  t_us BIGINT NOT NULL,
  x DOUBLE,
  y DOUBLE,
  left_x DOUBLE,
  left_y DOUBLE,
  right_x DOUBLE,
  right_y DOUBLE,
  pupil_left DOUBLE,
  pupil_right DOUBLE,
  valid_left BOOLEAN,
  valid_right BOOLEAN
)`,
    `CREATE TABLE weft.fixations (
  stream_id BIGINT NOT NULL,
  session_id VARCHAR NOT NULL,
  start_us BIGINT NOT NULL,
  end_us BIGINT NOT NULL,
  x DOUBLE,
  y DOUBLE,
  eye VARCHAR,
  pupil DOUBLE,
  aoi VARCHAR
)`,
    `CREATE TABLE weft.saccades (
  stream_id BIGINT NOT NULL,
  session_id VARCHAR NOT NULL,
  start_us BIGINT NOT NULL,
  end_us BIGINT NOT NULL,
  start_x DOUBLE,
  start_y DOUBLE,
  end_x DOUBLE,
  end_y DOUBLE,
  amplitude_deg DOUBLE,
  peak_velocity_deg_s DOUBLE,
  eye VARCHAR
)`,
    `CREATE TABLE weft.blinks (
  stream_id BIGINT NOT NULL,
  session_id VARCHAR NOT NULL,
  start_us BIGINT NOT NULL,
  end_us BIGINT NOT NULL,
  eye VARCHAR
)`,
    `CREATE TABLE weft.media (
  media_id VARCHAR PRIMARY KEY,
  stream_id BIGINT NOT NULL,
  session_id VARCHAR NOT NULL,
  path VARCHAR NOT NULL,
  managed BOOLEAN NOT NULL,
  sha256 VARCHAR NOT NULL,
  bytes BIGINT NOT NULL,
  container VARCHAR,
  codec VARCHAR,
  width INTEGER,
  height INTEGER,
  fps DOUBLE,
  frames BIGINT,
  duration_us BIGINT,
  start_offset_us BIGINT
)`,
    `CREATE TABLE weft.annotations (
  annotation_id VARCHAR PRIMARY KEY,
  session_id VARCHAR NOT NULL,
  tier VARCHAR NOT NULL,
  annotator VARCHAR NOT NULL,
  label VARCHAR NOT NULL,
  start_us BIGINT NOT NULL,
  end_us BIGINT NOT NULL,
  value DOUBLE,
  note VARCHAR,
  source VARCHAR,
  created_at_us BIGINT NOT NULL
)`,
    `CREATE TABLE weft.predictions (
  session_id VARCHAR NOT NULL,
  run_id VARCHAR NOT NULL,
  model_id VARCHAR NOT NULL,
  model_version VARCHAR NOT NULL,
  model_sha256 VARCHAR NOT NULL,
  label VARCHAR NOT NULL,
  start_us BIGINT NOT NULL,
  end_us BIGINT NOT NULL,
  probability DOUBLE,
  created_at_us BIGINT NOT NULL
)`,
    `CREATE TABLE weft.consent_records (
  record_id BIGINT PRIMARY KEY,
  participant_id VARCHAR NOT NULL,
  modality VARCHAR NOT NULL,
  granted BOOLEAN NOT NULL,
  form_version VARCHAR,
  recorded_at_us BIGINT NOT NULL,
  expires_at_us BIGINT,
  withdrawn_at_us BIGINT,
  source VARCHAR NOT NULL,
  recorded_by VARCHAR NOT NULL
)`,
    `CREATE TABLE weft.erasures (
  erasure_id VARCHAR PRIMARY KEY,
  participant_ref VARCHAR NOT NULL,
  scope VARCHAR NOT NULL,
  reason VARCHAR,
  actor VARCHAR NOT NULL,
  erased_at_us BIGINT NOT NULL,
  rows JSON NOT NULL,
  files JSON NOT NULL,
  exports JSON NOT NULL,
  verification JSON
)`,
    `CREATE TABLE weft.policies (
  key VARCHAR PRIMARY KEY,
  value JSON NOT NULL,
  updated_at_us BIGINT NOT NULL,
  updated_by VARCHAR NOT NULL
)`,
    `CREATE TABLE weft.fields (
  field VARCHAR PRIMARY KEY,
  view_name VARCHAR NOT NULL,
  column_name VARCHAR NOT NULL,
  modality VARCHAR,
  sensitivity VARCHAR NOT NULL,
  purpose VARCHAR NOT NULL,
  legal_basis VARCHAR NOT NULL,
  retention_days INTEGER,
  origin VARCHAR NOT NULL,
  first_seen_us BIGINT NOT NULL,
  reviewed_by VARCHAR,
  reviewed_at_us BIGINT,
  note VARCHAR
)`,
    `CREATE TABLE weft.exports (
  export_id VARCHAR PRIMARY KEY,
  path VARCHAR NOT NULL,
  created_at_us BIGINT NOT NULL,
  actor VARCHAR NOT NULL,
  format VARCHAR NOT NULL,
  views JSON NOT NULL,
  participant_refs JSON NOT NULL,
  policy JSON NOT NULL,
  files JSON NOT NULL
)`,
    `CREATE TABLE weft.signoffs (
  signoff_id VARCHAR PRIMARY KEY,
  at_us BIGINT NOT NULL,
  reviewer VARCHAR NOT NULL,
  comment VARCHAR NOT NULL,
  report_sha256 VARCHAR NOT NULL
)`,
    `CREATE TABLE weft.audit_log (
  seq BIGINT PRIMARY KEY,
  at_us BIGINT NOT NULL,
  actor VARCHAR NOT NULL,
  action VARCHAR NOT NULL,
  target VARCHAR,
  detail JSON NOT NULL,
  prev_hash VARCHAR NOT NULL,
  hash VARCHAR NOT NULL
)`,
  ],
};

export const MIGRATIONS: readonly Migration[] = [initial];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

export function migrationChecksum(migration: Migration): string {
  return createHash('sha256').update(migration.statements.join(';\n')).digest('hex');
}
