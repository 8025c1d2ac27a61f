import { WeftError } from '../../../core/errors.js';
import { FACE_FEATURE_COLUMNS } from '../../../core/face/featureSchema.js';
import type { TextReader } from '../textReader.js';
import type { Importer, ParseContext, StreamWriter } from '../types.js';
import { FaceLineScanner, fieldRecord, lineRecord } from './faceLineScanner.js';
import { OpenFaceFrames } from './openFaceFrames.js';
import { openFaceLayout, openFaceProvenance, type OpenFaceLayout } from './openFaceLayout.js';
import { NumberReader, checkWidth, firstLine, readHeader, type Header } from './tabular.js';

const COMMA = ','.charCodeAt(0);
const PROGRESS_EVERY = 1024;
const SIGNATURE = ['frame', 'timestamp', 'confidence', 'success'];
const FEATURE_HINT = /^(AU\d{2}_[rc]|pose_R[xyz]|gaze_0_x)$/;

function headerNames(text: string): string[] {
  return firstLine(text).split(',').map((name) => name.trim());
}

const isBlank = (line: string): boolean => line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '');

/**
 * NaN as the C runtime OpenFace was built with prints it: "-nan" (glibc), "-nan(ind)" (MSVC),
 * "1.#QNAN" (older MSVC). Missing, like the "nan" the NumberReader already knows.
 */
const C_RUNTIME_NAN = /^[+-]?nan(?:\((?:ind|snan)\))?$|^[+-]?1\.#(?:QNAN|IND|SNAN)0*$/i;

/** Reads the numbers the scanner left alone through the NumberReader: missing values, repairs, errors. */
function readRemaining(scanner: FaceLineScanner, layout: OpenFaceLayout, numbers: NumberReader, line: string, lineNumber: number): void {
  for (let k = 0; k < scanner.pending; k += 1) {
    const slot = scanner.needsReading[k] as number;
    const record = fieldRecord(line, lineNumber, scanner.starts[slot] as number, scanner.ends[slot] as number);
    const text = record.field(0) ?? '';
    scanner.values[slot] = C_RUNTIME_NAN.test(text) ? Number.NaN : (numbers.read(record, 0, layout.slots[slot]?.column ?? '') ?? Number.NaN);
  }
}

function requiredValue(scanner: FaceLineScanner, layout: OpenFaceLayout, numbers: NumberReader, slot: number, line: string, lineNumber: number): number {
  const value = scanner.values[slot] as number;
  if (!Number.isNaN(value)) return value;
  const record = fieldRecord(line, lineNumber, scanner.starts[slot] as number, scanner.ends[slot] as number);
  throw numbers.error(record, 0, `column "${layout.slots[slot]?.column ?? ''}" is empty; it needs a number here`);
}

interface Body {
  readonly ctx: ParseContext;
  readonly reader: TextReader;
  readonly header: Header;
  readonly layout: OpenFaceLayout;
  readonly numbers: NumberReader;
}

/** Counts face 0's rows for a stream the participant has not consented to, reading nothing else. */
async function countRefused({ ctx, reader, layout }: Body, writer: StreamWriter): Promise<void> {
  const empty = new Float64Array(FACE_FEATURE_COLUMNS.length);
  const faceIdOnly = new Int32Array(layout.width).fill(-1);
  if (layout.faceId !== undefined) faceIdOnly[layout.slots[layout.faceId]?.index ?? 0] = 0;
  const scanner = new FaceLineScanner(faceIdOnly, COMMA);
  for (let count = 0; ; count += 1) {
    const line = await reader.readLine();
    if (line === null) break;
    if (count % PROGRESS_EVERY === 0) ctx.sink.progress(reader.bytesRead);
    if (isBlank(line)) continue;
    if (layout.faceId !== undefined) {
      scanner.scan(line, false);
      if (scanner.values[0] !== 0) continue;
    }
    writer.faceFrame(0, null, empty);
  }
}

/**
 * The first frame number says whether the file counts frames from 1, as OpenFace does, or from
 * 0; null when the file has no data rows.
 */
