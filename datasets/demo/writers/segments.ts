/**
 * An EMDAT segment file per recording: one line per problem the student worked on, grouped in
 * scenes by lesson section, with start and end in milliseconds of the eye tracker's recording
 * clock (as EMDAT expects, and as the tutor's LogData markers let a researcher derive them).
 */
import type { WriteResult } from '../files.js';
import { LineWriter } from '../lineWriter.js';
import type { SessionWorld } from '../session.js';
import { trackerMicros } from '../study.js';

export async function writeSegments(path: string, world: SessionWorld): Promise<WriteResult> {
  const { tracker } = world.plan;
  const ms = (sessionS: number): number => Math.round(trackerMicros(tracker, sessionS) / 1000);
  const out = new LineWriter(path);
  for (const visit of world.tutor.visits) {
    await out.row([visit.section.id, visit.problem.name, String(ms(visit.startS)), String(ms(visit.endS))].join('\t'));
  }
  const bytes = await out.close();
  return { rows: out.rows, bytes };
}
