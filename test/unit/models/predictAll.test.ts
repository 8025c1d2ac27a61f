import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WeftError } from '../../../src/core/errors.js';
import { sessionRows, writeTransactions } from '../../support/fixtures.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

/** A study with tutor logs and no face data, scored with every model Weft ships. */
describe('predicting with every model', () => {
  let study: TestStudy;
  beforeAll(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
    const tx = await writeTransactions(study.root, [...sessionRows('S1', 'A1', 'A', '2026-02-03 09:00:00', 40), ...sessionRows('S2', 'A2', 'B', '2026-02-04 09:00:00', 40)]);
    await study.client.call('session.import', { files: [tx] });
  }, 120_000);
  afterAll(async () => {
    await study.close();
  });

  it('runs the models the study can feed and names the ones it cannot, with the missing features', async () => {
    const result = await study.client.call('model.predict', {});
    expect(result.runs.map((r) => r.model_id)).toEqual(['log-affect']);
    expect(result.runs[0]?.windows_scored).toBeGreaterThan(0);
    expect(result.skipped.map((s) => s.model_id).sort()).toEqual(['face-affect-prior', 'fusion-affect']);
    for (const s of result.skipped) expect(s.reason).toMatch(/au0\d|face/i);
  }, 120_000);

  it('still fails outright when that one model is asked for by name', async () => {
    const error = await study.client.call('model.predict', { model_id: 'face-affect-prior' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeftError);
    expect((error as WeftError).details).toMatchObject({ reason: 'missing_features' });
  }, 60_000);
});
