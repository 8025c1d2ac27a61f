import type { MethodInput } from '../../core/api/contract.js';
import type { Modality } from '../../core/study/modalities.js';

export interface ConsentDraft {
  readonly participantId: string;
  readonly modality: Modality;
  readonly decision: 'granted' | 'refused';
  readonly formVersion: string;
  /** A calendar date from a date input ("2026-03-01"), or empty for now. */
  readonly recordedOn: string;
  /** A calendar date, or empty when the consent does not lapse. */
  readonly expiresOn: string;
}

/** A date input's day as the start of that day in UTC, the instant the API takes. */
export function dayToInstant(day: string): string {
  return `${day}T00:00:00Z`;
}

export function consentRecordInput(draft: ConsentDraft): MethodInput<'consent.record'> {
  const formVersion = draft.formVersion.trim();
  return {
    participant_id: draft.participantId.trim(),
    modality: draft.modality,
    granted: draft.decision === 'granted',
    form_version: formVersion === '' ? null : formVersion,
    ...(draft.recordedOn === '' ? {} : { recorded_at: dayToInstant(draft.recordedOn) }),
    expires_at: draft.expiresOn === '' ? null : dayToInstant(draft.expiresOn),
  };
}