async function frameOffsetOf(body: Body): Promise<number | null> {
  for (;;) {
    const line = await body.reader.peekLine();
    if (line === null) return null;
    if (!isBlank(line)) {
      const index = body.layout.slots[body.layout.frame]?.index ?? 0;
      return Number(line.split(',', index + 1)[index]) === 0 ? 0 : 1;
    }
    await body.reader.readLine();
  }
}

async function readRows(body: Body, writer: StreamWriter, frameOffset: number): Promise<void> {
  const { ctx, reader, header, layout, numbers } = body;
  const path = ctx.file.path;
  const scanner = new FaceLineScanner(layout.slotOfColumn, COMMA);
  const frames = new OpenFaceFrames(path, layout, writer, frameOffset);
  const row = { line: 0, frame: 0, faceId: 0, success: 0 as 0 | 1, timeUs: 0, values: scanner.values };
  for (let count = 0; ; count += 1) {
    const lineNumber = reader.line;
    const line = await reader.readLine();
    if (line === null) break;
    if (count % PROGRESS_EVERY === 0) ctx.sink.progress(reader.bytesRead);
    if (isBlank(line)) continue;
    scanner.scan(line);
    if (scanner.fields !== layout.width) checkWidth(path, header, lineRecord(line, lineNumber, ','), 'comma');
    if (scanner.pending > 0) readRemaining(scanner, layout, numbers, line, lineNumber);
    const success = requiredValue(scanner, layout, numbers, layout.success, line, lineNumber);
    if (success !== 0 && success !== 1) {
      const record = fieldRecord(line, lineNumber, scanner.starts[layout.success] as number, scanner.ends[layout.success] as number);
      throw numbers.error(record, 0, `success must be 1 or 0, not "${record.field(0)?.trim() ?? ''}"`);
    }
    row.line = lineNumber;
    row.frame = requiredValue(scanner, layout, numbers, layout.frame, line, lineNumber);
    row.faceId = layout.faceId === undefined ? 0 : requiredValue(scanner, layout, numbers, layout.faceId, line, lineNumber);
    row.success = success;
    row.timeUs = requiredValue(scanner, layout, numbers, layout.timestamp, line, lineNumber) * 1e6;
    frames.add(row);
  }
  frames.finish(ctx.sink);
}

/**
 * OpenFace FeatureExtraction (and FaceLandmarkVidMulti) CSV, 1.x and 2.x: action units, head
 * pose and gaze angles into face_frames; landmarks are never read (docs: openFaceLayout.ts).
 */
export const openFaceCsv: Importer = {
  format: 'openface-csv',
  title: 'OpenFace FeatureExtraction CSV (1.x, 2.x)',
  phase: 'data',

  detect(file) {
    const names = headerNames(file.headText);
    if (SIGNATURE.every((name) => names.includes(name)) && names.some((name) => FEATURE_HINT.test(name))) return 1;
    // FaceLandmarkImg's per-image output: recognised so that parse can say why it is refused.
    if (names[0] === 'face' && names[1] === 'confidence' && names.some((name) => FEATURE_HINT.test(name))) return 0.5;
    return 0;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const reader = ctx.openText();
    try {
      const header = await readHeader(reader, { delimiter: ',', quote: '"' });
      if (header.record.field(0)?.trim() === 'face' && !header.has('timestamp')) {
        throw new WeftError('UNSUPPORTED_FORMAT', `${path} is OpenFace's output for still images (FaceLandmarkImg: "face, confidence, ..."): it has no frames or timestamps to put on a session timeline. Run FeatureExtraction on the video instead`, {
          location: { file: path, line: 1, column: 1 },
        });
      }
      const layout = openFaceLayout(path, header);
      const body: Body = { ctx, reader, header, layout, numbers: new NumberReader(path) };
      const frameOffset = await frameOffsetOf(body);
      if (frameOffset === null) {
        ctx.sink.warn({ message: 'the file has a header but no frames; nothing was imported from it', location: { file: path, line: 2 } });
        return;
      }
      const writer = await ctx.sink.openStream({ kind: 'face_features', target: {}, time: { kind: 'relative' }, provenance: openFaceProvenance(layout, frameOffset) });
      if (writer.accepted) await readRows(body, writer, frameOffset);
      else await countRefused(body, writer);
      body.numbers.flushWarnings(ctx.sink);
    } finally {
      await reader.close();
    }
  },
};
