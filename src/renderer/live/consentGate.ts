import type { Consent } from '../../core/api/schemas.js';

/**
 * Why the camera must stay closed for this participant, or null when it may open: the live
 * capture stores face features, so it needs that consent granted and in force. Raw video is
 * never kept by the live capture, so video consent is not asked for.
 */
export function cameraRefusal(consents: readonly Consent[], participantId: string): string | null {
  if (participantId.trim() === '') return 'Choose a participant first.';
  const consent = consents.find((c) => c.participant_id === participantId && c.modality === 'face_features');
  if (consent === undefined) return `No face-feature consent is recorded for ${participantId}: the camera stays closed.`;
  if (consent.state !== 'granted') return `${participantId}'s face-feature consent is ${consent.state}: the camera stays closed.`;
  return null;
}
