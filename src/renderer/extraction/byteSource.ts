import { WeftError } from '../../core/errors.js';

/** Random access to the bytes of a recording, without holding all of it in memory. */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A file served over HTTP with byte ranges (Weft's own loopback server). */
export async function openHttpSource(url: string): Promise<ByteSource> {
  const probe = await fetch(url, { headers: { range: 'bytes=0-0' } });
  const total = /\/(\d+)$/.exec(probe.headers.get('content-range') ?? '')?.[1];
  await probe.body?.cancel();
  if (probe.status !== 206 || total === undefined) {
    throw new WeftError('INTERNAL', `the video's address (${url}) answered ${probe.status} without a byte range`);
  }
  const size = Number(total);
  return {
    size,
    async read(offset, length) {
      const end = Math.min(size, offset + length);
      if (end <= offset) return new Uint8Array(0);
      const response = await fetch(url, { headers: { range: `bytes=${offset}-${end - 1}` } });
      if (response.status !== 206) throw new WeftError('INTERNAL', `reading bytes ${offset}–${end - 1} of the video failed with HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

/** A file the user picked or a recording in memory. */
export function blobSource(blob: Blob): ByteSource {
  return {
    size: blob.size,
    async read(offset, length) {
      return new Uint8Array(await blob.slice(offset, Math.min(blob.size, offset + length)).arrayBuffer());
    },
  };
}
