import { describe, expect, it } from 'vitest';
import { renderStatus } from '../../../src/cli/commands/status.js';
import { status } from '../renderer/builders.js';

const coverage = [{ modality: 'gaze' as const, granted: 2, refused: 1, withdrawn: 0, expired: 0, missing: 0 }];

describe('weft status', () => {
  it('shows consent per modality for a study that records consent', () => {
    const text = renderStatus(status({ participants: 3, consent_coverage: coverage }));
    expect(text).toContain('Consent (participants per state):');
    expect(text).toMatch(/Eye tracking\s+2\s+1\s+0\s+0\s+0/);
    expect(text).not.toContain('Data basis');
  });

  it('says that a study of an existing data set records no consent per participant, instead of a table of missing consent', () => {
    const base = status();
    const text = renderStatus({ ...base, study: { ...base.study, data_basis: { kind: 'secondary_data', terms: 'DataShop ds76 terms of use' } }, consent_coverage: coverage });
    expect(text).toContain('Data basis: an existing data set, used under its terms ("DataShop ds76 terms of use"); consent is not recorded per participant.');
    expect(text).not.toContain('Consent (participants per state)');
  });

  it('lists lesson variants only when sessions have them, and the sessions without one beside them', () => {
    expect(renderStatus(status({ participants: 4, variants: [{ variant: null, sessions: 4 }] }))).toContain('4 participants, 0 sessions\n');
    expect(
      renderStatus(
        status({
          variants: [
            { variant: 'A', sessions: 2 },
            { variant: null, sessions: 1 },
          ],
        }),
      ),
    ).toContain('(variants A: 2, none: 1)');
  });
});
