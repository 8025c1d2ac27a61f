/**
 * One DataShop transaction export (tab-delimited, "Export → Transactions") for all students,
 * sorted by student and time as DataShop exports are.
 */
import { DATASHOP_TIME_ZONE, datashopTime, easternWallClock } from '../calendar.js';
import type { WriteResult } from '../files.js';
import { LineWriter } from '../lineWriter.js';
import type { SessionWorld } from '../session.js';
import { LESSON_TITLE, SCHOOL, VARIANTS } from '../study.js';

/** Steps carry at most two default-model KCs, so the `KC (Default)` pair repeats twice. */
export const KC_COLUMNS_PER_STEP = 2;

export const DATASHOP_COLUMNS: readonly string[] = [
  'Row', 'Sample Name', 'Transaction Id', 'Anon Student Id', 'Session Id', 'Time', 'Time Zone', 'Duration (sec)',
  'Student Response Type', 'Student Response Subtype', 'Tutor Response Type', 'Tutor Response Subtype',
  'Level (Unit)', 'Level (Section)', 'Problem Name', 'Problem View', 'Problem Start Time', 'Step Name',
  'Attempt At Step', 'Is Last Attempt', 'Outcome', 'Selection', 'Action', 'Input', 'Feedback Text',
  'Feedback Classification', 'Help Level', 'Total Num Hints', 'Condition Name', 'Condition Type',
  ...Array.from({ length: KC_COLUMNS_PER_STEP }, () => ['KC (Default)', 'KC Category (Default)']).flat(),
  'KC (Single-KC)', 'KC Category (Single-KC)', 'KC (Unique-step)', 'KC Category (Unique-step)',
  'School', 'Class', 'CF (Equation)', 'CF (Item Difficulty)',
];

const clean = (text: string): string => text.replace(/[\t\r\n]+/g, ' ');

export async function writeDatashop(path: string, worlds: readonly SessionWorld[]): Promise<WriteResult> {
  const out = new LineWriter(path);
  await out.meta(DATASHOP_COLUMNS.join('\t'));
  const uniqueStep = new Map<string, string>();
  let row = 0;
  const sorted = [...worlds].sort((a, b) => a.plan.participantId.localeCompare(b.plan.participantId));
  for (const world of sorted) {
    const { plan } = world;
    const variant = VARIANTS[plan.variant];
    const wallSecond = (sessionS: number): number => Math.floor((plan.sessionStartUtcMs + sessionS * 1000) / 1000);
    const wall = (sessionS: number): string => datashopTime(easternWallClock(wallSecond(sessionS) * 1000));
    let previousSecond = -Infinity;
    for (const tx of world.tutor.transactions) {
      row++;
      const second = wallSecond(tx.tS);
      const problemStartSecond = wallSecond(tx.problemStartS);
      const duration = second - Math.max(previousSecond, problemStartSecond);
      previousSecond = second;
      const stepKey = `${tx.problem.name}|${tx.step.name}`;
      let unique = uniqueStep.get(stepKey);
      if (unique === undefined) {
        unique = `KC${uniqueStep.size + 1}`;
        uniqueStep.set(stepKey, unique);
      }
      const kcs: string[] = [];
      for (let k = 0; k < KC_COLUMNS_PER_STEP; k++) kcs.push(tx.step.kcs[k] ?? '', '');
      const fields = [
        String(row), 'All Data', tx.id, plan.participantId, plan.sessionId, wall(tx.tS), DATASHOP_TIME_ZONE, String(duration),
        tx.responseType, '', tx.responseType === 'ATTEMPT' ? 'RESULT' : 'HINT_MSG', '',
        LESSON_TITLE, tx.section.name, tx.problem.name, '1', wall(tx.problemStartS), tx.step.name,
        String(tx.attemptAtStep), tx.isLastAttempt ? '1' : '0', tx.outcome, tx.selection, tx.action, tx.input, clean(tx.feedback),
        '', tx.helpLevel === null ? '' : String(tx.helpLevel), tx.totalHints === null ? '' : String(tx.totalHints),
        plan.variant, variant.conditionType,
        ...kcs,
        'Single-KC', '', unique, '',
        SCHOOL, plan.className, tx.problem.equation, tx.problem.itemDifficulty,
      ];
      await out.row(fields.join('\t'));
    }
  }
  const bytes = await out.close();
  return { rows: out.rows, bytes };
}
