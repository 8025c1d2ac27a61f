import * as z from 'zod';
import { MARKER_COLUMNS, MARKER_STREAM_KINDS } from '../clock/markerSpec.js';
import { SENSITIVITIES } from '../privacy/policy.js';
import { MODALITIES, STREAM_KINDS } from '../study/modalities.js';
import { dataBasisSchema } from '../study/settings.js';

/**
 * Values that cross a transport: JSON only, no bigint and no Date. Times on the session clock
 * are integer microseconds; wall-clock instants are ISO-8601 strings in UTC.
 */
const us = z.number().int();
const isoInstant = z.string();

/** Identifiers come from other tools (DataShop session ids hold ":" and ","), so only control characters and outer spaces are refused. */
export const participantIdSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\s\p{Cc}](?:[^\p{Cc}]*[^\s\p{Cc}])?$/u, 'no control characters and no leading or trailing spaces');
export const sessionIdSchema = participantIdSchema;

export const modalitySchema = z.enum(MODALITIES);
export const streamKindSchema = z.enum(STREAM_KINDS);

export const studyInfoSchema = z.object({
  study_id: z.string(),
  name: z.string(),
  path: z.string(),
  schema_version: z.number().int(),
  created_at: isoInstant,
  read_only: z.boolean(),
  /** The database file is encrypted at rest (DuckDB AES-GCM, key derived from a passphrase). */
  encrypted: z.boolean(),
  data_basis: dataBasisSchema,
});
export type StudyInfo = z.infer<typeof studyInfoSchema>;

export const consentStateSchema = z.enum(['granted', 'refused', 'withdrawn', 'expired', 'missing']);
export type ConsentState = z.infer<typeof consentStateSchema>;

export const participantSchema = z.object({
  participant_id: z.string(),
  enrolled_at: isoInstant.nullable(),
  sessions: z.number().int(),
  withdrawn: z.boolean(),
  consent: z.record(z.string(), consentStateSchema),
});
export type Participant = z.infer<typeof participantSchema>;

export const sessionSchema = z.object({
  session_id: z.string(),
  participant_id: z.string(),
  variant: z.string().nullable(),
  lesson: z.string().nullable(),
  started_at: isoInstant.nullable(),
  duration_us: us.nullable(),
  streams: z.number().int(),
});
export type Session = z.infer<typeof sessionSchema>;

export const clockSchema = z.object({
  offset_us: us,
  drift_ppm: z.number(),
  source: z.string(),
});

export const streamSchema = z.object({
  stream_id: z.number().int(),
  session_id: z.string(),
  participant_id: z.string(),
  kind: streamKindSchema,
  format: z.string(),
  modality: modalitySchema,
  source_path: z.string().nullable(),
  source_sha256: z.string().nullable(),
  clock: clockSchema,
  rows: z.number().int(),
  start_us: us.nullable(),
  end_us: us.nullable(),
  imported_at: isoInstant,
});
export type Stream = z.infer<typeof streamSchema>;

export const consentSchema = z.object({
  participant_id: z.string(),
  modality: modalitySchema,
  state: consentStateSchema,
  granted: z.boolean(),
  form_version: z.string().nullable(),
  recorded_at: isoInstant,
  expires_at: isoInstant.nullable(),
  withdrawn_at: isoInstant.nullable(),
});
export type Consent = z.infer<typeof consentSchema>;

export const streamStatusSchema = z.object({
  stream_id: z.number().int(),
  kind: streamKindSchema,
  format: z.string(),
  rows: z.number().int(),
  start_us: us.nullable(),
  end_us: us.nullable(),
});

export const sessionStatusSchema = z.object({
  session_id: z.string(),
  participant_id: z.string(),
  variant: z.string().nullable(),
  duration_us: us.nullable(),
  streams: z.array(streamStatusSchema),
});

export const tableCountSchema = z.object({ view: z.string(), rows: z.number().int() });

export const studyStatusSchema = z.object({
  study: studyInfoSchema,
  participants: z.number().int(),
  sessions: z.array(sessionStatusSchema),
  variants: z.array(z.object({ variant: z.string().nullable(), sessions: z.number().int() })),
  consent_coverage: z.array(
    z.object({
      modality: modalitySchema,
      granted: z.number().int(),
      refused: z.number().int(),
      withdrawn: z.number().int(),
      expired: z.number().int(),
      missing: z.number().int(),
    }),
  ),
  views: z.array(tableCountSchema),
});
export type StudyStatus = z.infer<typeof studyStatusSchema>;

