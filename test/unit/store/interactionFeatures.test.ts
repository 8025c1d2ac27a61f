import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTransactions, type TxRow } from '../../support/fixtures.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

let study: TestStudy;

// One session: step s1 (two errors, a hint, then right), step s2 (three errors, two hints, right),
// then an attempt on another skill with no duration in the log.
const base = { student: 'P01', session: 'S01', condition: 'A', problem: 'EQ-1' } as const;
const at = (i: number): string => `2026-02-03 09:00:${String(i * 5).padStart(2, '0')}`;
const SEQUENCE: TxRow[] = [
  { ...base, time: at(0), step: 's1', outcome: 'INCORRECT', attempt: 1, kc: 'isolate-x' },
  { ...base, time: at(1), step: 's1', outcome: 'INCORRECT', attempt: 2, kc: 'isolate-x' },
  { ...base, time: at(2), step: 's1', type: 'HINT_REQUEST', outcome: 'HINT', attempt: 3, kc: 'isolate-x' },
  { ...base, time: at(3), step: 's1', outcome: 'CORRECT', attempt: 4, kc: 'isolate-x' },
  { ...base, time: at(4), step: 's2', outcome: 'INCORRECT', attempt: 1, kc: 'isolate-x' },
  { ...base, time: at(5), step: 's2', outcome: 'INCORRECT', attempt: 2, kc: 'isolate-x' },
  { ...base, time: at(6), step: 's2', outcome: 'INCORRECT', attempt: 3, kc: 'isolate-x' },
  { ...base, time: at(7), step: 's2', type: 'HINT_REQUEST', outcome: 'HINT', attempt: 4, kc: 'isolate-x' },
  { ...base, time: at(8), step: 's2', type: 'HINT_REQUEST', outcome: 'HINT', attempt: 5, kc: 'isolate-x' },
  { ...base, time: at(9), step: 's2', outcome: 'CORRECT', attempt: 6, kc: 'isolate-x' },
  { ...base, time: at(10), step: 's3', outcome: 'CORRECT', attempt: 1, kc: 'combine-terms', duration: '.' },
];

beforeAll(async () => {
  study = await createTestStudy({ dataBasis: SECONDARY, timeZone: 'UTC' });
  const dir = join(study.root, 'in');
  await mkdir(dir);
  await study.client.call('session.import', { files: [await writeTransactions(dir, SEQUENCE)] });
});
afterAll(async () => {
  await study.close();
});

describe('interaction_features', () => {
  it('computes the canonical features per action, in session order', async () => {
    const { columns, rows } = await study.client.call('sql.query', {
      sql: `SELECT action_index, kind, correct, attempt, help_request, hints_on_step, wrong_past5, help_past5, wrong_past8, help_past8,
                   consecutive_errors, duration_us, time_on_skill_us FROM interaction_features ORDER BY action_index`,
    });
    expect(columns.map((c) => c.name)).toEqual([
      'action_index', 'kind', 'correct', 'attempt', 'help_request', 'hints_on_step', 'wrong_past5', 'help_past5', 'wrong_past8', 'help_past8',
      'consecutive_errors', 'duration_us', 'time_on_skill_us',
    ]);
    const s = 4_000_000;
    expect(rows).toEqual([
      [1, 'attempt', false, 1, false, 0, 0, 0, 0, 0, 1, s, s],
      [2, 'attempt', false, 2, false, 0, 1, 0, 1, 0, 2, s, 2 * s],
      [3, 'hint_request', null, 3, true, 1, 2, 0, 2, 0, 0, s, 3 * s],
      [4, 'attempt', true, 4, false, 1, 2, 1, 2, 1, 0, s, 4 * s],
      [5, 'attempt', false, 1, false, 0, 2, 1, 2, 1, 1, s, 5 * s],
      [6, 'attempt', false, 2, false, 0, 3, 1, 3, 1, 2, s, 6 * s],
      [7, 'attempt', false, 3, false, 0, 3, 1, 4, 1, 3, s, 7 * s],
      [8, 'hint_request', null, 4, true, 1, 3, 1, 5, 1, 0, s, 8 * s],
      [9, 'hint_request', null, 5, true, 2, 3, 1, 5, 2, 0, s, 9 * s],
      [10, 'attempt', true, 6, false, 2, 3, 2, 4, 3, 0, s, 10 * s],
      // No duration in the log: the time since the previous action (5 s) stands in.
      [11, 'attempt', true, 1, false, 0, 2, 2, 3, 3, 0, 5_000_000, 5_000_000],
    ]);
  });
});
