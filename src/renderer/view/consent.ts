import type { ConsentState, Participant, StudyStatus } from '../../core/api/schemas.js';
import { MODALITIES, MODALITY_LABELS, type Modality } from '../../core/study/modalities.js';

export const CONSENT_STATES: readonly ConsentState[] = ['granted', 'refused', 'withdrawn', 'expired', 'missing'];

export interface ConsentBadgeView {
  readonly state: ConsentState;
  /** The word shown in the badge; colour and symbol only repeat it. */
  readonly label: string;
  readonly symbol: string;
  readonly className: string;
  /** What the state means for the data, for the badge's tooltip. */
  readonly meaning: string;
}

const BADGES: Record<ConsentState, Omit<ConsentBadgeView, 'state' | 'className'>> = {
  granted: { label: 'granted', symbol: '✓', meaning: 'consent recorded; data of this modality may be stored' },
  refused: { label: 'refused', symbol: '✕', meaning: 'the participant declined; data of this modality is refused at import' },
  withdrawn: { label: 'withdrawn', symbol: '⊘', meaning: 'the participant withdrew; no new data is stored' },
  expired: { label: 'expired', symbol: '◷', meaning: 'the consent form has expired; renew it before importing more data' },
  missing: { label: 'missing', symbol: '?', meaning: 'no consent on record; data of this modality is refused at import' },
};

export function consentBadge(state: ConsentState): ConsentBadgeView {
  return { state, className: `badge badge--${state}`, ...BADGES[state] };
}

export function modalityLabel(modality: Modality): string {
  return MODALITY_LABELS[modality];
}

/** The tooltip of one participant's badge: "P02 · Video: refused — the participant declined; …". */
export function consentTitle(participantId: string, modality: Modality, state: ConsentState): string {
  const badge = consentBadge(state);
  return `${participantId} · ${modalityLabel(modality)}: ${badge.label} — ${badge.meaning}`;
}

export interface ParticipantConsentCell {
  readonly modality: Modality;
  readonly badge: ConsentBadgeView;
  readonly title: string;
}

/** One badge per modality, in Weft's modality order; a modality with no record is "missing". */
export function participantConsentCells(participant: Participant): ParticipantConsentCell[] {
  return MODALITIES.map((modality) => {
    const state = participant.consent[modality] ?? 'missing';
    return { modality, badge: consentBadge(state), title: consentTitle(participant.participant_id, modality, state) };
  });
}

export interface CoverageRow {
  readonly modality: Modality;
  readonly label: string;
  readonly counts: Record<ConsentState, number>;
  readonly total: number;
  /** Share of participants who granted this modality, 0 when there are none. */
  readonly grantedShare: number;
}

export function coverageRows(coverage: StudyStatus['consent_coverage']): CoverageRow[] {
  return coverage.map((row) => {
    const counts = { granted: row.granted, refused: row.refused, withdrawn: row.withdrawn, expired: row.expired, missing: row.missing };
    const total = CONSENT_STATES.reduce((sum, state) => sum + counts[state], 0);
    return { modality: row.modality, label: modalityLabel(row.modality), counts, total, grantedShare: total === 0 ? 0 : counts.granted / total };
  });
}

export interface ParticipantStatusView {
  readonly label: string;
  readonly className: string;
  readonly symbol: string;
}

/** A participant's standing in one word: withdrawal first, then consent that no longer or never applied. */
/** A participant's standing; in a study of an existing data set (consentRecorded false) there is no consent to show. */
export function participantStatus(participant: Participant, consentRecorded = true): ParticipantStatusView {
  if (participant.withdrawn) return { label: 'Withdrawn', className: 'status status--withdrawn', symbol: '⊘' };
  if (!consentRecorded) return { label: 'In the data set', className: 'status status--active', symbol: '●' };
  const recorded = Object.values(participant.consent).filter((state) => state !== 'missing');
  if (recorded.length === 0) return { label: 'No consent', className: 'status status--missing', symbol: '?' };
  if (recorded.every((state) => state === 'expired')) return { label: 'Expired', className: 'status status--expired', symbol: '◷' };
  return { label: 'Active', className: 'status status--active', symbol: '●' };
}
