import { existsSync } from 'node:fs';
import { open, readFile, rename, rm, truncate, type FileHandle } from 'node:fs/promises';
import { WeftError } from '../../core/errors.js';
import type { FrameRow } from '../../core/face/extraction.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { FACE_CSV_HEADER, LANDMARKS_CSV_HEADER, faceCsvLine, landmarksCsvLine } from './faceCsv.js';

/** What must be the same for a resumed run to give the same bytes as an uninterrupted one. */
export interface RunIdentity {
  readonly video_sha256: string;
  readonly model_sha256: string;
  readonly tasks_vision: string;
  readonly browser: string;
  readonly landmarks: boolean;
  readonly segment_frames: number;
  readonly max_input_side: number;
}

interface Checkpoint {
  readonly format: 'weft-face-extraction-checkpoint';
  readonly version: 1;
  readonly identity: RunIdentity;
  /** Every frame before this one is in the partial file(s), nothing after it. */
  readonly next_frame: number;
  readonly csv_bytes: number;
  readonly landmarks_bytes: number;
}

export function landmarksPathFor(csvPath: string): string {
  return csvPath.replace(/(\.csv)?$/i, '.landmarks.csv');
}

/**
 * The face CSV being written: rows go to `<out>.partial` (and `<landmarks>.partial`), and after
 * each segment a checkpoint sidecar records how far the files are complete. A crash leaves both;
 * `--resume` truncates the partial files to the checkpoint and carries on from its frame.
 */
export class ExtractionOutput {
  private csv: FileHandle | null = null;
  private landmarks: FileHandle | null = null;

  private constructor(
    readonly csvPath: string,
    readonly landmarksPath: string | null,
    private readonly identity: RunIdentity,
    private state: { nextFrame: number; csvBytes: number; landmarksBytes: number },
  ) {}

  get nextFrame(): number {
    return this.state.nextFrame;
  }

  static checkpointPath(csvPath: string): string {
    return `${csvPath}.checkpoint.json`;
  }

  static async open(csvPath: string, identity: RunIdentity, resume: boolean): Promise<ExtractionOutput> {
    const landmarksPath = identity.landmarks ? landmarksPathFor(csvPath) : null;
    const checkpointPath = ExtractionOutput.checkpointPath(csvPath);
    for (const path of [csvPath, landmarksPath]) {
      if (path !== null && existsSync(path)) throw new WeftError('CONFLICT', `${path} already exists; Weft does not overwrite it (delete it, or give --out)`, { location: { file: path } });
    }
    const hasCheckpoint = existsSync(checkpointPath);
    if (hasCheckpoint && !resume) {
      throw new WeftError('CONFLICT', `An interrupted extraction left ${csvPath}.partial; run the same command with --resume to continue it, or delete ${checkpointPath} to start over`, { location: { file: checkpointPath } });
    }
    let state = { nextFrame: 0, csvBytes: Buffer.byteLength(FACE_CSV_HEADER), landmarksBytes: landmarksPath === null ? 0 : Buffer.byteLength(LANDMARKS_CSV_HEADER) };
    if (hasCheckpoint) {
      const checkpoint = JSON.parse(await readFile(checkpointPath, 'utf8')) as Checkpoint;
      const changed = Object.entries(identity).filter(([key, value]) => checkpoint.identity[key as keyof RunIdentity] !== value).map(([key]) => key);
      if (changed.length > 0) {
        throw new WeftError('CONFLICT', `The interrupted extraction in ${checkpointPath} was made with a different ${changed.join(', ')}; its rows would not match. Delete ${checkpointPath} and ${csvPath}.partial to start over`, { location: { file: checkpointPath } });
      }
      state = { nextFrame: checkpoint.next_frame, csvBytes: checkpoint.csv_bytes, landmarksBytes: checkpoint.landmarks_bytes };
    }
    const output = new ExtractionOutput(csvPath, landmarksPath, identity, state);
    output.csv = await openPartial(`${csvPath}.partial`, hasCheckpoint ? state.csvBytes : null, FACE_CSV_HEADER);
    if (landmarksPath !== null) output.landmarks = await openPartial(`${landmarksPath}.partial`, hasCheckpoint ? state.landmarksBytes : null, LANDMARKS_CSV_HEADER);
    if (!hasCheckpoint) await output.saveCheckpoint();
    return output;
  }

