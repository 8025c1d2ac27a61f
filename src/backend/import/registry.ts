import { WeftError } from '../../core/errors.js';
import type { SourceHead } from './source.js';
import type { Importer } from './types.js';
import { IMPORTERS } from './formats/index.js';

export function importerFor(format: string): Importer {
  const importer = IMPORTERS.find((i) => i.format === format);
  if (importer === undefined) {
    throw new WeftError('UNSUPPORTED_FORMAT', `Unknown format "${format}". Known formats: ${IMPORTERS.map((i) => i.format).join(', ')}`);
  }
  return importer;
}

/** Picks the importer most sure the file is its format, judging by contents only. */
export function detectImporter(file: SourceHead): Importer {
  let best: { importer: Importer; score: number } | undefined;
  for (const importer of IMPORTERS) {
    const score = importer.detect(file);
    if (score > 0 && (best === undefined || score > best.score)) best = { importer, score };
  }
  if (best === undefined) {
    throw new WeftError(
      'UNSUPPORTED_FORMAT',
      `${file.path}: Weft does not recognise this file's format from its contents. Give --format (one of: ${IMPORTERS.map((i) => i.format).join(', ')}), or see docs/formats.md`,
      { location: { file: file.path, line: 1 } },
    );
  }
  return best.importer;
}