export const auditEntrySchema = z.object({
  seq: z.number().int(),
  at: isoInstant,
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  prev_hash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const sqlColumnSchema = z.object({ name: z.string(), type: z.string() });
export const sqlResultSchema = z.object({
  columns: z.array(sqlColumnSchema),
  rows: z.array(z.array(z.unknown())),
  truncated: z.boolean(),
});
export type SqlResult = z.infer<typeof sqlResultSchema>;

export const timelineKinds = ['face_frames', 'gaze_samples', 'events', 'fixations', 'annotations', 'predictions'] as const;
export const timelineKindSchema = z.enum(timelineKinds);
export type TimelineKind = z.infer<typeof timelineKindSchema>;

export const warningSchema = z.object({
  message: z.string(),
  location: z.object({ file: z.string(), line: z.number().int().optional(), column: z.number().int().optional(), field: z.string().optional() }).optional(),
  count: z.number().int().positive(),
});

export const importedStreamSchema = z.object({
  stream_id: z.number().int(),
  session_id: z.string(),
  participant_id: z.string(),
  kind: streamKindSchema,
  rows: z.number().int(),
  start_us: us.nullable(),
  end_us: us.nullable(),
  clock_source: z.string(),
});

export const refusedStreamSchema = z.object({
  participant_id: z.string(),
  session_id: z.string().nullable(),
  kind: z.union([streamKindSchema, z.literal('annotations'), z.literal('demographics'), z.literal('signals')]),
  modality: modalitySchema,
  consent: consentStateSchema,
  rows: z.number().int(),
});

export const importedFileSchema = z.object({
  path: z.string(),
  format: z.string(),
  sha256: z.string(),
  bytes: z.number().int(),
  status: z.enum(['imported', 'duplicate']),
  duplicate_of: z.string().nullable(),
  streams: z.array(importedStreamSchema),
  refused: z.array(refusedStreamSchema),
  annotations: z.number().int(),
  consents: z.number().int(),
  demographics: z.number().int(),
  warnings: z.array(warningSchema),
});

export const listedEntrySchema = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['folder', 'file']),
  bytes: z.number().int().nullable(),
  /** The importer Weft would pick from the file's contents; null for folders and unrecognised files. */
  format: z.string().nullable(),
  /** Why a file is not recognised, or what it is instead (a spreadsheet, binary data). */
  note: z.string().nullable(),
});
export type ListedEntry = z.infer<typeof listedEntrySchema>;

export const folderListingSchema = z.object({
  dir: z.string(),
  parent: z.string().nullable(),
  entries: z.array(listedEntrySchema),
  /** False when the folder has more files than a listing recognises; the rest have no format. */
  recognised_all: z.boolean(),
});
export type FolderListing = z.infer<typeof folderListingSchema>;

export const importSummarySchema = z.object({
  import_id: z.string(),
  /** A dry run: everything was read and checked as an import would, then rolled back; nothing was stored. */
  dry_run: z.boolean(),
  files: z.array(importedFileSchema),
  rows: z.number().int(),
  warnings: z.number().int(),
  /** Participants a consent file in this import withdrew from the study, to be erased. */
  withdrawn: z.array(z.string()),
  /** The erasures carried out for them. */
  erasures: z.array(z.lazy(() => erasureReportSchema)),
});
export type ImportSummary = z.infer<typeof importSummarySchema>;
export type ImportedFile = z.infer<typeof importedFileSchema>;

export const erasureHitSchema = z.object({ where: z.string(), identifier: z.enum(['participant id', 'session id']), count: z.number().int() });

export const erasureReportSchema = z.object({
  erasure_id: z.string(),
  participant_ref: z.string(),
  scope: z.string(),
  rows: z.record(z.string(), z.number().int()),
  files_deleted: z.array(z.string()),
  /** Past exports that held the participant's data: Weft cannot recall them; their recipients must delete them. */
  exports: z.array(z.object({ export_id: z.string(), path: z.string(), created_at: z.string() })),
  database_bytes: z.object({ before: z.number().int(), after: z.number().int() }),
  verification: z
    .object({
      verified: z.boolean(),
      /** Text and JSON columns where a value still holds an identifier (every value of every one is searched). */
      database_rows: z.array(erasureHitSchema),
      text_columns: z.number().int(),
      /** Blocks of the rewritten database file holding no live data: 0, or deleted rows could be in them. */
      free_blocks: z.number().int(),
      /** Files of the study folder, other than the database, whose bytes or name hold an identifier. */
      files: z.array(erasureHitSchema),
      files_scanned: z.number().int(),
      bytes_scanned: z.number().int(),
      identifiers: z.number().int(),
    })
    .nullable(),
});
export type ErasureReport = z.infer<typeof erasureReportSchema>;

/** An entry of the erasure register, as a reviewer sees it: no identifier, only the pseudonym. */
export const erasureEntrySchema = z.object({
  erasure_id: z.string(),
  participant_ref: z.string(),
  scope: z.string(),
  reason: z.string().nullable(),
  actor: z.string(),
  erased_at: isoInstant,
  rows_deleted: z.number().int(),
  verified: z.boolean().nullable(),
  files_scanned: z.number().int().nullable(),
});
export type ErasureEntry = z.infer<typeof erasureEntrySchema>;

