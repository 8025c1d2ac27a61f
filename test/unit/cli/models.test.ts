import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import type { modelEvaluateResultSchema, modelListSchema, modelPredictResultSchema, modelTrainResultSchema } from '../../../src/core/api/modelSchemas.js';
import { parseArchitecture, parseModelRef, parseTarget } from '../../../src/cli/modelOptions.js';
import { buildDemoStudy } from '../../../src/cli/demo.js';
import { weft } from '../../support/cli.js';
import { tempDir } from '../../support/paths.js';

describe('model command options', () => {
  it('reads targets, architectures and model references', () => {
    expect(parseTarget('frustration=FRUSTRATED,ANGRY', parseTarget('confusion=CONFUSED'))).toEqual([
      { output: 'confusion', positive: ['CONFUSED'] },
      { output: 'frustration', positive: ['FRUSTRATED', 'ANGRY'] },
    ]);
    expect(() => parseTarget('CONFUSED')).toThrow(/OUTPUT=LABEL/);
    expect(parseArchitecture('logistic')).toEqual({ family: 'logistic_regression' });
    expect(parseArchitecture('mlp:16,8')).toEqual({ family: 'mlp', hidden: [16, 8] });
    expect(parseArchitecture('gru:12')).toEqual({ family: 'gru', units: 12 });
    expect(() => parseArchitecture('svm')).toThrow(/logistic, mlp/);
    expect(() => parseArchitecture('mlp:0')).toThrow(/positive whole numbers/);
    expect(parseModelRef('face-affect-prior@1.0.0')).toEqual({ model_id: 'face-affect-prior', model_version: '1.0.0' });
  });
});

describe('weft train, predict, models and evaluate on the demo study', () => {
  let study: string;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    const temp = await tempDir('weft-cli-models-');
    remove = temp.remove;
    study = join(temp.dir, 'demo');
    const build = await buildDemoStudy(study, { minutes: 3, actor: 'test', align: false });
    await build.workspace.close();
  });
  afterAll(async () => {
    await remove();
  });

  const json = <T>(stdout: string): T => JSON.parse(stdout) as T;

  it('trains a detector from coder1’s BROMP labels, cross-validated, and registers it in the study', { timeout: 120_000 }, async () => {
    const trained = await weft(['train', '--study', study, '--json', '--id', 'demo-confusion', '--tier', 'affect', '--annotator', 'coder1', '--target', 'confusion=CONFUSED', '--resamples', '100']);
    expect(trained.code, trained.stderr).toBe(0);
    const result = json<z.infer<typeof modelTrainResultSchema>>(trained.stdout);
    expect(result.model).toMatchObject({ id: 'demo-confusion', version: '1.0.0', origin: 'study' });
    expect(result.summary).toMatchObject({ participants: 5, folds: 5 });
    expect(result.evaluation['confusion']?.baselines.majority_class.auc.value).toBe(0.5);

    const listed = json<z.infer<typeof modelListSchema>>((await weft(['models', '--study', study, '--json'])).stdout);
    expect(listed.models.filter((m) => m.origin === 'study').map((m) => `${m.id}@${m.version}`)).toEqual(['demo-confusion@1.0.0']);
    const table = await weft(['models', '--study', study]);
    expect(table.stdout).toMatch(/demo-confusion\s+1\.0\.0\s+study\s+trained\s+confusion/);
  });

  it('scores every session, and a re-run replaces the earlier predictions', { timeout: 120_000 }, async () => {
    const first = json<z.infer<typeof modelPredictResultSchema>>((await weft(['predict', '--study', study, '--json', '--model', 'demo-confusion'])).stdout);
    expect(first.runs).toHaveLength(1);
    const run = first.runs[0] as (typeof first.runs)[number];
    expect(run.sessions).toEqual(['S01', 'S02', 'S03', 'S04', 'S05']);
    expect(run.windows_scored + run.windows_skipped).toBe(run.windows_total);
    const again = json<z.infer<typeof modelPredictResultSchema>>((await weft(['predict', '--study', study, '--json', '--model', 'demo-confusion@1.0.0', '--session', 'S02'])).stdout);
    expect(again.runs[0]?.sessions).toEqual(['S02']);
    expect(again.runs[0]?.rows_replaced).toBe(again.runs[0]?.rows_written);
  });

  it('evaluates against the card’s own labels, warning that these are the windows it learnt from', { timeout: 120_000 }, async () => {
    const out = await weft(['evaluate', '--study', study, '--json', '--model', 'demo-confusion', '--resamples', '100']);
    expect(out.code, out.stderr).toBe(0);
    const result = json<z.infer<typeof modelEvaluateResultSchema>>(out.stdout);
    expect(result.tier).toBe('affect');
    expect(result.warnings.join(' ')).toMatch(/trained on this study's data.*overstate/);
    const report = result.outputs[0]?.report;
    expect(report?.baselines.shuffled_labels.shuffles).toBeGreaterThan(0);
    expect(report?.per_participant.map((p) => p.participant_id)).toEqual(['P01', 'P02', 'P03', 'P04', 'P05']);

    const text = await weft(['evaluate', '--study', study, '--model', 'demo-confusion', '--tier', 'affect', '--annotator', 'coder2', '--target', 'confusion=CONFUSED', '--resamples', '100', '--per-participant']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('against tier "affect" (annotators coder2)');
    expect(text.stdout).toMatch(/AUC\s+\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]\s+0\.500/);
    expect(text.stdout).toContain('Warning:');
  });

  it('says clearly what is wrong with a request', async () => {
    const noTarget = await weft(['evaluate', '--study', study, '--model', 'demo-confusion', '--tier', 'affect']);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toContain('--tier needs at least one --target');
    const unknown = await weft(['predict', '--study', study, '--model', 'no-such-model']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('No model no-such-model');
    const reference = await weft(['evaluate', '--study', study, '--model', 'demo-confusion', '--reference', 'signal:confidence_confused']);
    expect(reference.code).not.toBe(0);
    expect(reference.stderr).toMatch(/confidence_confused/);
  });
});
