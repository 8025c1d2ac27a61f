import * as z from 'zod';

export const STUDY_FILE = 'weft-study.json';
export const DATABASE_FILE = 'study.duckdb';
export const STUDY_FORMAT = 'weft-study';

/**
 * On what basis data may be stored. 'participant_consent': each participant's recorded consent per
 * modality (the default, for data a lab collects). 'secondary_data': an existing data set used
 * under its own terms (a DataShop export, say), stated in `terms`.
 */
export const dataBasisSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('participant_consent') }),
  z.object({ kind: z.literal('secondary_data'), terms: z.string().min(1) }),
]);

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
      /** IANA zone of the lab's clocks, for files that write local times without a zone. */
      time_zone: z.string().min(1).default('UTC'),
      data_basis: dataBasisSchema.default({ kind: 'participant_consent' }),
    })
    .default({ description: '', time_zone: 'UTC', data_basis: { kind: 'participant_consent' } }),
});
export type StudyFile = z.infer<typeof studyFileSchema>;
export type DataBasis = StudyFile['settings']['data_basis'];
