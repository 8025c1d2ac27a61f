import type { Importer } from '../../types.js';
import { emdatSeg } from '../emdatSeg.js';
import { tobiiStudioTsv } from '../tobiiStudio.js';

/** Eye-tracker exports and the files that go with them (segments). */
export const EYE_TRACKING_IMPORTERS: readonly Importer[] = [tobiiStudioTsv, emdatSeg];
