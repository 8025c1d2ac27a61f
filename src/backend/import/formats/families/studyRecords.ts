import type { Importer } from '../../types.js';
import { redcapConsentCsv } from '../redcapConsentCsv.js';
import { weftAnnotationsCsv } from '../weftAnnotationsCsv.js';

/** What a study records about its recordings: consent, annotations. */
export const STUDY_RECORD_IMPORTERS: readonly Importer[] = [redcapConsentCsv, weftAnnotationsCsv];
