import type { Importer } from '../../types.js';
import { emdatSeg } from '../emdatSeg.js';
import { eyeLinkAsc } from '../eyeLink.js';
import { gazepointCsv } from '../gazepointCsv.js';
import { smiBeGazeTxt } from '../smiBeGaze.js';
import { tobii4cFixationsCsv } from '../tobii4cFixations.js';
import { tobiiSdkCsv } from '../tobii4cSdk.js';
import { tobiiProLabTsv } from '../tobiiProLab.js';
import { tobiiStudioTsv } from '../tobiiStudio.js';

/** Eye-tracker exports and the files that go with them (segments). */
export const EYE_TRACKING_IMPORTERS: readonly Importer[] = [tobiiStudioTsv, emdatSeg, eyeLinkAsc, smiBeGazeTxt, gazepointCsv, tobiiSdkCsv, tobii4cFixationsCsv, tobiiProLabTsv];
