import type { Importer } from '../types.js';
import { datashopTx } from './datashopTx.js';
import { emdatSeg } from './emdatSeg.js';
import { redcapConsentCsv } from './redcapConsentCsv.js';
import { tobiiStudioTsv } from './tobiiStudio.js';
import { weftAnnotationsCsv } from './weftAnnotationsCsv.js';
import { weftFaceCsv } from './weftFaceCsv.js';

/** Every format `weft import` understands. Detection asks each; the surest wins. */
export const IMPORTERS: readonly Importer[] = [datashopTx, weftFaceCsv, weftAnnotationsCsv, redcapConsentCsv, tobiiStudioTsv, emdatSeg];
