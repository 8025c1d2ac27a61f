import type { Importer } from '../../types.js';
import { assistments2009 } from '../assistments2009.js';
import { assistments2017 } from '../assistments2017.js';
import { caliperJson } from '../caliperJson.js';
import { datashopStep } from '../datashopStep.js';
import { datashopTx } from '../datashopTx.js';
import { genericLog } from '../genericLog.js';
import { moodleLog } from '../moodleLog.js';
import { xapiJson } from '../xapiJson.js';

/** Tutor and learning-platform logs. */
export const INTERACTION_LOG_IMPORTERS: readonly Importer[] = [datashopTx, datashopStep, assistments2009, assistments2017, xapiJson, caliperJson, moodleLog, genericLog];
