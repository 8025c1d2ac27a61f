import * as z from 'zod';
import { frameRowSchema } from '../face/extraction.js';
import { importSummarySchema, participantIdSchema, sessionIdSchema } from './schemas.js';

/** Schemas of face.extract and the live-capture methods (face.liveStart, face.liveAppend, face.liveStop). */

export const faceExtractInputSchema = z
  .object({
    /** A recording on the backend's machine (MP4/MOV, WebM) or a still image. */
    video_path: z.string().min(1),
    /** Taken from the study when it already has the video as a `video` stream. */
    participant_id: participantIdSchema.optional(),
    session_id: sessionIdSchema.optional(),
    /** Session time, seconds, of the video's media time 0. */
    clock_offset_s: z.number().finite().optional(),
    /** The 478 landmarks to a CSV beside the face CSV: biometric, needs face_landmarks consent. */
    landmarks: z.boolean().default(false),
    out_path: z.string().min(1).optional(),
    model_path: z.string().min(1).optional(),
    resume: z.boolean().default(false),
  })
  .strict();

export const faceExtractResultSchema = z
  .object({
    stream_ids: z.array(z.number().int()),
    participant_id: z.string(),
    session_id: z.string().nullable(),
    clock_source: z.string(),
    csv_path: z.string(),
    landmarks_path: z.string().nullable(),
    frames: z.number().int().nonnegative(),
    frames_this_run: z.number().int().nonnegative(),
    faces_this_run: z.number().int().nonnegative(),
    resumed_from: z.number().int().nonnegative(),
    elapsed_ms: z.number().nonnegative(),
    video_seconds: z.number().nonnegative(),
    landmarker_thread: z.enum(['worker', 'main']),
    workers: z.number().int().positive(),
    browser: z.string(),
    tasks_vision: z.string(),
    warnings: z.array(z.string()),
    /** The recording after extraction: deleted when the policy says so and Weft manages the file. */
    raw_video: z.enum(['kept', 'deleted', 'not_managed']),
    import: importSummarySchema,
  })
  .strict();
export type FaceExtractResult = z.infer<typeof faceExtractResultSchema>;

export const faceLiveStartInputSchema = z
  .object({
    participant_id: participantIdSchema,
    session_id: sessionIdSchema,
    /** Session time, seconds, at which the capture starts; 0 by default. */
    session_time_s: z.number().finite().default(0),
  })
  .strict();

export const faceLiveStartResultSchema = z
  .object({
    live_id: z.string(),
    /** Wall-clock time the capture's rows are measured from, microseconds since 1970 (UTC). */
    origin_us: z.number().int(),
  })
  .strict();

/** A live frame: `t` is its wall-clock capture time, microseconds since 1970 (UTC). No landmarks. */
export const liveFrameRowSchema = frameRowSchema.omit({ lm: true });
export type LiveFrameRow = z.infer<typeof liveFrameRowSchema>;

export const faceLiveAppendInputSchema = z
  .object({
    live_id: z.string().min(1),
    rows: z.array(liveFrameRowSchema).min(1).max(2_000),
  })
  .strict();

export const faceLiveStatusSchema = z
  .object({
    live_id: z.string(),
    stream_id: z.number().int().nullable(),
    rows: z.number().int().nonnegative(),
    faces: z.number().int().nonnegative(),
    /** Session time of the last row stored, microseconds. */
    last_t_us: z.number().int().nullable(),
  })
  .strict();
export type FaceLiveStatus = z.infer<typeof faceLiveStatusSchema>;

export const faceLiveStopInputSchema = z.object({ live_id: z.string().min(1) }).strict();

/** The face model's bytes, for a page that runs the landmarker itself (the live capture). */
export const faceModelBytesSchema = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'expected the model file\'s bytes');

/** The `job.progress` label of a recording's face extraction (unit: frames). */
export const FACE_EXTRACTION_LABEL = 'Extracting face features';
/** The `job.progress` label of face.modelDownload (unit: bytes). */
export const FACE_MODEL_DOWNLOAD_LABEL = 'Downloading the face model';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/** face.modelStatus: where the model is expected, whether it is there and right, and where it would come from. */
export const faceModelStatusSchema = z
  .object({
    name: z.string(),
    /** Where the model is expected: WEFT_FACE_MODEL, else the user data folder. */
    path: z.string(),
    configured_by: z.enum(['WEFT_FACE_MODEL', 'user data folder']),
    state: z.enum(['verified', 'missing', 'mismatch']),
    /** Of the file at `path`, when there is one. */
    sha256: sha256Hex.nullable(),
    bytes: z.number().int().nonnegative().nullable(),
    /** Why the file at `path` is not the model (state 'mismatch'). */
    problem: z.string().nullable(),
    expected_sha256: sha256Hex,
    expected_bytes: z.number().int().positive(),
    official_url: z.string(),
    /** Where face.modelDownload would fetch it: the official address, or WEFT_FACE_MODEL_URL's mirror. */
    download_url: z.string(),
    mirror: z.boolean(),
  })
  .strict();
export type FaceModelStatus = z.infer<typeof faceModelStatusSchema>;

export const faceModelDownloadResultSchema = z
  .object({
    path: z.string(),
    sha256: sha256Hex,
    bytes: z.number().int().positive(),
    /** False when a verified copy was already there and nothing was fetched. */
    downloaded: z.boolean(),
    url: z.string(),
  })
  .strict();
export type FaceModelDownloadResult = z.infer<typeof faceModelDownloadResultSchema>;
