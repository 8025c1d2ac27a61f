import { WeftError } from '../../core/errors.js';
import { failureOf } from './failure.js';
import { SegmentRunner } from './segmentRunner.js';
import type { FromWorker, ToWorker } from './workerProtocol.js';

/** The dedicated-worker side of the page: one landmarker, one segment at a time. */
interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker): void;
}

const scope = globalThis as unknown as WorkerScope;
let runner: SegmentRunner | null = null;

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'init') {
    runner = await SegmentRunner.create(message.setup);
    scope.postMessage({ type: 'ready' });
    return;
  }
  if (runner === null) throw new WeftError('INTERNAL', 'the worker got work before it was set up');
  if (message.type === 'image') {
    scope.postMessage({ type: 'rows', rows: [await runner.runImage(message.url)] });
    return;
  }
  const rows = await runner.runSegment(message.task, (frames) => scope.postMessage({ type: 'progress', frames }));
  scope.postMessage({ type: 'rows', rows });
}

let queue = Promise.resolve();
scope.onmessage = (event) => {
  queue = queue.then(() => handle(event.data)).catch((error: unknown) => scope.postMessage({ type: 'failed', ...failureOf(error) }));
};
