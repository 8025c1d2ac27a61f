import * as z from 'zod';
import { SENSITIVITIES, minimizationPolicySchema } from '../privacy/policy.js';
import {
  auditEntrySchema,
  auditVerificationSchema,
  clockAlignInputSchema,
  clockAlignResultSchema,
  consentSchema,
  erasureEntrySchema,
  fieldEntrySchema,
  erasureReportSchema,
  exportSummarySchema,
  retentionReportSchema,
  ethicsReportSchema,
  signoffSchema,
  folderListingSchema,
  importSummarySchema,
  modalitySchema,
  participantIdSchema,
  participantSchema,
  sessionIdSchema,
  sessionSchema,
  sqlResultSchema,
  streamSchema,
  studyInfoSchema,
  studyStatusSchema,
  timelineKindSchema,
} from './schemas.js';
import {
  modelCompareInputSchema,
  modelCompareResultSchema,
  modelEvaluateInputSchema,
  modelEvaluateResultSchema,
  modelListSchema,
  modelPredictInputSchema,
  modelPredictResultSchema,
  modelTrainInputSchema,
  modelTrainResultSchema,
} from './modelSchemas.js';
import {
  faceExtractInputSchema,
  faceExtractResultSchema,
  faceLiveAppendInputSchema,
  faceLiveStartInputSchema,
  faceLiveStartResultSchema,
  faceLiveStatusSchema,
  faceLiveStopInputSchema,
  faceModelBytesSchema,
  faceModelDownloadResultSchema,
  faceModelStatusSchema,
} from './faceSchemas.js';

/**
 * The one API of Weft. Every method is declared here once, named noun.verb, with the schemas
 * its input and output must satisfy. The backend implements it once; the in-process, HTTP and
 * Electron IPC transports only carry it.
 */
export interface MethodDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly summary: string;
  readonly input: I;
  readonly output: O;
  /** 'arrow': the output is Arrow IPC stream bytes and crosses HTTP as a binary body. */
  readonly encoding: 'json' | 'arrow';
  /** Whether the method changes the study; read-only studies and viewers refuse these. */
  readonly mutates: boolean;
}

function method<I extends z.ZodType, O extends z.ZodType>(def: {
  summary: string;
  input: I;
  output: O;
  encoding?: 'json' | 'arrow';
  mutates?: boolean;
}): MethodDef<I, O> {
  return { encoding: 'json', mutates: false, ...def };
}

const noInput = z.object({}).strict();

/** The views `export.create` can write; the backend owns what each leaves out. */
export const EXPORTABLE_VIEW_NAMES = ['participants', 'sessions', 'streams', 'events', 'interaction_features', 'face_frames', 'signals', 'gaze_samples', 'fixations', 'saccades', 'blinks', 'media', 'annotations', 'predictions'] as const;
const arrowBytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'expected Arrow IPC bytes');

