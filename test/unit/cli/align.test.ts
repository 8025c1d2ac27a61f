import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClockAlignResult } from '../../../src/core/api/schemas.js';
import { parseMarkerSide } from '../../../src/cli/commands/align.js';
import { buildDemoStudy } from '../../../src/cli/demo.js';
import { weft } from '../../support/cli.js';
import { tempDir } from '../../support/paths.js';

describe('parseMarkerSide', () => {
  it('reads KIND[/EVENT]:KEY with a column or an attribute key', () => {
    expect(parseMarkerSide('interaction_log:attributes.Transaction Id')).toEqual({ kind: 'interaction_log', attribute: 'Transaction Id' });
    expect(parseMarkerSide('eye_markers/logdata:label')).toEqual({ kind: 'eye_markers', event_kind: 'logdata', column: 'label' });
  });

  it('refuses kinds that hold no events and keys that are not event columns', () => {
    expect(() => parseMarkerSide('gaze:label')).toThrow(/KIND one of interaction_log, segments, eye_markers/);
    expect(() => parseMarkerSide('eye_markers:colour')).toThrow(/"colour" is neither a column/);
  });
});

describe('weft align', () => {
  let study: string;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    const temp = await tempDir('weft-cli-align-');
    remove = temp.remove;
    study = join(temp.dir, 'demo');
    const build = await buildDemoStudy(study, { minutes: 3, actor: 'test', align: false });
    await build.workspace.close();
  });
  afterAll(async () => {
    await remove();
  });

  const args = ['--reference', 'interaction_log:attributes.Transaction Id', '--target', 'eye_markers/logdata:attributes.Descriptor', '--reference-truncated', '1', '--also', 'segments'];

  it('aligns every session, prints the shifts, and answers the same in JSON', async () => {
    const result = await weft(['align', '--study', study, ...args]);
    expect(result.code, result.stderr).toBe(0);
    for (const session of ['S01', 'S02', 'S03', 'S04', 'S05']) expect(result.stdout).toContain(session);
    expect(result.stdout).toContain('shift (s)');
    const again = await weft(['align', '--study', study, '--session', 'S02', '--json', ...args]);
    expect(again.code, again.stderr).toBe(0);
    const json = JSON.parse(again.stdout) as ClockAlignResult;
    expect(json.aligned.map((a) => a.session_id)).toEqual(['S02']);
    // aligning again by the same markers finds the clock where the first run put it
    const fit = json.aligned[0] as ClockAlignResult['aligned'][number];
    expect(fit.previous.origin_us).toBe(fit.origin_us);
    expect(Math.abs(fit.offset_us - fit.previous.offset_us)).toBeLessThan(1_000);
  });

  it('exits with a usage error for a malformed side', async () => {
    const result = await weft(['align', '--study', study, '--reference', 'gaze:label', '--target', 'eye_markers:label']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('KIND one of');
  });
});
