import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload, EventSink } from '../../../src/core/api/events.js';
import { extractionJobSchema, type ExtractionEvent, type ExtractionJob, type ExtractionPlan } from '../../../src/core/face/extraction.js';
import { Workspace } from '../../../src/backend/workspace.js';
import { createClient } from '../../../src/core/api/client.js';
import { createInProcessTransport } from '../../../src/core/api/inProcess.js';
import { sha256OfFile, type VerifiedModel } from '../../../src/backend/face/model.js';
import { leavesLoopback, type ExtractionPageHost, type PageWatch } from '../../../src/backend/face/pageHost.js';
import { extractFaceFeatures, type FaceExtractionRequest } from '../../../src/backend/face/runner.js';
import { REPO_ROOT, SHARED, tempDir } from '../../support/paths.js';
import { SECONDARY } from '../../support/study.js';

/**
 * The runner's side of the page-host contract, with a host whose "page" is this test speaking the
 * extraction page's protocol to the run's real loopback server: whatever a host reports (a
 * refused request, a crash, an uncaught error) must end the run the same way on every host.
 */

interface ScriptedPage {
  readonly job: ExtractionJob;
  readonly watch: PageWatch;
  post(event: ExtractionEvent): Promise<void>;
}

interface ScriptedHost extends ExtractionPageHost {
  /** How many pages are open right now. */
  readonly open: () => number;
}

const BROWSER = 'Scripted page 1.0';

function scriptedHost(play: (page: ScriptedPage) => Promise<void>): ScriptedHost {
  let open = 0;
  return {
    open: () => open,
    async withPage(fn) {
      open += 1;
      try {
        return await fn({
          browser: BROWSER,
          open: async (url, watch) => {
            watch.onRequest(url);
            const page = await fetch(url);
            if (!page.ok) throw new Error(`${url}: HTTP ${page.status}`);
            const jobUrl = new URL('job', url).href;
            watch.onRequest(jobUrl);
            const job = extractionJobSchema.parse(await (await fetch(jobUrl)).json());
            const post = async (event: ExtractionEvent): Promise<void> => {
              watch.onRequest(job.eventsUrl);
              const response = await fetch(job.eventsUrl, { method: 'POST', body: JSON.stringify(event) });
              if (!response.ok) throw new Error(`${job.eventsUrl}: HTTP ${response.status} ${await response.text()}`);
            };
            // Like a real page, it goes on working after it has loaded.
            void play({ job, watch, post }).catch(() => undefined);
          },
        });
      } finally {
        open -= 1;
      }
    },
  };
}

function plan(frames: number, segmentFrames: number): ExtractionPlan {
  return {
    container: 'mp4',
    codec: 'avc1.42e01e',
    codedWidth: 64,
    codedHeight: 48,
    frames,
    firstFrameUs: 0,
    lastFrameUs: (frames - 1) * 40_000,
    segmentStarts: Array.from({ length: Math.ceil(frames / segmentFrames) }, (_, i) => i * segmentFrames),
    timing: {},
    runtime: { userAgent: BROWSER, landmarkerThread: 'worker', workers: 1 },
  };
}

/** Posts the plan, then each segment from the job's start frame; stopAfter ends the script early. */
async function playFrames(page: ScriptedPage, frames: number, segmentFrames: number, stopAfter = Infinity): Promise<void> {
  await page.post({ type: 'plan', plan: plan(frames, segmentFrames) });
  let segments = 0;
  for (let start = page.job.startFrame; start < frames; start += segmentFrames) {
    if (segments === stopAfter) return;
    const rows = Array.from({ length: Math.min(segmentFrames, frames - start) }, (_, i) => ({ frame: start + i, t: (start + i) * 40_000, face: false }));
    await page.post({ type: 'frames', segment: start / segmentFrames, rows });
    segments += 1;
  }
  await page.post({ type: 'done' });
}