  /** Appends one segment's rows, which must start at the next frame, and moves the checkpoint past them. */
  async append(rows: readonly FrameRow[]): Promise<void> {
    if (rows.length === 0) return;
    if (rows[0]?.frame !== this.state.nextFrame || rows.some((r, i) => r.frame !== this.state.nextFrame + i)) {
      throw new WeftError('INTERNAL', `the extraction sent frames from ${rows[0]?.frame ?? '?'} where frame ${this.state.nextFrame} was due`);
    }
    const csv = Buffer.from(rows.map(faceCsvLine).join(''), 'utf8');
    await this.write(this.csv, csv, this.state.csvBytes);
    let landmarksBytes = this.state.landmarksBytes;
    if (this.landmarks !== null) {
      const lines = Buffer.from(rows.map(landmarksCsvLine).join(''), 'utf8');
      await this.write(this.landmarks, lines, landmarksBytes);
      landmarksBytes += lines.length;
    }
    this.state = { nextFrame: this.state.nextFrame + rows.length, csvBytes: this.state.csvBytes + csv.length, landmarksBytes };
    await this.saveCheckpoint();
  }

  /** The complete files take their final names; the checkpoint goes. */
  async finish(): Promise<void> {
    await this.close();
    await rename(`${this.csvPath}.partial`, this.csvPath);
    if (this.landmarksPath !== null) await rename(`${this.landmarksPath}.partial`, this.landmarksPath);
    await rm(ExtractionOutput.checkpointPath(this.csvPath), { force: true });
  }

  /** Removes the partial files and the checkpoint: for a run that has nothing worth resuming. */
  async discard(): Promise<void> {
    await this.close();
    for (const path of [`${this.csvPath}.partial`, this.landmarksPath === null ? null : `${this.landmarksPath}.partial`, ExtractionOutput.checkpointPath(this.csvPath)]) {
      if (path !== null) await rm(path, { force: true });
    }
  }

  async close(): Promise<void> {
    await this.csv?.close();
    await this.landmarks?.close();
    this.csv = null;
    this.landmarks = null;
  }

  private async write(handle: FileHandle | null, bytes: Buffer, at: number): Promise<void> {
    if (handle === null) throw new WeftError('INTERNAL', 'the extraction output is closed');
    await handle.write(bytes, 0, bytes.length, at);
    await handle.datasync();
  }

  private async saveCheckpoint(): Promise<void> {
    const checkpoint: Checkpoint = {
      format: 'weft-face-extraction-checkpoint',
      version: 1,
      identity: this.identity,
      next_frame: this.state.nextFrame,
      csv_bytes: this.state.csvBytes,
      landmarks_bytes: this.state.landmarksBytes,
    };
    await writeFileAtomic(ExtractionOutput.checkpointPath(this.csvPath), `${JSON.stringify(checkpoint, null, 2)}\n`);
  }
}

/** A new partial file with its header (`completeBytes` null), or an existing one cut back to what the checkpoint vouches for. */
async function openPartial(path: string, completeBytes: number | null, header: string): Promise<FileHandle> {
  if (completeBytes === null) {
    const handle = await open(path, 'w');
    const bytes = Buffer.from(header, 'utf8');
    await handle.write(bytes, 0, bytes.length, 0);
    await handle.sync();
    return handle;
  }
  if (!existsSync(path)) throw new WeftError('CONFLICT', `The checkpoint says ${path} holds ${completeBytes} bytes, but the file is gone; delete the checkpoint to start over`, { location: { file: path } });
  await truncate(path, completeBytes);
  return open(path, 'r+');
}