export const contract = {
  'study.info': method({
    summary: 'Identity, location and schema version of the open study.',
    input: noInput,
    output: studyInfoSchema,
  }),
  'study.status': method({
    summary: 'Participants, sessions and their streams with row counts and time spans, consent coverage.',
    input: noInput,
    output: studyStatusSchema,
  }),
  'participant.list': method({
    summary: 'Participants with their session count and current consent per modality.',
    input: noInput,
    output: z.array(participantSchema),
  }),
  'session.list': method({
    summary: 'Sessions, optionally of one participant or one lesson variant.',
    input: z
      .object({ participant_id: participantIdSchema.optional(), variant: z.string().optional() })
      .strict(),
    output: z.array(sessionSchema),
  }),
  'stream.list': method({
    summary: 'Streams of every session, or of one session, with their clock models.',
    input: z.object({ session_id: sessionIdSchema.optional() }).strict(),
    output: z.array(streamSchema),
  }),
  'consent.list': method({
    summary: 'The current consent of every participant for every modality they have a record for.',
    input: z.object({ participant_id: participantIdSchema.optional(), modality: modalitySchema.optional() }).strict(),
    output: z.array(consentSchema),
  }),
  'consent.history': method({
    summary: 'Every consent record of one participant, oldest first, with its state now and who entered it.',
    input: z.object({ participant_id: participantIdSchema }).strict(),
    output: z.array(consentSchema.extend({ record_id: z.number().int(), source: z.string().nullable(), recorded_by: z.string().nullable() })),
  }),
  'consent.record': method({
    summary: 'Record one consent decision of a participant for one modality (enrols the participant if new).',
    input: z
      .object({
        participant_id: participantIdSchema,
        modality: modalitySchema,
        granted: z.boolean(),
        form_version: z.string().min(1).nullable().default(null),
        recorded_at: z.string().optional(),
        expires_at: z.string().nullable().default(null),
      })
      .strict(),
    output: consentSchema,
    mutates: true,
  }),
  'consent.withdraw': method({
    summary: 'Withdraw a participant: from everything (erased everywhere and verified), or from some modalities (their data of those modalities deleted).',
    input: z
      .object({
        participant_id: participantIdSchema,
        modalities: z.array(modalitySchema).min(1).optional(),
        reason: z.string().max(2000).nullable().default(null),
      })
      .strict(),
    output: erasureReportSchema,
    mutates: true,
  }),
  'report.ethics': method({
    summary: "The ethics reviewer's one-page report as self-contained HTML, with its sha256.",
    input: noInput,
    output: ethicsReportSchema,
  }),
  'report.signoff': method({
    summary: 'Sign off a report the reviewer has read (named by its sha256), with a comment; audited.',
    input: z
      .object({
        reviewer: z.string().min(1).max(200),
        comment: z.string().min(1).max(5000),
        report_sha256: z.string().regex(/^[0-9a-f]{64}$/, 'the sha256 of the report, 64 hex digits'),
      })
      .strict(),
    output: signoffSchema,
    mutates: true,
  }),
  'retention.enforce': method({
    summary: 'Delete what may no longer be kept: data whose consent expired, data past its retention period, field values past theirs (audited; dry_run only reports).',
    input: z.object({ dry_run: z.boolean().default(false), as_of: z.string().optional() }).strict(),
    output: retentionReportSchema,
    mutates: true,
  }),
  'export.create': method({
    summary: "Write the study's data as tidy files for R and Python, minimised by the study's policy, with a codebook (audited and registered).",
    input: z
      .object({
        out: z.string().min(1),
        format: z.enum(['parquet', 'csv']).default('parquet'),
        views: z.array(z.enum(EXPORTABLE_VIEW_NAMES)).min(1).optional(),
      })
      .strict(),
    output: exportSummarySchema,
  }),
  'policy.get': method({
    summary: "The study's data-minimization policy.",
    input: noInput,
    output: minimizationPolicySchema,
  }),
  'policy.set': method({
    summary: 'Change part of the data-minimization policy; the change is audited with before and after.',
    input: z.object({ policy: z.record(z.string(), z.unknown()) }).strict(),
    output: minimizationPolicySchema,
    mutates: true,
  }),
  'field.list': method({
    summary: 'The fields registry: every field Weft holds or can hold, its modality, sensitivity, purpose, legal basis, retention and review.',
    input: noInput,
    output: z.array(fieldEntrySchema),
  }),
  'field.update': method({
    summary: "Review a field: its sensitivity, purpose, legal basis, retention or a note (audited).",
    input: z
      .object({
        field: z.string().min(1),
        sensitivity: z.enum(SENSITIVITIES).optional(),
        purpose: z.string().min(1).optional(),
        legal_basis: z.string().min(1).optional(),
        retention_days: z.number().int().positive().nullable().optional(),
        note: z.string().nullable().optional(),
      })
      .strict(),
    output: fieldEntrySchema,
    mutates: true,
  }),
  'erasure.list': method({
    summary: 'The erasure register: every withdrawal that deleted data, by participant pseudonym, with its verification.',
    input: noInput,
    output: z.array(erasureEntrySchema),
  }),
  'audit.verify': method({
    summary: 'Recompute the audit hash chain and report every edit, deletion or reordering, and where.',
    input: noInput,
    output: auditVerificationSchema,
  }),
  'audit.list': method({
    summary: 'Entries of the hash-chained audit log, newest last.',
    input: z
      .object({
        after_seq: z.number().int().nonnegative().default(0),
        limit: z.number().int().positive().max(10_000).default(500),
      })
      .strict(),
    output: z.array(auditEntrySchema),
  }),
  'files.list': method({
    summary: "A folder on this computer, for choosing files to import: its folders and files (hidden ones left out), each file with the format Weft recognises from its first 64 KB or why it does not; the study folder's parent when no folder is given. Reads only those first bytes.",
    input: z.object({ dir: z.string().min(1).optional() }).strict(),
    output: folderListingSchema,
  }),
  'session.import': method({
    summary: 'Import recordings, logs, annotations or consent files, atomically; files seen before add nothing.',
    input: z
      .object({
        files: z.array(z.string().min(1)).default([]),
        manifest: z.string().min(1).optional(),
        format: z.string().optional(),
        participant_id: participantIdSchema.optional(),
        session_id: sessionIdSchema.optional(),
        variant: z.string().min(1).optional(),
        lesson: z.string().min(1).optional(),
        session_start: z.string().optional(),
        clock_offset_s: z.number().finite().optional(),
        /** Read and check everything, report what an import would store, and store nothing. */
        dry_run: z.boolean().default(false),
      })
      .strict(),
    output: importSummarySchema,
    mutates: true,
  }),
  'clock.align': method({
    summary: "Align a device's clock to a reference clock by sync markers (the same moment in two streams), re-timing every stream of the device's file.",
    input: clockAlignInputSchema,
    output: clockAlignResultSchema,
    mutates: true,
  }),
  'model.list': method({
    summary: "Affect detectors this study can run: its own trained models, then those shipped with Weft, each with its model card; folders that are not a valid model are listed with why.",
    input: noInput,
    output: modelListSchema,
  }),
  'model.predict': method({
    summary: 'Score sessions with one model (or the latest version of every model) and store the predictions; a re-run of a model version replaces its old predictions atomically. Sessions without consent to affect inferences are refused and reported.',
    input: modelPredictInputSchema,
    output: modelPredictResultSchema,
    mutates: true,
  }),
  'model.train': method({
    summary: "Train a detector on an annotation tier (logistic regression, MLP or GRU over feature windows), evaluate it by leave-one-participant-out cross-validation, export it to ONNX with its model card and register it in the study's models.",
    input: modelTrainInputSchema,
    output: modelTrainResultSchema,
    mutates: true,
  }),
  'model.evaluate': method({
    summary: "A model's stored predictions against an annotation tier: AUC, F1, Cohen's kappa, Brier score and reliability, per participant and overall, with participant-bootstrap intervals, beside majority-class and shuffled-label baselines.",
    input: modelEvaluateInputSchema,
    output: modelEvaluateResultSchema,
  }),
  'model.compare': method({
    summary: "A model's stored predictions against a numeric reference the data carries (another detector's output kept from an import): Spearman, RMSE and AUC at a stated quantile, per participant and overall.",
    input: modelCompareInputSchema,
    output: modelCompareResultSchema,
  }),
  'face.extract': method({
    summary: "Extract MediaPipe face features (52 blendshapes, head pose, action-unit proxies) from a recording on this machine, in headless Chromium with nothing leaving loopback, and import them into the video's session; progress as job.progress events.",
    input: faceExtractInputSchema,
    output: faceExtractResultSchema,
    mutates: true,
  }),
  'face.model': method({
    summary: "The face model's bytes, from the configured path and checked against its SHA-256, for a page that runs the landmarker itself; binary, like Arrow bytes.",
    input: noInput,
    output: faceModelBytesSchema,
    encoding: 'arrow',
  }),
  'face.modelStatus': method({
    summary: "Where the face model is expected (WEFT_FACE_MODEL, else the user data folder), whether it is there and is the official file (its SHA-256, or the mismatch), and the address, size and SHA-256 a download would fetch and check. Fetches nothing.",
    input: noInput,
    output: faceModelStatusSchema,
  }),
  'face.modelDownload': method({
    summary: "Download the face model into its configured location from the official address (or WEFT_FACE_MODEL_URL's mirror), the one network request Weft makes and only when asked; saved only if its SHA-256 is the official file's; progress in bytes as job.progress events; audited.",
    input: noInput,
    output: faceModelDownloadResultSchema,
    mutates: true,
  }),
  'face.liveStart': method({
    summary: "Start a live webcam capture of face features for a participant's session; refused unless the participant has granted face-feature consent.",
    input: faceLiveStartInputSchema,
    output: faceLiveStartResultSchema,
    mutates: true,
  }),
  'face.liveAppend': method({
    summary: 'Store a batch of live face-feature rows as they are computed, in one transaction, after checking the consent again.',
    input: faceLiveAppendInputSchema,
    output: faceLiveStatusSchema,
    mutates: true,
  }),
  'face.liveStop': method({
    summary: 'End a live capture; what was stored stays.',
    input: faceLiveStopInputSchema,
    output: faceLiveStatusSchema,
    mutates: true,
  }),
  'jobs.cancel': method({
    summary: "Stop a running job by the job_id of its job.progress events (those marked cancellable: an import, a face extraction, the face model download); its call ends with a CANCELLED error and leaves the study as it was (a face extraction keeps its finished frames for face.extract with resume). false when no such job is running.",
    input: z.object({ job_id: z.string().min(1).max(100) }).strict(),
    output: z.object({ cancelled: z.boolean() }).strict(),
  }),
  'sql.query': method({
    summary: 'A read-only SELECT over the documented views (docs/schema.md).',
    input: z
      .object({
        sql: z.string().min(1).max(100_000),
        max_rows: z.number().int().positive().max(1_000_000).default(10_000),
      })
      .strict(),
    output: sqlResultSchema,
  }),
  'timeline.query': method({
    summary: 'Rows of one view for one session and time range, as Arrow IPC stream bytes.',
    input: z
      .object({
        session_id: sessionIdSchema,
        view: timelineKindSchema,
        from_us: z.number().int().optional(),
        to_us: z.number().int().optional(),
        columns: z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/)).max(200).optional(),
      })
      .strict(),
    output: arrowBytes,
    encoding: 'arrow',
  }),
} as const satisfies Record<string, MethodDef>;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
/** What a caller passes (defaults not yet applied). */
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
/** What an implementation receives (validated, defaults applied). */
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;

export const METHOD_NAMES = Object.keys(contract) as MethodName[];

export function isMethodName(value: string): value is MethodName {
  return Object.hasOwn(contract, value);
}