describe('the runner on a page host', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let base: Omit<FaceExtractionRequest, 'outPath'>;
  let runs = 0;
  const out = (): string => join(dir, `run-${++runs}.face.csv`);

  beforeAll(async () => {
    ({ dir, remove } = await tempDir('weft-page-host-'));
    const rendererDir = join(dir, 'renderer');
    await mkdir(join(rendererDir, 'mediapipe'), { recursive: true });
    await writeFile(join(rendererDir, 'extraction.html'), '<!doctype html><title>extraction</title>');
    await writeFile(join(dir, 'clip.mp4'), Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251)));
    await writeFile(join(dir, 'model.task'), 'not a real model: the scripted page never loads it');
    const model: VerifiedModel = { path: join(dir, 'model.task'), sha256: await sha256OfFile(join(dir, 'model.task')), bytes: 51 };
    base = { videoPath: join(dir, 'clip.mp4'), model, rendererDir, options: { segmentFrames: 2, workers: 1 }, stallTimeoutMs: 10_000 };
  });

  afterAll(async () => {
    await remove?.();
  });

  it('runs a whole extraction on a host that is not Chromium, recording the host\'s browser and every request', async () => {
    const host = scriptedHost((page) => playFrames(page, 5, 2));
    const result = await extractFaceFeatures({ ...base, outPath: out(), pageHost: host });
    expect(result.browser).toBe(BROWSER);
    expect(result.frames).toBe(5);
    expect(result.framesThisRun).toBe(5);
    const lines = (await readFile(result.csvPath, 'utf8')).trimEnd().split('\n');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual(['0,0,0', '1,40000,0', '2,80000,0', '3,120000,0', '4,160000,0']);
    expect(result.requests[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[\w-]+\/extraction\.html$/);
    expect(result.requests.filter((u) => u.endsWith('/events'))).toHaveLength(1 + 3 + 1);
    expect(result.requests.filter(leavesLoopback)).toEqual([]);
    expect(host.open()).toBe(0);
    // No page report of frames inferred: the whole run counts as start-up.
    expect(result.startup).toEqual({ ms: expect.any(Number) as number, frames: 5 });
    expect(result.startup.ms).toBeLessThanOrEqual(result.elapsedMs);
  });

  it('ends start-up at the page\'s first report of frames inferred, with the frames it counted', async () => {
    const host = scriptedHost(async (page) => {
      await page.post({ type: 'plan', plan: plan(4, 2) });
      await new Promise((resolve) => setTimeout(resolve, 30));
      await page.post({ type: 'progress', framesInferred: 3 });
      await new Promise((resolve) => setTimeout(resolve, 30));
      await page.post({ type: 'progress', framesInferred: 4 });
      for (const start of [0, 2]) await page.post({ type: 'frames', segment: start / 2, rows: [0, 1].map((i) => ({ frame: start + i, t: (start + i) * 40_000, face: false })) });
      await page.post({ type: 'done' });
    });
    const result = await extractFaceFeatures({ ...base, outPath: out(), pageHost: host });
    expect(result.startup.frames).toBe(3);
    expect(result.startup.ms).toBeGreaterThanOrEqual(25);
    expect(result.elapsedMs - result.startup.ms).toBeGreaterThanOrEqual(25);
  });

  it('fails and discards the run when the host refused a request that would have left loopback, naming it', async () => {
    const offsite = 'https://www.google-analytics.com/g/collect?v=2';
    const host = scriptedHost(async (page) => {
      page.watch.onRequest(offsite);
      page.watch.onRefused(offsite);
      await playFrames(page, 3, 2);
    });
    const outPath = out();
    await expect(extractFaceFeatures({ ...base, outPath, pageHost: host })).rejects.toMatchObject({ code: 'POLICY_REFUSED', message: expect.stringContaining(offsite) as unknown });
    expect(existsSync(outPath)).toBe(false);
    expect(host.open()).toBe(0);
  });

  it('ends the run on an uncaught page error, leaving nothing to resume when no frame was written', async () => {
    const host = scriptedHost(async (page) => {
      await page.post({ type: 'plan', plan: plan(4, 2) });
      page.watch.onPageError('Uncaught TypeError: decoder is null');
    });
    const outPath = out();
    await expect(extractFaceFeatures({ ...base, outPath, pageHost: host })).rejects.toMatchObject({ code: 'INTERNAL', message: 'The extraction page failed: Uncaught TypeError: decoder is null' });
    expect((await readdir(dir)).filter((f) => f.startsWith(outPath.split('/').pop() ?? '?'))).toEqual([]);
    expect(host.open()).toBe(0);
  });

  it('fails when the page cannot load, and closes the page', async () => {
    const host: ExtractionPageHost & { closed: boolean } = {
      closed: false,
      async withPage(fn) {
        try {
          return await fn({ browser: BROWSER, open: () => Promise.reject(new Error('ERR_CONNECTION_REFUSED (-102) loading the page')) });
        } finally {
          this.closed = true;
        }
      },
    };
    await expect(extractFaceFeatures({ ...base, outPath: out(), pageHost: host })).rejects.toThrow(/ERR_CONNECTION_REFUSED/);
    expect(host.closed).toBe(true);
  });

  it('resumes after the host reports a crash, from the checkpoint, to the bytes of an uninterrupted run', async () => {
    const whole = await extractFaceFeatures({ ...base, outPath: out(), pageHost: scriptedHost((page) => playFrames(page, 7, 2)) });

    const outPath = out();
    const crashing = scriptedHost(async (page) => {
      await playFrames(page, 7, 2, 2);
      page.watch.onCrash('out of memory');
    });
    await expect(extractFaceFeatures({ ...base, outPath, pageHost: crashing })).rejects.toMatchObject({ code: 'INTERNAL', message: /crashed \(out of memory\); run again with --resume/ });
    expect(existsSync(`${outPath}.partial`)).toBe(true);

    const startFrames: number[] = [];
    const resumed = await extractFaceFeatures({
      ...base,
      outPath,
      resume: true,
      pageHost: scriptedHost(async (page) => {
        startFrames.push(page.job.startFrame);
        await playFrames(page, 7, 2);
      }),
    });
    expect(startFrames).toEqual([4]);
    expect(resumed.resumedFrom).toBe(4);
    expect(resumed.framesThisRun).toBe(3);
    expect(await readFile(outPath)).toEqual(await readFile(whole.csvPath));
  });

  it('stops on cancel, whatever the host, and says how to resume', async () => {
    const controller = new AbortController();
    const host = scriptedHost(async (page) => {
      await playFrames(page, 6, 2, 1);
      controller.abort();
    });
    const progress: EventPayload<'job.progress'>[] = [];
    const events: EventSink = { emit: (name, payload) => name === 'job.progress' && progress.push(payload as EventPayload<'job.progress'>) };
    await expect(extractFaceFeatures({ ...base, outPath: out(), pageHost: host, signal: controller.signal, events })).rejects.toMatchObject({
      code: 'CANCELLED',
      message: /cancelled at frame 2; .*--resume/,
      details: { resume_from: 2 },
    });
    expect(host.open()).toBe(0);
    // The job ends with a cancelled event at the frames saved, not at those merely computed.
    expect(progress.at(-1)).toMatchObject({ phase: 'cancelled', done: 2, total: 6, unit: 'frames' });
  });
});

