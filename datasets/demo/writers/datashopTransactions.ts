import { epochUsToLocal } from '../../../src/core/study/instants.js';
import { datashopTime } from '../calendar.js';
import { LineWriter } from '../lineWriter.js';
import { Rng } from '../random.js';
import { DATASHOP_COLUMNS, KC_COLUMNS_PER_STEP } from './datashop.js';

const STUDENTS = 50;

/** DataShop's wall-clock `Time` of a millisecond count, read as the clock's own reading (no zone arithmetic). */
const wallClock = (ms: number): string => datashopTime(epochUsToLocal('UTC', ms * 1000));

/**
 * Writes `count` DataShop transactions in the demo study's export layout (the real export's
 * columns, repeated KC pairs, CF columns), deterministically: students in turn, each in one
 * session of attempts and hint requests a few seconds apart.
 */
export async function writeDatashopTransactions(path: string, count: number): Promise<number> {
  const rng = Rng.stream(20_260_302, 'log-bench');
  const out = new LineWriter(path);
  await out.meta(DATASHOP_COLUMNS.join('\t'));
  const perStudent = Math.ceil(count / STUDENTS);
  const kcNames = ['add-fractions', 'common-denominator', 'simplify', 'equivalent-fractions', 'compare-fractions'];
  let row = 0;
  for (let s = 0; s < STUDENTS && row < count; s += 1) {
    const student = `Stu_${(s * 7919).toString(16).padStart(8, '0')}`;
    const session = `S${String(s + 1).padStart(3, '0')}-2026-03-02`;
    let ms = Date.UTC(2026, 2, 2, 14, 0, 0) + s * 3_600_000;
    let attemptAtStep = 0;
    let problem = 0;
    let step = 0;
    for (let k = 0; k < perStudent && row < count; k += 1) {
      row += 1;
      const gap = 2 + Math.floor(rng.uniform() * 20);
      ms += gap * 1000;
      const hint = rng.uniform() < 0.15;
      const correct = !hint && rng.uniform() < 0.65;
      attemptAtStep += 1;
      const problemName = `FRAC-${1 + problem}`;
      const stepName = `step${1 + step}`;
      const kcs: string[] = [];
      for (let c = 0; c < KC_COLUMNS_PER_STEP; c += 1) kcs.push(c === 0 || step % 2 === 1 ? (kcNames[(problem + step + c) % kcNames.length] ?? '') : '', '');
      const fields = [
        String(row), 'All Data', `tx${row.toString(16).padStart(12, '0')}`, student, session, wallClock(ms), 'US/Eastern', String(gap),
        hint ? 'HINT_REQUEST' : 'ATTEMPT', '', hint ? 'HINT_MSG' : 'RESULT', '',
        'Fractions', `Section ${1 + (problem % 3)}`, problemName, '1', wallClock(ms - gap * 1000), stepName,
        String(attemptAtStep), correct || hint ? '0' : '1', hint ? 'HINT' : correct ? 'CORRECT' : 'INCORRECT', `answer${step}`, hint ? 'ButtonPressed' : 'UpdateTextField', hint ? '-1' : `${3 + step}/4`,
        hint ? 'Find a common denominator first.' : correct ? '' : 'Check the denominator.', '', hint ? String(attemptAtStep) : '', hint ? '3' : '',
        s % 2 === 0 ? 'worked-examples' : 'problem-solving', 'experimental',
        ...kcs,
        'Single-KC', '', `KC${problem * 4 + step}`, '',
        'Pine Ridge Middle School', `Class ${1 + (s % 4)}`, `x/${problem + 2}`, (0.3 + (problem % 5) / 10).toFixed(2),
      ];
      await out.row(fields.join('\t'));
      if (correct) {
        attemptAtStep = 0;
        step += 1;
        if (step === 4) {
          step = 0;
          problem += 1;
        }
      }
    }
  }
  await out.close();
  return out.rows;
}
