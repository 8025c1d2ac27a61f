import type { Consent, ConsentState, Participant } from '../../core/api/schemas.js';
import { MODALITIES, type Modality } from '../../core/study/modalities.js';
import { consentBadge, consentTitle, type ConsentBadgeView } from './consent.js';

/** One participant's consent to one modality, with the record behind it. */
export interface ConsentCell {
  readonly modality: Modality;
  readonly state: ConsentState;
  readonly badge: ConsentBadgeView;
  readonly title: string;
  /** Null when no record exists ("missing"). */
  readonly record: Consent | null;
}

export interface ConsentMatrixRow {
  readonly participantId: string;
  readonly withdrawn: boolean;
  readonly sessions: number;
  readonly cells: readonly ConsentCell[];
}

/** Participants × modalities: the state each consent is in now, and the record that set it. */
export function buildConsentMatrix(participants: readonly Participant[], consents: readonly Consent[]): ConsentMatrixRow[] {
  const byKey = new Map(consents.map((c) => [`${c.participant_id}\u0000${c.modality}`, c]));
  return participants.map((p) => ({
    participantId: p.participant_id,
    withdrawn: p.withdrawn,
    sessions: p.sessions,
    cells: MODALITIES.map((modality) => {
      const record = byKey.get(`${p.participant_id}\u0000${modality}`) ?? null;
      const state = record?.state ?? p.consent[modality] ?? 'missing';
      return { modality, state, badge: consentBadge(state), title: consentTitle(p.participant_id, modality, state), record };
    }),
  }));
}