const FACE_MODEL = join(SHARED, 'assets', 'face_landmarker.task');
const BUILT = existsSync(join(REPO_ROOT, 'dist', 'src', 'renderer', 'extraction.html'));
const API_READY = BUILT && existsSync(FACE_MODEL);

describe.skipIf(!API_READY)(`face.extract with the host the workspace was opened with${API_READY ? '' : ': skipped, needs the built UI and ../shared/assets/face_landmarker.task'}`, () => {
  it('runs the page on that host and records its browser in the stream\'s provenance', async () => {
    const { dir, remove } = await tempDir('weft-page-host-api-');
    const host = scriptedHost((page) => playFrames(page, 4, 2));
    const workspace = await Workspace.create(join(dir, 'study'), { name: 'Host study', actor: 'test', timeZone: 'UTC', dataBasis: SECONDARY, extractionPageHost: host });
    try {
      await writeFile(join(dir, 'clip.mp4'), Buffer.from(Array.from({ length: 2048 }, (_, i) => i % 253)));
      const client = createClient(createInProcessTransport(workspace.handlers, workspace.hub, 'test'));
      const result = await client.call('face.extract', { video_path: join(dir, 'clip.mp4'), model_path: FACE_MODEL, participant_id: 'P01', session_id: 'S01', clock_offset_s: 0 });
      expect(result.browser).toBe(BROWSER);
      expect(result.frames).toBe(4);
      const provenance = await workspace.study.db.read((conn) => conn.scalar(`SELECT CAST(provenance AS VARCHAR) FROM weft.streams WHERE kind = 'face_features'`));
      expect(String(provenance)).toContain(BROWSER);
      expect(host.open()).toBe(0);
    } finally {
      await workspace.close();
      await remove();
    }
  });
});
