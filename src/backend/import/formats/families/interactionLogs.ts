import type { Importer } from '../../types.js';
import { datashopTx } from '../datashopTx.js';

/** Tutor and learning-platform logs. */
export const INTERACTION_LOG_IMPORTERS: readonly Importer[] = [datashopTx];
