import { describe, expect, it } from 'vitest';
import { embeddedCard, jsonDifferences, modelCardSchema } from '../../../src/core/models/card.js';
import { featureSpecSchema } from '../../../src/core/models/features.js';
import { FACE_AU_FEATURES } from '../../../src/core/models/presets.js';
import { compareVersions, latestVersion, nextVersion } from '../../../src/core/models/version.js';
import { windowSpecSchema } from '../../../src/core/models/windows.js';
import { testCard } from './helpers.js';

const issues = (value: unknown): string[] => {
  const r = modelCardSchema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('model card schema', () => {
  it('accepts a complete card and applies defaults', () => {
    const card = testCard();
    expect(card.inputs.window.steps).toBe(1);
    expect(card.training.references).toEqual([]);
    expect(modelCardSchema.parse(JSON.parse(JSON.stringify(card)))).toEqual(card);
  });

  it('can express a literature face prior on participant-normalised AU intensities', () => {
    const prior = testCard({
      id: 'face-prior',
      kind: 'face',
      inputs: {
        features: FACE_AU_FEATURES,
        window: { length_s: 5, hop_s: 1 },
        coverage: { face_frames: { sample_rate_hz: 30, min_valid_fraction: 0.5 } },
        normalization: { kind: 'participant_zscore', baseline: { kind: 'session_start', seconds: 120 }, min_windows: 30 },
      },
      training: { kind: 'literature', description: 'Fixed weights from published FACS studies of confusion.', data_set: 'none (no training)', references: ['Grafsgaard et al. 2013'] },
    });
    expect(prior.inputs.features.map((f) => f.name)).toEqual(['au04_intensity_mean', 'au07_intensity_mean', 'au01_intensity_mean', 'au02_intensity_mean', 'au14_intensity_mean']);
    expect(prior.inputs.normalization).toMatchObject({ kind: 'participant_zscore', baseline: { kind: 'session_start', seconds: 120 } });
  });

  it('says what is wrong with an invalid card', () => {
    const card = testCard();
    expect(issues({ ...card, id: 'Bad Id' })).toEqual(['id: model ids are lower-case letters, digits and hyphens']);
    expect(issues({ ...card, version: '1.0' })).toEqual(['version: versions are MAJOR.MINOR.PATCH']);
    expect(issues({ ...card, limits: [] })[0]).toMatch(/^limits:/);
    expect(issues({ ...card, inputs: { ...card.inputs, coverage: {} } })).toEqual(['inputs.coverage.face_frames: features from face_frames need its coverage (sample_rate_hz, min_valid_fraction)']);
    expect(issues({ ...card, inputs: { ...card.inputs, features: [...card.inputs.features, card.inputs.features[0]] } })).toEqual([
      'inputs.features.3.name: feature "bs_brow_down_left_mean" appears twice',
    ]);
    expect(issues({ ...card, architecture: { family: 'gru', units: 4 } })).toEqual(['inputs.window.steps: a GRU reads a sequence: window.steps must be at least 2']);
  });

  it('checks features against the columns their view offers', () => {
    const err = (f: unknown): string | undefined => {
      const r = featureSpecSchema.safeParse(f);
      return r.success ? undefined : r.error.issues[0]?.message;
    };
    expect(err({ name: 'x', view: 'face_frames', column: 'au99_intensity', aggregate: 'mean' })).toBe('face_frames has no column "au99_intensity" a model can use');
    expect(err({ name: 'x', view: 'interaction_features', column: 'correct', aggregate: 'max' })).toBe('interaction_features.correct is true/false: aggregate it with "mean" (the share of true)');
    expect(err({ name: 'x', view: 'interaction_features', column: 'attempt', aggregate: 'count' })).toBe('"count" counts rows: its column must be "*", not "attempt"');
    expect(err({ name: 'x', view: 'signals', column: 'confusion_evidence', aggregate: 'mean' })).toBeUndefined();
  });

  it('requires a GRU window hop to be whole steps', () => {
    expect(windowSpecSchema.safeParse({ length_s: 10, hop_s: 2, steps: 5 }).success).toBe(true);
    expect(windowSpecSchema.safeParse({ length_s: 10, hop_s: 3, steps: 5 }).error?.issues[0]?.message).toBe('hop_s (3) must be a whole number of steps of 2 s');
  });

  it('embeds the card without the file hash, and lists where two cards differ', () => {
    const card = testCard({ provenance: { ...testCard().provenance, onnx_sha256: 'a'.repeat(64) } });
    expect(embeddedCard(card).provenance.onnx_sha256).toBeUndefined();
    expect(jsonDifferences(embeddedCard(card), card)).toEqual(['provenance.onnx_sha256']);
    expect(jsonDifferences({ a: [1, 2], b: { c: 'x' } }, { a: [1, 3], b: { c: 'x', d: 1 } })).toEqual(['a[1]', 'b.d']);
  });
});

describe('model versions', () => {
  it('compare numerically and advance by minor version', () => {
    expect(['1.10.0', '1.2.0', '1.9.9'].sort(compareVersions)).toEqual(['1.2.0', '1.9.9', '1.10.0']);
    expect(latestVersion(['1.2.0', '1.10.0'])).toBe('1.10.0');
    expect(nextVersion([])).toBe('1.0.0');
    expect(nextVersion(['1.0.0', '1.3.2'])).toBe('1.4.0');
  });
});
