import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { WeftError } from '../../core/errors.js';

// The worker's code is a string evaluated by worker_threads so that the same worker runs from
// the TypeScript sources (vitest, tsx), from dist/ and from the packaged app, with no loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
let session = null;
parentPort.on('message', async (msg) => {
  try {
    if (msg.type === 'open') {
      session = await ort.InferenceSession.create(msg.bytes, { intraOpNumThreads: msg.threads, interOpNumThreads: 1, executionMode: 'sequential' });
      parentPort.postMessage({ id: msg.id, ok: true, inputs: session.inputNames, outputs: session.outputNames });
    } else if (msg.type === 'run') {
      const out = await session.run({ [msg.input]: new ort.Tensor('float32', msg.data, msg.dims) });
      const tensor = out[msg.output];
      const data = Float32Array.from(tensor.data);
      parentPort.postMessage({ id: msg.id, ok: true, data, dims: Array.from(tensor.dims) }, [data.buffer]);
    } else if (msg.type === 'close') {
      if (session) await session.release();
      session = null;
      parentPort.postMessage({ id: msg.id, ok: true });
    }
  } catch (error) {
    parentPort.postMessage({ id: msg.id, ok: false, message: String((error && error.message) || error) });
  }
});
`;

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly message?: string;
  readonly data?: Float32Array;
  readonly dims?: number[];
  readonly inputs?: string[];
  readonly outputs?: string[];
}

export interface OnnxWorkerOptions {
  /** ONNX Runtime intra-op threads inside the worker. */
  readonly threads?: number;
  /** Names the model in errors (usually its file). */
  readonly file?: string;
}

/**
 * One onnxruntime-node session in a worker thread: inference never blocks the thread that
 * called it. Close it when done; a crashed worker fails every call in flight.
 */
export class OnnxWorker {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  private names: { inputs: readonly string[]; outputs: readonly string[] } = { inputs: [], outputs: [] };

  private constructor(private readonly worker: Worker) {
    this.listen();
  }

  get inputNames(): readonly string[] {
    return this.names.inputs;
  }

  get outputNames(): readonly string[] {
    return this.names.outputs;
  }

  static async open(bytes: Uint8Array, options: OnnxWorkerOptions = {}): Promise<OnnxWorker> {
    const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
    const handle = new OnnxWorker(new Worker(WORKER_SOURCE, { eval: true, workerData: { ortPath } }));
    try {
      // A copy of our own to transfer: Node's Buffer.slice would share (and detach) the caller's memory.
      const copy = new Uint8Array(bytes);
      const reply = await handle.send({ type: 'open', bytes: copy, threads: options.threads ?? 1 }, [copy.buffer]);
      handle.names = { inputs: reply.inputs ?? [], outputs: reply.outputs ?? [] };
      return handle;
    } catch (error) {
      await handle.worker.terminate();
      throw new WeftError('PARSE_ERROR', `onnxruntime cannot load ${options.file ?? 'the model'}: ${(error as Error).message}`, {
        ...(options.file === undefined ? {} : { location: { file: options.file } }),
        details: { reason: 'onnx_load_failed' },
      });
    }
  }

  private listen(): void {
    this.worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (waiter === undefined) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply);
      else waiter.reject(new Error(reply.message ?? 'inference failed'));
    });
    const fail = (error: Error): void => {
      this.failure = error;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the inference worker exited (code ${code})`)));
  }

  private send(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Reply> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  /** Runs one batch; `data` is copied to the worker, so the caller keeps its array. */
  async run(input: string, output: string, data: Float32Array, dims: readonly number[]): Promise<{ data: Float32Array; dims: number[] }> {
    const copy = data.slice();
    const reply = await this.send({ type: 'run', input, output, data: copy, dims: [...dims] }, [copy.buffer]);
    return { data: reply.data ?? new Float32Array(), dims: reply.dims ?? [] };
  }

  async close(): Promise<void> {
    try {
      if (this.failure === null) await this.send({ type: 'close' });
    } finally {
      await this.worker.terminate();
    }
  }
}
