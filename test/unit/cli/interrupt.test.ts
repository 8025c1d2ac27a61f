import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../../src/core/api/events.js';
import { cancelJobsOnInterrupt, type InterruptIo } from '../../../src/cli/context.js';
import { EXIT } from '../../../src/cli/exitCodes.js';
import { HAVE_REALDATA, SKIP_REALDATA_REASON, realdata } from '../../support/paths.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

const AS_2017 = realdata('assistments2017', 'assistments2017_train.csv');

function standIns(): InterruptIo & { readonly signals: EventEmitter; readonly written: string[]; readonly exits: number[] } {
  const written: string[] = [];
  const exits: number[] = [];
  return { signals: new EventEmitter(), stderr: { write: (text: string | Uint8Array) => written.push(String(text)) > 0 }, exit: (code) => exits.push(code), written, exits };
}

describe('Ctrl+C in a command', () => {
  let study: TestStudy;
  beforeAll(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
  });
  afterAll(async () => {
    await study.close();
  });

  it('exits at once, with the cancelled exit code, when no job that can stop is running', () => {
    const io = standIns();
    const stop = cancelJobsOnInterrupt(study.client, io);
    io.signals.emit('SIGINT');
    expect(io.exits).toEqual([EXIT.cancelled]);
    stop();
    expect(io.signals.listenerCount('SIGINT') + io.signals.listenerCount('SIGTERM')).toBe(0);
  });

  it.skipIf(!HAVE_REALDATA)(`cancels a running import, which leaves the study unchanged; afterwards Ctrl+C exits${HAVE_REALDATA ? '' : `: skipped, ${SKIP_REALDATA_REASON}`}`, async () => {
    const io = standIns();
    const stop = cancelJobsOnInterrupt(study.client, io);
    let pressed = false;
    const stopWatching = study.client.on((event) => {
      if (event.name !== 'job.progress' || pressed || (event.payload as EventPayload<'job.progress'>).cancellable !== true) return;
      pressed = true;
      io.signals.emit('SIGINT');
    });
    try {
      await expect(study.client.call('session.import', { files: [AS_2017] })).rejects.toMatchObject({ code: 'CANCELLED' });
    } finally {
      stopWatching();
    }
    expect(pressed).toBe(true);
    expect(io.exits).toEqual([]);
    expect(io.written.join('')).toContain('Cancelling; the study stays as it was');
    expect((await study.client.call('sql.query', { sql: 'SELECT count(*) FROM events' })).rows).toEqual([[0]]);
    io.signals.emit('SIGTERM');
    expect(io.exits).toEqual([EXIT.cancelled]);
    stop();
  });
});
