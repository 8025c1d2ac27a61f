import type { ExtractionOptions, FrameRow } from '../../core/face/extraction.js';
import type { Segment } from './segments.js';
import type { CodedSample } from './videoIndex.js';

/** What a landmarker needs to start: where MediaPipe's WebAssembly and the model are. */
export interface LandmarkerSetup {
  readonly wasmLoaderUrl: string;
  readonly wasmBinaryUrl: string;
  readonly modelUrl: string;
  readonly mode: 'VIDEO' | 'IMAGE';
  readonly options: ExtractionOptions;
}

export interface DecoderSetup {
  readonly codec: string;
  readonly codedWidth: number;
  readonly codedHeight: number;
  readonly description?: Uint8Array;
}

export interface SegmentTask {
  readonly segment: Segment;
  readonly videoUrl: string;
  readonly decoder: DecoderSetup;
  /** Samples firstSample..lastSample of the segment, decode order. */
  readonly samples: readonly CodedSample[];
}

export type ToWorker =
  | { readonly type: 'init'; readonly setup: LandmarkerSetup }
  | { readonly type: 'segment'; readonly task: SegmentTask }
  | { readonly type: 'image'; readonly url: string };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly frames: number }
  | { readonly type: 'rows'; readonly rows: FrameRow[] }
  | { readonly type: 'failed'; readonly code: 'UNSUPPORTED_FORMAT' | 'PARSE_ERROR' | 'INTERNAL'; readonly message: string };
