import { extractionJobSchema, type ExtractionEvent } from '../../core/face/extraction.js';
import { runExtraction } from './coordinator.js';
import { failureOf } from './failure.js';

/**
 * The extraction page, opened by a host (the headless runner, or a hidden window of the desktop
 * app) that serves it, the job, the video, the model and MediaPipe's WebAssembly from its own
 * origin. Nothing here reaches beyond that origin.
 */
async function main(): Promise<void> {
  const jobResponse = await fetch('job');
  const job = extractionJobSchema.parse(await jobResponse.json());
  const send = async (event: ExtractionEvent): Promise<void> => {
    const response = await fetch(job.eventsUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
    if (!response.ok) throw new Error(`the host refused the extraction's ${event.type} report (HTTP ${response.status})`);
  };
  document.title = 'Weft face extraction: running';
  try {
    await runExtraction(job, new URL('extraction/worker.js', document.baseURI).href, send);
    document.title = 'Weft face extraction: done';
  } catch (error) {
    document.title = 'Weft face extraction: failed';
    await send({ type: 'failed', ...failureOf(error) });
  }
}

void main();
