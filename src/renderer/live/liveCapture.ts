import type { FaceLandmarker } from '@mediapipe/tasks-vision';
import type { WeftClient } from '../../core/api/client.js';
import type { FaceLiveStatus } from '../../core/api/faceSchemas.js';
import { landmarkerFromModel, rowOf } from '../extraction/landmarker.js';
import { RowBatcher } from './rowBatcher.js';

/** MediaPipe's WebAssembly, served by Weft beside the UI (scripts/build.mjs copies it). */
const WASM = { wasmLoaderUrl: new URL('mediapipe/vision_wasm_module_internal.js', document.baseURI).href, wasmBinaryUrl: new URL('mediapipe/vision_wasm_module_internal.wasm', document.baseURI).href };

export interface LiveCaptureTarget {
  readonly participantId: string;
  readonly sessionId: string;
  /** Session time, seconds, at which the capture starts. */
  readonly sessionTimeS: number;
}

export interface LiveCaptureEvents {
  /** After each stored batch. */
  readonly onStored: (status: FaceLiveStatus) => void;
  /** Frames seen and faces found so far, after each frame. */
  readonly onFrame: (frames: number, faces: number) => void;
  /** The capture stopped by itself: the backend refused a batch, or the camera ended. */
  readonly onStopped: (error: unknown) => void;
}

/**
 * A live capture: the backend first (it refuses without consent, before the camera opens), then
 * the camera, then MediaPipe on each new camera frame, the same landmarker and row format as the
 * extraction of recordings, rows sent in batches while the capture runs. No video is recorded.
 */
export class LiveCapture {
  private frames = 0;
  private faces = 0;
  private lastUs = 0;
  private running = true;
  private callbackId: number | null = null;

  private constructor(
    private readonly client: WeftClient,
    private readonly liveId: string,
    private readonly stream: MediaStream,
    private readonly video: HTMLVideoElement,
    private readonly landmarker: FaceLandmarker,
    private readonly batcher: RowBatcher,
    private readonly events: LiveCaptureEvents,
  ) {}

  static async start(client: WeftClient, target: LiveCaptureTarget, video: HTMLVideoElement, events: LiveCaptureEvents): Promise<LiveCapture> {
    const { live_id: liveId } = await client.call('face.liveStart', { participant_id: target.participantId, session_id: target.sessionId, session_time_s: target.sessionTimeS });
    let stream: MediaStream | null = null;
    try {
      const model = await client.call('face.model', {});
      const landmarker = await landmarkerFromModel(model, { ...WASM, mode: 'VIDEO' });
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
      video.srcObject = stream;
      video.muted = true;
      await video.play();
      let capture: LiveCapture | null = null;
      const batcher = new RowBatcher({
        send: async (rows) => events.onStored(await client.call('face.liveAppend', { live_id: liveId, rows })),
        onError: (error) => {
          void capture?.stop().finally(() => events.onStopped(error));
        },
        maxRows: 60,
        maxDelayMs: 1000,
      });
      capture = new LiveCapture(client, liveId, stream, video, landmarker, batcher, events);
      for (const track of stream.getVideoTracks()) track.addEventListener('ended', () => void capture?.stop().finally(() => events.onStopped(new Error('the camera stopped'))));
      capture.next();
      return capture;
    } catch (error) {
      for (const track of stream?.getTracks() ?? []) track.stop();
      await client.call('face.liveStop', { live_id: liveId }).catch(() => undefined);
      throw error;
    }
  }

  private next(): void {
    if (!this.running) return;
    this.callbackId = this.video.requestVideoFrameCallback((now) => this.onVideoFrame(now));
  }

  private onVideoFrame(now: DOMHighResTimeStamp): void {
    if (!this.running || this.batcher.stopped) return;
    // Wall-clock capture time, strictly increasing as the backend requires.
    const wallUs = Math.max(this.lastUs + 1, Math.round((performance.timeOrigin + now) * 1000));
    this.lastUs = wallUs;
    const row = rowOf(this.frames, wallUs, this.landmarker.detectForVideo(this.video, now), false);
    this.frames += 1;
    if (row.face) this.faces += 1;
    this.batcher.add(row);
    this.events.onFrame(this.frames, this.faces);
    this.next();
  }

  /** Closes the camera, stores what is still pending and ends the capture on the backend. */
  async stop(): Promise<FaceLiveStatus | null> {
    if (!this.running) return null;
    this.running = false;
    if (this.callbackId !== null) this.video.cancelVideoFrameCallback(this.callbackId);
    for (const track of this.stream.getTracks()) track.stop();
    this.video.srcObject = null;
    await this.batcher.flush();
    this.landmarker.close();
    return this.client.call('face.liveStop', { live_id: this.liveId }).catch(() => null);
  }
}
