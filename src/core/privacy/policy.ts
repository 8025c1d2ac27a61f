import * as z from 'zod';
import { MODALITIES } from '../study/modalities.js';

/**
 * A study's data-minimization policy. Every default is the protective choice; a study that needs
 * less protection says so, and the change is audited.
 */
export const minimizationPolicySchema = z.object({
  /** Face landmarks are biometric: never extracted or stored unless the study allows it (and the participant consents). */
  face_landmarks: z.enum(['never', 'with_consent']).default('never'),
  /** Video files Weft manages: kept, or deleted once face features have been extracted from them. */
  raw_video: z.enum(['keep', 'delete_after_extraction']).default('keep'),
  export: z
    .object({
      /** Participant and session ids replaced by keyed pseudonyms (HMAC with the study's secret). */
      pseudonymize_ids: z.boolean().default(true),
      /** Wall-clock instants dropped: exports keep session-relative time only. */
      session_relative_time: z.boolean().default(true),
      /** E-mail addresses, phone numbers and roster names found in free-text fields replaced by placeholders. */
      redact_free_text: z.boolean().default(true),
      /** A file of names (one per line or a CSV with a `name` column) whose occurrences are redacted. */
      roster_file: z.string().nullable().default(null),
      k_anonymity: z
        .object({
          k: z.number().int().min(2).max(100).default(5),
          /** What an export does when a combination of quasi-identifiers is shared by fewer than k participants. */
          on_fail: z.enum(['refuse', 'generalize']).default('refuse'),
          quasi_identifiers: z.array(z.string().min(1)).default(['age', 'gender', 'grade', 'ethnicity', 'school', 'class']),
        })
        .prefault({}),
    })
    .prefault({}),
  /** Days after a session that its data of a modality is kept; a modality without an entry is kept until consent ends. */
  retention_days: z.partialRecord(z.enum(MODALITIES), z.number().int().positive()).default({}),
});

export type MinimizationPolicy = z.infer<typeof minimizationPolicySchema>;
export type MinimizationPolicyInput = z.input<typeof minimizationPolicySchema>;

export const DEFAULT_POLICY: MinimizationPolicy = minimizationPolicySchema.parse({});

/** The kinds of data a field can be, for an ethics review. */
export const SENSITIVITIES = [
  'direct_identifier',
  'pseudonymous_identifier',
  'quasi_identifier',
  'biometric',
  'behavioural',
  'derived_inference',
  'study_design',
  'administrative',
] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];

export const SENSITIVITY_LABELS: Record<Sensitivity, string> = {
  direct_identifier: 'Direct identifier',
  pseudonymous_identifier: 'Pseudonymous identifier',
  quasi_identifier: 'Quasi-identifier',
  biometric: 'Biometric',
  behavioural: 'Behavioural',
  derived_inference: 'Derived inference',
  study_design: 'Study design',
  administrative: 'Administrative',
};
