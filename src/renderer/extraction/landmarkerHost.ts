import { WeftError } from '../../core/errors.js';
import type { FrameRow } from '../../core/face/extraction.js';
import { SegmentRunner } from './segmentRunner.js';
import type { FromWorker, LandmarkerSetup, SegmentTask, ToWorker } from './workerProtocol.js';

/** A landmarker the coordinator hands segments to, wherever it runs. */
export interface LandmarkerHost {
  readonly thread: 'worker' | 'main';
  runSegment(task: SegmentTask, progress: (frames: number) => void): Promise<FrameRow[]>;
  runImage(url: string): Promise<FrameRow>;
  close(): void;
}

class WorkerHost implements LandmarkerHost {
  readonly thread = 'worker';

  private constructor(private readonly worker: Worker) {}

  static async start(scriptUrl: string, setup: LandmarkerSetup): Promise<WorkerHost> {
    const host = new WorkerHost(new Worker(scriptUrl, { type: 'module', name: 'weft-face-landmarker' }));
    try {
      await host.call({ type: 'init', setup }, () => undefined);
    } catch (error) {
      host.close();
      throw error;
    }
    return host;
  }

  async runSegment(task: SegmentTask, progress: (frames: number) => void): Promise<FrameRow[]> {
    const reply = await this.call({ type: 'segment', task }, progress);
    return reply.type === 'rows' ? reply.rows : [];
  }

  async runImage(url: string): Promise<FrameRow> {
    const reply = await this.call({ type: 'image', url }, () => undefined);
    const row = reply.type === 'rows' ? reply.rows[0] : undefined;
    if (row === undefined) throw new WeftError('INTERNAL', 'the worker returned no row for the image');
    return row;
  }

  close(): void {
    this.worker.terminate();
  }

  /** Sends one request and waits for its answer, passing progress reports on meanwhile. */
  private call(message: ToWorker, progress: (frames: number) => void): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      this.worker.onerror = (event) => reject(new WeftError('INTERNAL', `the landmarker worker failed: ${event.message || 'its script could not be loaded or run'}`));
      this.worker.onmessage = (event: MessageEvent<FromWorker>) => {
        const reply = event.data;
        if (reply.type === 'progress') progress(reply.frames);
        else if (reply.type === 'failed') reject(new WeftError(reply.code, reply.message));
        else resolve(reply);
      };
      this.worker.postMessage(message);
    });
  }
}

class InlineHost implements LandmarkerHost {
  readonly thread = 'main';

  constructor(private readonly runner: SegmentRunner) {}

  runSegment(task: SegmentTask, progress: (frames: number) => void): Promise<FrameRow[]> {
    return this.runner.runSegment(task, progress);
  }

  runImage(url: string): Promise<FrameRow> {
    return this.runner.runImage(url);
  }

  close(): void {
    this.runner.close();
  }
}

/**
 * Starts `count` landmarkers in workers. Where a worker cannot run MediaPipe (no WebGL2 on an
 * OffscreenCanvas, no module workers), one landmarker runs on the page itself, and the reason is
 * kept for the stream's provenance.
 */
export async function startLandmarkers(count: number, workerUrl: string, setup: LandmarkerSetup): Promise<{ hosts: LandmarkerHost[]; note?: string }> {
  let first: LandmarkerHost;
  try {
    first = await WorkerHost.start(workerUrl, setup);
  } catch (error) {
    if (error instanceof WeftError && error.code !== 'INTERNAL') throw error;
    const reason = error instanceof Error ? error.message : String(error);
    return { hosts: [new InlineHost(await SegmentRunner.create(setup))], note: `MediaPipe could not run in a worker (${reason}); it ran on the page's main thread` };
  }
  const rest = await Promise.all(Array.from({ length: count - 1 }, () => WorkerHost.start(workerUrl, setup)));
  return { hosts: [first, ...rest] };
}
