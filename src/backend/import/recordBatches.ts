import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { WeftError, type ErrorData } from '../../core/errors.js';
import { DatashopAttributesPlan, datashopLayout } from './formats/datashopLayout.js';
import { delimitedBatches } from './formats/logLines.js';
import { readHeader, type Header } from './formats/tabular.js';
import { writeRows, type RowBytes, type RowWriter } from './rowBytes.js';
import type { SourceFile } from './source.js';
import { TextReader, packRecords, unpackRecords, type DelimitedOptions, type DelimitedRecord, type PackedRecords } from './textReader.js';

const BATCH = 2048;
/** Batches a worker reads ahead of the importer: enough to keep both threads busy, few enough to bound memory. */
const READ_AHEAD = 3;

/** Row writers a worker can build from the header it reads, by name. */
const ROW_WRITERS = {
  'datashop-attributes': (header: Header): RowWriter => new DatashopAttributesPlan(datashopLayout(header)),
} as const;
export type RowWriterName = keyof typeof ROW_WRITERS;

export interface RecordBatch {
  /** The records of the batch, blank lines left out. */
  readonly records: DelimitedRecord[];
  /** What the row writer wrote for each record; null without one. */
  readonly rows: RowBytes | null;
  /** Bytes of the file read so far, for progress. */
  readonly bytesRead: number;
  /** Where the batch was read: on a worker thread, or on the importer's own. */
  readonly readOn: 'worker' | 'importer';
}

export interface RecordBatchOptions {
  /** Read and write on a worker thread, while the importer works through the batches already read. */
  readonly worker: boolean;
}

/**
 * The records of a delimited file after its header, in batches, each with the values a named
 * row writer wrote for its records: read on a worker thread, or on this one.
 */
export function recordBatches(file: SourceFile, options: DelimitedOptions, writer: RowWriterName | null, how: RecordBatchOptions): AsyncGenerator<RecordBatch> {
  return how.worker ? batchesFromWorker({ file, options, writer }) : readBatches(file, options, writer);
}

/** The one reading behind both: on the worker thread, and on the importer's own when there is none. */
export async function* readBatches(file: SourceFile, options: DelimitedOptions, writerName: RowWriterName | null): AsyncGenerator<RecordBatch> {
  const reader = TextReader.open(file);
  try {
    const header = await readHeader(reader, options);
    const writer = writerName === null ? null : ROW_WRITERS[writerName](header);
    for await (const records of delimitedBatches(reader, options, BATCH)) {
      yield { records, rows: writer === null ? null : writeRows(writer, records), bytesRead: reader.bytesRead, readOn: 'importer' };
    }
  } finally {
    await reader.close();
  }
}

export interface RecordWorkerData {
  readonly file: SourceFile;
  readonly options: DelimitedOptions;
  readonly writer: RowWriterName | null;
}

/** What the importer's thread tells the worker: read a file as job `job`, read one batch more, or stop. */
export type RecordWorkerRequest =
  | { readonly type: 'read'; readonly job: number; readonly data: RecordWorkerData }
  | { readonly type: 'more' | 'stop'; readonly job: number };

export type RecordWorkerMessage = { readonly job: number } & (
  | { readonly type: 'batch'; readonly packed: PackedRecords; readonly rows: RowBytes | null; readonly bytesRead: number }
  | { readonly type: 'end' }
  | { readonly type: 'error'; readonly error: ErrorData }
);

/**
 * One worker for the process, kept between imports so that its compiled code stays warm; it
 * reads one file at a time, and holds the process open only while it does.
 */
let shared: { readonly worker: Worker; busy: boolean } | null = null;
let jobs = 0;

function acquireWorker(): Worker | null {
  if (shared === null) {
    const worker = startWorker();
    const entry = { worker, busy: false };
    const forget = (): void => {
      if (shared === entry) shared = null;
    };
    worker.on('error', forget);
    worker.on('exit', forget);
    shared = entry;
  }
  if (shared.busy) return null;
  shared.busy = true;
  shared.worker.ref();
  return shared.worker;
}

function releaseWorker(worker: Worker): void {
  if (shared?.worker !== worker) return;
  shared.busy = false;
  worker.unref();
}

