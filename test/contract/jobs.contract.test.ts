import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WeftClient } from '../../src/core/api/client.js';
import type { EventEnvelope, EventPayload } from '../../src/core/api/events.js';
import type { RunningServer } from '../../src/server/httpServer.js';
import { snapshot } from '../support/files.js';
import { httpClient, serveStudyApi } from '../support/httpApi.js';
import { HAVE_REALDATA, SKIP_REALDATA_REASON, realdata } from '../support/paths.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../support/study.js';

type Progress = EventPayload<'job.progress'>;

// 3.6 MB of real ASSISTments actions: an import long enough to be stopped halfway.
const AS_2017 = realdata('assistments2017', 'assistments2017_train.csv');

let study: TestStudy;
let server: RunningServer;

// Each transport gets a fresh study: the file must not be a duplicate there.
beforeEach(async () => {
  study = await createTestStudy({ dataBasis: SECONDARY });
  server = await serveStudyApi(study);
});

afterEach(async () => {
  await server?.close();
  await study?.close();
});

const transports: [string, () => WeftClient][] = [
  ['in-process', () => study.client],
  ['HTTP', () => httpClient(server)],
];

async function rowCounts(): Promise<unknown[][]> {
  return (await study.client.call('sql.query', { sql: `SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM signals), (SELECT count(*) FROM streams), (SELECT count(*) FROM audit_log WHERE action = 'import')` })).rows;
}

describe.each(transports)('jobs.cancel over the %s transport', (_name, makeClient) => {
  it('answers false for a job that is not running', async () => {
    expect(await makeClient().call('jobs.cancel', { job_id: 'no-such-job' })).toEqual({ cancelled: false });
  });

  it.skipIf(!HAVE_REALDATA)(`stops an import halfway, leaves the study as it was, and the same file imports afterwards${HAVE_REALDATA ? '' : `: skipped, ${SKIP_REALDATA_REASON}`}`, async () => {
    const client = makeClient();
    const before = { rows: await rowCounts(), files: await snapshot(study.dir) };
    const progress: Progress[] = [];
    const answers: boolean[] = [];
    let stop = (): void => undefined;
    await new Promise<void>((ready) => {
      stop = client.on((event: EventEnvelope) => {
        if (event.name !== 'job.progress') return;
        const payload = event.payload as Progress;
        progress.push(payload);
        if (payload.cancellable === true && answers.length === 0) {
          answers.push(false);
          void client.call('jobs.cancel', { job_id: payload.job_id }).then(({ cancelled }) => answers.splice(0, 1, cancelled));
        }
      }, ready);
    });
    try {
      await expect(client.call('session.import', { files: [AS_2017] })).rejects.toMatchObject({ code: 'CANCELLED', message: 'Import cancelled; the study is unchanged' });
      await expect.poll(() => progress.at(-1)?.phase, { timeout: 10_000 }).toBe('cancelled');
    } finally {
      stop();
    }
    expect(answers).toEqual([true]);
    const running = progress.filter((p) => p.phase === 'running');
    expect(running.length).toBeGreaterThan(0);
    expect(running.every((p) => p.cancellable === true && p.unit === 'bytes')).toBe(true);
    expect(progress.at(-1)).toMatchObject({ job_id: running[0]?.job_id, cancellable: false });
    expect(progress.at(-1)?.done ?? Infinity).toBeLessThan(progress.at(-1)?.total ?? 0);
    expect(await rowCounts()).toEqual(before.rows);
    expect(await snapshot(study.dir)).toEqual(before.files);

    // Not taken for a duplicate: nothing of the cancelled import was recorded.
    const summary = await client.call('session.import', { files: [AS_2017] });
    expect(summary.files[0]).toMatchObject({ status: 'imported' });
    expect((await rowCounts())[0]?.[0]).not.toEqual(before.rows[0]?.[0]);
    expect(await client.call('jobs.cancel', { job_id: running[0]?.job_id ?? '' })).toEqual({ cancelled: false });
  });
});
