import * as z from 'zod';
import { BLENDSHAPE_NAMES } from './featureSchema.js';

/**
 * What the extraction page (src/renderer/extraction) and its host (the headless runner in
 * src/backend/face, or the desktop app) say to each other. The host validates everything the
 * page sends: a page is a renderer, and a renderer is not trusted with the study.
 */

export const FACE_LANDMARK_COUNT = 478;
export const BLENDSHAPE_COUNT = BLENDSHAPE_NAMES.length;

export const extractionOptionsSchema = z
  .object({
    /** Emit the 478 landmarks (biometric; consent modality face_landmarks). */
    landmarks: z.boolean(),
    /** Frames whose longer side is larger are scaled down to it before inference. */
    maxInputSide: z.number().int().min(64).max(8192),
    /** Longest run of frames the landmarker tracks through before its tracking is reset. */
    segmentFrames: z.number().int().min(1).max(100_000),
    /** Landmarkers running at once, each in its own worker. */
    workers: z.number().int().min(1).max(8),
    /** Frames the decoder may run ahead of the landmarker; 0 decodes one frame at a time. */
    decodeAhead: z.number().int().min(0).max(64),
  })
  .strict();
export type ExtractionOptions = z.infer<typeof extractionOptionsSchema>;

export const DEFAULT_EXTRACTION_OPTIONS: ExtractionOptions = { landmarks: false, maxInputSide: 1280, segmentFrames: 250, workers: 2, decodeAhead: 4 };

export const extractionJobSchema = z
  .object({
    input: z.enum(['video', 'image']),
    /** Page-relative addresses, all served by the host. */
    videoUrl: z.string(),
    modelUrl: z.string(),
    wasmLoaderUrl: z.string(),
    wasmBinaryUrl: z.string(),
    eventsUrl: z.string(),
    /** Resume: the first frame still to do (a segment start). */
    startFrame: z.number().int().nonnegative(),
    options: extractionOptionsSchema,
  })
  .strict();
export type ExtractionJob = z.infer<typeof extractionJobSchema>;

const float = z.number().finite();

export const frameRowSchema = z
  .object({
    frame: z.number().int().nonnegative(),
    /** Media time, microseconds. */
    t: z.number().int(),
    face: z.boolean(),
    /** The 52 blendshape scores, MediaPipe order (face only). */
    bs: z.array(float).length(BLENDSHAPE_COUNT).optional(),
    /** Facial transformation matrix, column-major 4×4 (face only). */
    m: z.array(float).length(16).optional(),
    /** x, y, z of the 478 landmarks, normalised image coordinates (face and landmarks option only). */
    lm: z.array(float).length(FACE_LANDMARK_COUNT * 3).optional(),
  })
  .strict();
export type FrameRow = z.infer<typeof frameRowSchema>;

export const extractionPlanSchema = z
  .object({
    container: z.string(),
    codec: z.string(),
    codedWidth: z.number().int().nonnegative(),
    codedHeight: z.number().int().nonnegative(),
    frames: z.number().int().nonnegative(),
    firstFrameUs: z.number().int().nullable(),
    lastFrameUs: z.number().int().nullable(),
    /** Start frame of every segment, in order. */
    segmentStarts: z.array(z.number().int().nonnegative()),
    timing: z.record(z.string(), z.unknown()),
    runtime: z
      .object({
        userAgent: z.string(),
        landmarkerThread: z.enum(['worker', 'main']),
        workers: z.number().int().positive(),
        note: z.string().optional(),
      })
      .strict(),
  })
  .strict();
export type ExtractionPlan = z.infer<typeof extractionPlanSchema>;

export const extractionFailureCodes = ['UNSUPPORTED_FORMAT', 'PARSE_ERROR', 'INTERNAL'] as const;

export const extractionEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('plan'), plan: extractionPlanSchema }).strict(),
  z.object({ type: z.literal('frames'), segment: z.number().int().nonnegative(), rows: z.array(frameRowSchema) }).strict(),
  z.object({ type: z.literal('progress'), framesInferred: z.number().int().nonnegative() }).strict(),
  z.object({ type: z.literal('done') }).strict(),
  z.object({ type: z.literal('failed'), code: z.enum(extractionFailureCodes), message: z.string() }).strict(),
]);
export type ExtractionEvent = z.infer<typeof extractionEventSchema>;
