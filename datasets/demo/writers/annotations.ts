/** The BROMP coders' affect codes as one Weft annotations CSV. */
import { WEFT_ANNOTATION_COLUMNS } from '../../../src/core/formats/weftFormats.js';
import type { Observation } from '../bromp.js';
import type { WriteResult } from '../files.js';
import { csvLine, fixed } from '../format.js';
import { LineWriter } from '../lineWriter.js';

export const ANNOTATION_COLUMNS = WEFT_ANNOTATION_COLUMNS;
export const AFFECT_TIER = 'affect';

export async function writeAnnotations(path: string, observations: readonly Observation[]): Promise<WriteResult> {
  const out = new LineWriter(path);
  await out.meta(ANNOTATION_COLUMNS.join(','));
  for (const o of observations) {
    await out.row(csvLine([o.sessionId, o.participantId, AFFECT_TIER, o.annotator, o.label, fixed(o.startS, 3), fixed(o.endS, 3), o.note]));
  }
  const bytes = await out.close();
  return { rows: out.rows, bytes };
}
