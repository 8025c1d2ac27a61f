import type { Importer } from '../../types.js';
import { redcapConsentCsv } from '../redcapConsentCsv.js';
import { weftAnnotationsCsv } from '../weftAnnotationsCsv.js';
import { weftDemographicsCsv } from '../weftDemographicsCsv.js';

/** What a study records about its participants and recordings: consent, demographics, annotations. */
export const STUDY_RECORD_IMPORTERS: readonly Importer[] = [redcapConsentCsv, weftDemographicsCsv, weftAnnotationsCsv];
