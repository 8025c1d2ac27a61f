/** The Weft import manifest: every imported file, whom it belongs to where it doesn't say, and its clock. */
import { MANIFEST_COLUMNS } from '../../../src/core/formats/weftFormats.js';
import type { DemoFormat, WriteResult } from '../files.js';
import { csvLine } from '../format.js';
import { LineWriter } from '../lineWriter.js';

export { MANIFEST_COLUMNS };

export interface ManifestEntry {
  readonly file: string;
  readonly format: DemoFormat;
  readonly participantId?: string;
  readonly sessionId?: string;
  readonly variant?: string;
  readonly lesson?: string;
  readonly sessionStart?: string;
  readonly clockOffsetS?: string;
}

export async function writeManifest(path: string, entries: readonly ManifestEntry[]): Promise<WriteResult> {
  const out = new LineWriter(path);
  await out.meta(MANIFEST_COLUMNS.join(','));
  for (const e of entries) {
    await out.row(csvLine([
      e.file, e.format, e.participantId ?? '', e.sessionId ?? '', e.variant ?? '', e.lesson ?? '',
      e.sessionStart ?? '', e.clockOffsetS ?? '',
    ]));
  }
  const bytes = await out.close();
  return { rows: out.rows, bytes };
}
