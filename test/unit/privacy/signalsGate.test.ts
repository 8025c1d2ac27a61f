import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAffectInference } from '../../../src/core/privacy/signals.js';
import { writeConsentCsv } from '../../support/fixtures.js';
import { HAVE_REALDATA, realdata } from '../../support/paths.js';
import { createTestStudy, type TestStudy } from '../../support/study.js';

let study: TestStudy;
beforeAll(async () => {
  study = await createTestStudy({ timeZone: 'UTC' });
  const dir = join(study.root, 'in');
  await mkdir(dir);
  await study.client.call('session.import', { files: [await writeConsentCsv(dir, [{ id: 'P01' }, { id: 'P02', refuse: ['affect_inferences'] }])] });
});
afterAll(async () => {
  await study.close();
});

describe('affect inferences another tool made', () => {
  it('are recognised by name', () => {
    for (const name of ['confusion_evidence', 'frustration_intensity', 'joy_evidence', 'confidence_confused', 'valence']) expect(isAffectInference(name), name).toBe(true);
    for (const name of ['gaze_0_x', 'face_rect_width', 'distance_left_mm', 'frame_time_ms']) expect(isAffectInference(name), name).toBe(false);
  });

  it.skipIf(!HAVE_REALDATA)('are kept only with consent to affect inferences (real iMotions 6 export)', async () => {
    const file = realdata('pyfeat_testdata', 'iMotions_Test_v6.txt');
    await study.client.call('session.import', { files: [file], participant_id: 'P01', session_id: 'S01' });
    // A second recording: the same export with one more line end, so it is a different file.
    const copy = join(study.root, 'in', 'P02-iMotions.txt');
    await writeFile(copy, `${await readFile(file, 'utf8')}\n`);
    const refused = await study.client.call('session.import', { files: [copy], participant_id: 'P02', session_id: 'S02' });
    expect(refused.files[0]?.refused).toContainEqual({ participant_id: 'P02', session_id: 'S02', kind: 'signals', modality: 'affect_inferences', consent: 'refused', rows: expect.any(Number) as number });
    const { rows } = await study.client.call('sql.query', {
      sql: `SELECT participant_id, count(*) FILTER (WHERE name = 'confusion_evidence'), count(*) FILTER (WHERE name = 'face_rect_width') FROM signals GROUP BY 1 ORDER BY 1`,
    });
    expect(rows).toEqual([
      ['P01', 304, 304],
      ['P02', 0, 304],
    ]);
  });
});