/** Batches read by the worker; read on this thread instead when it is busy with another file or cannot start. */
async function* batchesFromWorker(data: RecordWorkerData): AsyncGenerator<RecordBatch> {
  let worker: Worker | null;
  try {
    worker = acquireWorker();
  } catch {
    worker = null;
  }
  if (worker === null) {
    yield* readBatches(data.file, data.options, data.writer);
    return;
  }
  const job = (jobs += 1);
  const inbox: RecordWorkerMessage[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    wake?.();
    wake = null;
  };
  const onMessage = (message: RecordWorkerMessage): void => {
    if (message.job !== job) return;
    inbox.push(message);
    notify();
  };
  const onError = (error: Error): void => {
    failure = error;
    notify();
  };
  const onExit = (): void => onError(new WeftError('INTERNAL', `The worker reading ${data.file.path} stopped`));
  worker.on('message', onMessage);
  worker.on('error', onError);
  worker.on('exit', onExit);
  const send = (request: RecordWorkerRequest): void => worker.postMessage(request);
  let received = 0;
  let finished = false;
  try {
    send({ type: 'read', job, data });
    for (;;) {
      while (inbox.length === 0 && failure === null) await new Promise<void>((resolve) => (wake = resolve));
      const message = inbox.shift();
      if (message === undefined) {
        finished = true;
        // A worker that could not load its code (an app packed in a way worker threads cannot read from) has read nothing yet.
        if (received > 0) throw failure as unknown as Error;
        yield* readBatches(data.file, data.options, data.writer);
        return;
      }
      if (message.type === 'end') {
        finished = true;
        return;
      }
      if (message.type === 'error') {
        finished = true;
        throw WeftError.fromData(message.error);
      }
      received += 1;
      send({ type: 'more', job });
      yield { records: unpackRecords(message.packed), rows: message.rows, bytesRead: message.bytesRead, readOn: 'worker' };
    }
  } finally {
    if (!finished) send({ type: 'stop', job });
    worker.off('message', onMessage);
    worker.off('error', onError);
    worker.off('exit', onExit);
    releaseWorker(worker);
  }
}

/**
 * The worker runs recordWorker.js beside this module; from the TypeScript sources (tests, tsx)
 * it is recordWorker.ts, which a worker thread loads through tsx.
 */
function startWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./recordWorker.js', here), { name: 'weft-record-reader' });
  const script = new URL('./recordWorker.ts', here).href;
  const api = pathToFileURL(createRequire(here).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const code = `import { tsImport } from ${JSON.stringify(api)}; await tsImport(${JSON.stringify(script)}, ${JSON.stringify(here)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { name: 'weft-record-reader' });
}

interface WorkerPort {
  postMessage(message: RecordWorkerMessage, transfer?: ArrayBuffer[]): void;
  on(event: 'message', listener: (request: RecordWorkerRequest) => void): void;
}

/** The file a worker is reading: how many batches it may still post, and whether the importer stopped. */
interface WorkerJob {
  readonly job: number;
  credit: number;
  stopped: boolean;
  resume: (() => void) | null;
}

/** Runs on the worker thread: reads each file asked for, READ_AHEAD batches ahead of the importer, posting each. */
export function serveRecordBatches(port: WorkerPort): void {
  let current: WorkerJob | null = null;
  port.on('message', (request) => {
    if (request.type === 'read') {
      current = { job: request.job, credit: READ_AHEAD, stopped: false, resume: null };
      void serve(current, request.data);
      return;
    }
    if (current?.job !== request.job) return;
    if (request.type === 'more') current.credit += 1;
    else current.stopped = true;
    current.resume?.();
    current.resume = null;
  });

  async function serve(state: WorkerJob, data: RecordWorkerData): Promise<void> {
    const { job } = state;
    try {
      for await (const batch of readBatches(data.file, data.options, data.writer)) {
        while (state.credit === 0 && !state.stopped) await new Promise<void>((resolve) => (state.resume = resolve));
        if (state.stopped) return;
        state.credit -= 1;
        const packed = packRecords(batch.records);
        const transfer = [packed.lines.buffer, packed.widths.buffer, packed.starts.buffer] as ArrayBuffer[];
        if (batch.rows !== null) transfer.push(batch.rows.bytes.buffer as ArrayBuffer, batch.rows.ends.buffer as ArrayBuffer, batch.rows.keys.buffer as ArrayBuffer);
        port.postMessage({ job, type: 'batch', packed, rows: batch.rows, bytesRead: batch.bytesRead }, transfer);
      }
      port.postMessage({ job, type: 'end' });
    } catch (error) {
      const weft = error instanceof WeftError ? error : new WeftError('INTERNAL', `Reading ${data.file.path} failed: ${error instanceof Error ? error.message : String(error)}`);
      port.postMessage({ job, type: 'error', error: weft.toData() });
    }
  }
}
