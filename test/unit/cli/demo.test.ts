import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudyStatus } from '../../../src/core/api/schemas.js';
import { weft, weftUntil } from '../../support/cli.js';
import { tempDir } from '../../support/paths.js';

let root: string;
let remove: () => Promise<void>;
beforeAll(async () => {
  ({ dir: root, remove } = await tempDir('weft-demo-'));
});
afterAll(async () => {
  await remove();
});

describe('weft demo', () => {
  it('builds the demo study, with consent enforced, and reuses it the next time', async () => {
    const study = join(root, 'demo');
    const built = await weft(['demo', '--study', study, '--no-serve', '--minutes', '1', '--json']);
    expect(built.code, built.stderr).toBe(0);
    const status = JSON.parse(built.stdout) as StudyStatus;
    // P06 withdrew in the consent export: erased at import, verified, and kept only as a pseudonym.
    expect(status.participants).toBe(5);
    expect(status.views.find((v) => v.view === 'erasures')?.rows).toBe(1);
    expect(status.sessions.map((s) => [s.session_id, s.variant])).toEqual([
      ['S01', 'A'],
      ['S02', 'A'],
      ['S03', 'A'],
      ['S04', 'B'],
      ['S05', 'B'],
    ]);
    const kinds = new Set(status.sessions.flatMap((s) => s.streams.map((st) => st.kind)));
    expect([...kinds].sort()).toEqual(['eye_markers', 'face_features', 'fixations', 'gaze', 'interaction_log', 'segments']);
    expect(status.consent_coverage.find((c) => c.modality === 'video')).toMatchObject({ granted: 4, refused: 1, withdrawn: 0 });
    expect(status.consent_coverage.find((c) => c.modality === 'face_landmarks')).toMatchObject({ granted: 0, refused: 5, withdrawn: 0 });
    expect(status.views.find((v) => v.view === 'annotations')?.rows).toBeGreaterThan(0);

    const again = await weft(['demo', '--study', study, '--no-serve']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Using the demo study already in');
    const sql = await weft(['sql', '--study', study, '--csv', "SELECT scope, verification->>'verified' AS verified FROM erasures"]);
    expect(sql.stdout).toBe('scope,verified\r\nparticipant,true\r\n');
  });

  it('refuses to rebuild over a folder that is not a demo study', async () => {
    const other = join(root, 'other');
    expect((await weft(['init', '--study', other])).code).toBe(0);
    const result = await weft(['demo', '--study', other, '--rebuild', '--no-serve']);
    expect(result.code).toBe(9);
    expect(result.stderr).toContain('is not a Weft demo study');
  });

  it('serves the demo after building it', async () => {
    const { child, match } = await weftUntil(['demo', '--study', join(root, 'served'), '--minutes', '0.5'], /(http:\/\/127\.0\.0\.1:\d+\/)#token=([\w-]+)/);
    try {
      const [, base, token] = match;
      const response = await fetch(`${base}api/participant.list`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-weft-token': token ?? '' }, body: '{}' });
      const body = (await response.json()) as { value: { participant_id: string }[] };
      expect(body.value.map((p) => p.participant_id)).toEqual(['P01', 'P02', 'P03', 'P04', 'P05']);
      expect((await fetch(base ?? '')).status).toBe(200);
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('close', resolve));
    }
  });
});
