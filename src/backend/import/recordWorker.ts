import { parentPort } from 'node:worker_threads';
import { serveRecordBatches } from './recordBatches.js';

if (parentPort !== null) serveRecordBatches(parentPort);
