/** A video or audio track as the container lays it out, on media (presentation) time. */
export interface MediaTrack {
  readonly kind: 'video' | 'audio';
  /** Track id (MP4) or track number (WebM), as MediaInfoLib also numbers it. */
  readonly id: number;
  /** Codec as the container declares it: an RFC 6381 string for MP4 (avc1.640015), the Matroska CodecID for WebM (V_VP8). */
  readonly codec: string;
  readonly width: number | null;
  readonly height: number | null;
  /** Frames (audio: packets) a player shows, after the edit list. */
  readonly frames: number;
  /** Frames (audio: packets) stored in the file. */
  readonly framesInFile: number;
  /** Media time of the first frame shown, microseconds. */
  readonly firstUs: number | null;
  /** Media time at which the last frame shown ends, microseconds. */
  readonly endUs: number | null;
  /** How the times were read (edit list, timestamp scale, ...), for provenance. */
  readonly timing: Record<string, unknown>;
}

export interface MediaLayout {
  /** mp4, mov or webm. */
  readonly container: string;
  readonly tracks: readonly MediaTrack[];
  /** Container facts worth keeping (brands, doc type, boxes or elements read). */
  readonly details: Record<string, unknown>;
}
