import { WeftError } from '../../core/errors.js';
import type { CodedSample } from './videoIndex.js';

const SPAN_BYTES = 4 << 20;

/**
 * Fetches the coded bytes of a run of samples from the host in spans of a few megabytes, so a
 * segment of a long or 4K recording never sits in memory whole.
 */
export class SampleReader {
  private span: { start: number; bytes: Uint8Array; until: number } | null = null;

  constructor(
    private readonly url: string,
    private readonly samples: readonly CodedSample[],
  ) {}

  async bytes(index: number): Promise<Uint8Array> {
    const sample = this.samples[index];
    if (sample === undefined) throw new WeftError('INTERNAL', `no sample ${index}`);
    if (this.span === null || index > this.span.until || sample.offset < this.span.start || sample.offset + sample.size > this.span.start + this.span.bytes.length) {
      this.span = await this.load(index);
    }
    const from = sample.offset - this.span.start;
    return this.span.bytes.subarray(from, from + sample.size);
  }

  private async load(index: number): Promise<{ start: number; bytes: Uint8Array; until: number }> {
    const first = this.samples[index] as CodedSample;
    let start = first.offset;
    let end = first.offset + first.size;
    let until = index;
    for (let i = index + 1; i < this.samples.length; i += 1) {
      const s = this.samples[i] as CodedSample;
      const nextStart = Math.min(start, s.offset);
      const nextEnd = Math.max(end, s.offset + s.size);
      if (nextEnd - nextStart > SPAN_BYTES) break;
      start = nextStart;
      end = nextEnd;
      until = i;
    }
    const response = await fetch(this.url, { headers: { range: `bytes=${start}-${end - 1}` } });
    if (response.status !== 206) throw new WeftError('INTERNAL', `reading the video's bytes ${start}–${end - 1} failed with HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length !== end - start) throw new WeftError('PARSE_ERROR', `the video ends before byte ${end}: it is truncated`);
    return { start, bytes, until };
  }
}
