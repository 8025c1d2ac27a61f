import { z } from 'zod';

export const STUDY_FILE = 'weft-study.json';
export const DATABASE_FILE = 'study.duckdb';
export const STUDY_FORMAT = 'weft-study';

/** The study's identity and settings, kept beside the database as human-readable JSON. */
export const studyFileSchema = z.object({
  format: z.literal(STUDY_FORMAT),
  format_version: z.literal(1),
  study_id: z.string().uuid(),
  name: z.string().min(1),
  created_at: z.string(),
  settings: z
    .object({
      description: z.string().default(''),
    })
    .default({ description: '' }),
});
export type StudyFile = z.infer<typeof studyFileSchema>;
