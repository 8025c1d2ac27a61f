import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../src/core/api/events.js';
import { ProgressRenderer } from '../../../src/cli/progress.js';

function render(payloads: EventEnvelope<'job.progress'>['payload'][]): string {
  let text = '';
  const stream = { isTTY: false, columns: 100, write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream;
  const renderer = new ProgressRenderer(stream);
  payloads.forEach((payload, seq) => renderer.onEvent({ seq, name: 'job.progress', payload }));
  return text;
}

describe('progress lines outside a terminal', () => {
  it('print one line when a job ends, with its message when it is done', () => {
    expect(
      render([
        { job_id: 'j', label: 'Import', phase: 'running', done: 10, total: 100, unit: 'bytes' },
        { job_id: 'j', label: 'Import', phase: 'done', done: 1_000, total: 1_000, unit: 'bytes', message: '2 files' },
      ]),
    ).toBe('Import: done (1,000 of 1,000 bytes) 2 files\n');
  });

  it('leave a failed job\'s message to the error weft prints after it, so it is not said twice', () => {
    expect(render([{ job_id: 'j', label: 'Importing a.csv', phase: 'failed', done: 5, total: 9, unit: 'bytes', message: 'a.csv does not say which participant it belongs to' }])).toBe(
      'Importing a.csv: failed (5 of 9 bytes)\n',
    );
  });
});
