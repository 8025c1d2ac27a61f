import type { Stream } from '../../core/api/schemas.js';
import { MODALITY_LABELS, type Modality } from '../../core/study/modalities.js';
import { plural } from './format.js';

/** What a withdrawal will delete, for the confirmation a researcher reads before it runs. */
export interface WithdrawalPreview {
  readonly participantId: string;
  /** Null: withdrawn from everything, and erased. */
  readonly modalities: readonly Modality[] | null;
  readonly sessions: number;
  readonly streams: number;
  readonly rows: number;
  /** What happens, one sentence each, in the order it happens. */
  readonly consequences: readonly string[];
}

/**
 * The streams a withdrawal deletes are those of the participant in the withdrawn modalities, or
 * all of theirs; `sessions` is the participant's session count, for a full erasure.
 */
export function withdrawalPreview(participantId: string, modalities: readonly Modality[] | null, streams: readonly Stream[], sessions: number): WithdrawalPreview {
  const affected = streams.filter((s) => s.participant_id === participantId && (modalities === null || modalities.includes(s.modality)));
  const rows = affected.reduce((sum, s) => sum + s.rows, 0);
  const affectedSessions = modalities === null ? sessions : new Set(affected.map((s) => s.session_id)).size;
  const data = `${plural(affected.length, 'stream')} with ${plural(rows, 'row')} in ${plural(affectedSessions, 'session')}`;
  if (modalities === null) {
    return {
      participantId,
      modalities,
      sessions: affectedSessions,
      streams: affected.length,
      rows,
      consequences: [
        `Every session of ${participantId} is deleted: ${data}, with their annotations and predictions.`,
        `${participantId}'s consent records and enrolment are deleted; the erasure register keeps only a keyed pseudonym, so that their data is refused if it is ever imported again.`,
        `Files Weft manages for ${participantId} are deleted, then the database and the study folder are searched for any remaining trace of the participant's and sessions' ids.`,
        'Exports made earlier cannot be recalled: they are listed for their recipients to delete.',
        `This cannot be undone, and ${participantId} cannot be enrolled again under the same id.`,
      ],
    };
  }
  const names = modalities.map((m) => MODALITY_LABELS[m]).join(', ');
  return {
    participantId,
    modalities,
    sessions: affectedSessions,
    streams: affected.length,
    rows,
    consequences: [
      `${participantId}'s data of ${names} is deleted: ${data}${modalities.includes('affect_inferences') ? ', with the annotations and predictions of those sessions' : ''}.`,
      `${participantId}'s consent to ${names} is recorded as withdrawn; no new data of ${modalities.length === 1 ? 'it' : 'them'} is accepted.`,
      `The rest of ${participantId}'s data is kept, and ${participantId} stays enrolled.`,
      'This cannot be undone.',
    ],
  };
}

