import { BLENDSHAPE_NAMES, FACE_FEATURE_COLUMNS, blendshapeColumn } from '../../../core/face/featureSchema.js';
import { WEFT_FACE_COLUMNS, WEFT_FACE_LEADING_COLUMNS } from '../../../core/formats/weftFormats.js';
import type { Importer, ParseContext } from '../types.js';
import { readHeader, NumberReader, checkWidth, firstLine, recordError } from './tabular.js';

const LEADING = WEFT_FACE_LEADING_COLUMNS;

const featureIndex = (name: string): number => FACE_FEATURE_COLUMNS.findIndex((c) => c.name === name);
const SUCCESS = featureIndex('success');
const CONFIDENCE = featureIndex('confidence');
const FACE_COUNT = featureIndex('face_count');
const POSE = [featureIndex('head_yaw_deg'), featureIndex('head_pitch_deg'), featureIndex('head_roll_deg')] as const;
const BLENDSHAPES = BLENDSHAPE_NAMES.map((name) => featureIndex(blendshapeColumn(name)));

/** Weft's own face-feature CSV (docs/formats.md), as `weft extract-face` writes it. */
export const weftFaceCsv: Importer = {
  format: 'weft-face-csv',
  title: 'Weft face features CSV (MediaPipe blendshapes)',
  phase: 'data',

  detect(file) {
    const header = firstLine(file.headText).split(',');
    return header.length === WEFT_FACE_COLUMNS.length && header[0] === 'frame' && header[1] === 'media_time_us' && header.includes('browDownLeft') ? 1 : 0;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const reader = ctx.openText();
    try {
      const options = { delimiter: ',', quote: '"' };
      const header = await readHeader(reader, options);
      const headerRecord = header.record;
      WEFT_FACE_COLUMNS.forEach((name, i) => {
        if (headerRecord.fields[i]?.trim() !== name) {
          throw recordError(path, headerRecord, `expected column "${name}" here (see docs/formats.md, Weft face features CSV)`, Math.min(i, headerRecord.fields.length - 1));
        }
      });
      const writer = await ctx.sink.openStream({
        kind: 'face_features',
        target: {},
        time: { kind: 'relative' },
        provenance: { format: 'weft-face-csv', columns: 'MediaPipe Face Landmarker v2 blendshapes' },
      });
      const numbers = new NumberReader(path);
      const features = new Float64Array(FACE_FEATURE_COLUMNS.length);
      for (;;) {
        const records = await reader.readRecords(options, 1024);
        if (records.length === 0) break;
        ctx.sink.progress(reader.bytesRead);
        if (!writer.accepted) {
          for (const record of records) if (record.width > 0) writer.faceFrame(0, null, features);
          continue;
        }
        for (const record of records) {
          if (record.width === 0) continue;
          checkWidth(path, header, record, 'comma');
          const frame = numbers.required(record, 0, 'frame');
          const t = numbers.required(record, 1, 'media_time_us');
          const present = numbers.required(record, 2, 'face_present');
          if (present !== 0 && present !== 1) throw numbers.error(record, 2, `face_present must be 1 or 0, not "${record.field(2) ?? ''}"`);
          features.fill(Number.NaN);
          features[SUCCESS] = present;
          features[FACE_COUNT] = present;
          if (present === 1) {
            features[CONFIDENCE] = numbers.read(record, 3, 'confidence') ?? Number.NaN;
            POSE.forEach((target, k) => {
              features[target] = numbers.read(record, 4 + k, LEADING[4 + k] as string) ?? Number.NaN;
            });
            BLENDSHAPES.forEach((target, k) => {
              features[target] = numbers.read(record, LEADING.length + k, BLENDSHAPE_NAMES[k] as string) ?? Number.NaN;
            });
          }
          writer.faceFrame(t, frame, features, record.line);
        }
      }
      numbers.flushWarnings(ctx.sink);
    } finally {
      await reader.close();
    }
  },
};
