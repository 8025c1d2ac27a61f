/**
 * What each participant (with a guardian) agreed to. Everyone consents to everything except
 * face landmarks, which the form flags as biometric and nobody grants; P04 declines video;
 * P06 withdraws from the study a few days after their session.
 */
import { MODALITIES, type Modality } from '../../src/core/study/modalities.js';
import { easternWallClock, isoDate } from './calendar.js';
import { Rng } from './random.js';
import type { SessionPlan } from './study.js';

export const CONSENT_FORM_VERSION = 'v2.1';
export const CONSENT_EXPIRY_DATE = '2027-06-30';
const DAY_MS = 86_400_000;

export interface ConsentRecord {
  readonly participantId: string;
  readonly consentDate: string;
  readonly formVersion: string;
  readonly expiryDate: string;
  readonly granted: Readonly<Record<Modality, boolean>>;
  readonly withdrawalDate: string | null;
}

export function consentRecords(plans: readonly SessionPlan[], seed: number): ConsentRecord[] {
  return plans.map((plan) => {
    const rng = Rng.stream(seed, plan.participantId, 'consent');
    const consentDay = plan.sessionStartUtcMs - rng.int(5, 14) * DAY_MS;
    const granted = Object.fromEntries(MODALITIES.map((m) => [m, true])) as Record<Modality, boolean>;
    granted.face_landmarks = false;
    if (plan.participantId === 'P04') granted.video = false;
    const withdrawalDate =
      plan.participantId === 'P06' ? isoDate(easternWallClock(plan.sessionStartUtcMs + rng.int(2, 5) * DAY_MS)) : null;
    return {
      participantId: plan.participantId,
      consentDate: isoDate(easternWallClock(consentDay)),
      formVersion: CONSENT_FORM_VERSION,
      expiryDate: CONSENT_EXPIRY_DATE,
      granted,
      withdrawalDate,
    };
  });
}
