import { describe, expect, it } from 'vitest';
import { MODALITIES } from '../../../src/core/study/modalities.js';
import {
  CONSENT_STATES,
  consentBadge,
  consentTitle,
  coverageRows,
  participantConsentCells,
  participantStatus,
} from '../../../src/renderer/view/consent.js';
import { participant } from './builders.js';

describe('consentBadge', () => {
  it('gives every state its own word, symbol and class, so colour is never the only cue', () => {
    const badges = CONSENT_STATES.map(consentBadge);
    expect(badges.map((b) => b.label)).toEqual(['granted', 'refused', 'withdrawn', 'expired', 'missing']);
    expect(new Set(badges.map((b) => b.symbol)).size).toBe(CONSENT_STATES.length);
    expect(badges.map((b) => b.className)).toEqual(CONSENT_STATES.map((s) => `badge badge--${s}`));
    for (const badge of badges) expect(badge.meaning.length).toBeGreaterThan(10);
  });

  it('names participant, modality and state in the tooltip', () => {
    expect(consentTitle('P02', 'video', 'refused')).toMatch(/^P02 · Video: refused — /);
  });
});

describe('participantConsentCells', () => {
  it('has one cell per modality in Weft order and fills modalities without a record as missing', () => {
    const p = participant('P02', { consent: { video: 'refused', gaze: 'granted' } });
    const cells = participantConsentCells(p);
    expect(cells.map((c) => c.modality)).toEqual([...MODALITIES]);
    expect(cells.find((c) => c.modality === 'video')?.badge.state).toBe('refused');
    expect(cells.find((c) => c.modality === 'gaze')?.badge.state).toBe('granted');
    expect(cells.find((c) => c.modality === 'audio')?.badge.state).toBe('missing');
  });
});

describe('participantStatus', () => {
  it('puts withdrawal first', () => {
    expect(participantStatus(participant('P05', { withdrawn: true })).label).toBe('Withdrawn');
  });

  it('tells expired and absent consent from active participation', () => {
    const expired = Object.fromEntries(MODALITIES.map((m) => [m, 'expired' as const]));
    expect(participantStatus(participant('P06', { consent: expired })).label).toBe('Expired');
    expect(participantStatus(participant('P07', { consent: {} })).label).toBe('No consent');
    expect(participantStatus(participant('P08', { consent: { ...expired, gaze: 'granted' } })).label).toBe('Active');
  });

  it('shows no consent to miss in a study of an existing data set, but still a withdrawal', () => {
    expect(participantStatus(participant('P09', { consent: {} }), false).label).toBe('In the data set');
    expect(participantStatus(participant('P10', { consent: {}, withdrawn: true }), false).label).toBe('Withdrawn');
  });
});

describe('coverageRows', () => {
  it('totals each modality and gives the share that granted it', () => {
    const [video, gaze] = coverageRows([
      { modality: 'video', granted: 3, refused: 1, withdrawn: 1, expired: 1, missing: 0 },
      { modality: 'gaze', granted: 0, refused: 0, withdrawn: 0, expired: 0, missing: 0 },
    ]);
    expect(video).toMatchObject({ label: 'Video', total: 6, grantedShare: 0.5 });
    expect(video?.counts).toEqual({ granted: 3, refused: 1, withdrawn: 1, expired: 1, missing: 0 });
    expect(gaze?.grantedShare).toBe(0);
  });
});