export const auditVerificationSchema = z.object({
  entries: z.number().int(),
  intact: z.boolean(),
  breaks: z.array(z.object({ seq: z.number().int(), problem: z.enum(['gap', 'prev_hash', 'hash']), message: z.string() })),
});

export const fieldEntrySchema = z.object({
  field: z.string(),
  view: z.string(),
  column: z.string(),
  modality: modalitySchema.nullable(),
  sensitivity: z.enum(SENSITIVITIES),
  purpose: z.string(),
  legal_basis: z.string(),
  retention_days: z.number().int().nullable(),
  origin: z.enum(['catalogue', 'observed']),
  first_seen: isoInstant,
  reviewed_by: z.string().nullable(),
  reviewed_at: isoInstant.nullable(),
  note: z.string().nullable(),
  collected: z.boolean(),
});
export type FieldEntry = z.infer<typeof fieldEntrySchema>;

export const exportSummarySchema = z.object({
  export_id: z.string(),
  out: z.string(),
  format: z.enum(['parquet', 'csv']),
  files: z.array(z.object({ file: z.string(), view: z.string(), rows: z.number().int(), sha256: z.string() })),
  participants: z.number().int(),
  pseudonymized: z.boolean(),
  session_relative_time: z.boolean(),
  redaction: z.object({ emails_and_phones: z.boolean(), roster_names: z.number().int() }),
  k_anonymity: z.object({ k: z.number().int(), quasi_identifiers: z.array(z.string()), smallest_class: z.number().int().nullable(), generalized: z.array(z.string()) }),
});

export const retentionReportSchema = z.object({
  enforced_at: isoInstant,
  dry_run: z.boolean(),
  actions: z.array(
    z.object({
      participant_ref: z.string(),
      reason: z.enum(['consent expired', 'retention period', 'field retention']),
      modality: modalitySchema.nullable(),
      field: z.string().nullable(),
      sessions: z.number().int(),
      rows: z.number().int(),
    }),
  ),
});

export const ethicsReportSchema = z.object({ html: z.string(), sha256: z.string(), generated_at: isoInstant });
export const signoffSchema = z.object({ signoff_id: z.string(), at: isoInstant, reviewer: z.string(), comment: z.string(), report_sha256: z.string() });

const markerStreamSchema = z
  .object({
    kind: z.enum(MARKER_STREAM_KINDS),
    event_kind: z.string().min(1).optional(),
    column: z.enum(MARKER_COLUMNS).optional(),
    attribute: z.string().min(1).optional(),
  })
  .strict()
  .refine((s) => (s.column === undefined) !== (s.attribute === undefined), 'give exactly one of column or attribute');

export const clockAlignInputSchema = z
  .object({
    session_id: sessionIdSchema.optional(),
    reference: markerStreamSchema,
    target: markerStreamSchema,
    drift: z.enum(['auto', 'fit', 'none']).default('auto'),
    exclude: z.array(z.string()).default([]),
    reference_truncated_us: z.number().positive().optional(),
    also_kinds: z.array(streamKindSchema).default([]),
  })
  .strict();

const residualSchema = z.object({ key: z.string(), device_us: z.number(), reference_us: z.number(), residual_us: z.number(), outlier: z.boolean() });

export const clockAlignResultSchema = z.object({
  aligned: z.array(
    z.object({
      session_id: z.string(),
      source_sha256: z.string().nullable(),
      marker_stream_ids: z.array(z.number().int()),
      retimed_stream_ids: z.array(z.number().int()),
      reference_stream_ids: z.array(z.number().int()),
      pairs: z.number().int(),
      unpaired_reference: z.number().int(),
      unpaired_target: z.number().int(),
      duplicate_keys: z.number().int(),
      excluded: z.number().int(),
      offset_us: z.number(),
      drift_ppm: z.number(),
      origin_us: z.number(),
      drift_fitted: z.boolean(),
      drift_note: z.string(),
      rms_us: z.number(),
      offset_se_us: z.number().nullable(),
      drift_se_ppm: z.number().nullable(),
      residuals: z.array(residualSchema),
      previous: z.object({ offset_us: z.number(), drift_ppm: z.number(), origin_us: z.number(), clock_source: z.string() }),
      rows_retimed: z.number().int(),
      session_duration_us: z.object({ before: z.number().nullable(), after: z.number().nullable() }),
    }),
  ),
  skipped: z.array(z.object({ session_id: z.string(), reason: z.string() })),
  notes: z.array(z.string()),
});
export type ClockAlignResult = z.infer<typeof clockAlignResultSchema>;
