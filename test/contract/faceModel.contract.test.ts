import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WeftClient } from '../../src/core/api/client.js';
import type { EventEnvelope, EventPayload } from '../../src/core/api/events.js';
import { FACE_MODEL_DOWNLOAD_LABEL } from '../../src/core/api/faceSchemas.js';
import { FACE_MODEL } from '../../src/backend/face/model.js';
import type { RunningServer } from '../../src/server/httpServer.js';
import { guardNodeConnections } from '../support/egress.js';
import { httpClient, serveStudyApi } from '../support/httpApi.js';
import { startFileServer, type FileServer } from '../support/fileServer.js';
import { SHARED } from '../support/paths.js';
import { createTestStudy, type TestStudy } from '../support/study.js';

const MODEL = join(SHARED, 'assets', 'face_landmarker.task');
const HAVE_MODEL = existsSync(MODEL);
const ENV_KEYS = ['WEFT_DATA_DIR', 'WEFT_FACE_MODEL', 'WEFT_FACE_MODEL_URL'] as const;

type Progress = EventPayload<'job.progress'>;

let study: TestStudy;
let server: RunningServer;
let mirror: FileServer;
let official: Uint8Array;
let egress: ReturnType<typeof guardNodeConnections>;
const savedEnv = new Map<string, string | undefined>();

beforeAll(async () => {
  for (const key of ENV_KEYS) savedEnv.set(key, process.env[key]);
  egress = guardNodeConnections();
  official = HAVE_MODEL ? new Uint8Array(await readFile(MODEL)) : new Uint8Array();
  study = await createTestStudy({ name: 'Face model study' });
  mirror = await startFileServer(FACE_MODEL.name, official);
  server = await serveStudyApi(study);
});

afterAll(async () => {
  for (const [key, value] of savedEnv) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  egress?.restore();
  await server?.close();
  await mirror?.close();
  await study?.close();
});

/** An address on loopback where nothing listens: what a download sees without a network. */
async function deadAddress(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/${FACE_MODEL.name}`;
}

async function progressOf<T>(client: WeftClient, action: () => Promise<T>): Promise<{ outcome: PromiseSettledResult<T>; progress: Progress[] }> {
  const progress: Progress[] = [];
  let stop = (): void => undefined;
  await new Promise<void>((ready) => {
    stop = client.on((event: EventEnvelope) => {
      if (event.name === 'job.progress' && (event.payload as Progress).label === FACE_MODEL_DOWNLOAD_LABEL) progress.push(event.payload as Progress);
    }, ready);
  });
  const [outcome] = await Promise.allSettled([action()]);
  await expect.poll(() => progress.some((p) => p.phase !== 'running'), { timeout: 10_000 }).toBe(true);
  stop();
  return { outcome: outcome as PromiseSettledResult<T>, progress };
}

async function auditedDownloads(): Promise<unknown[][]> {
  return (await study.client.call('sql.query', { sql: `SELECT actor, detail FROM audit_log WHERE action = 'face.model.download' ORDER BY seq` })).rows;
}

const transports: [string, () => WeftClient][] = [
  ['in-process', () => study.client],
  ['HTTP', () => httpClient(server)],
];

describe.skipIf(!HAVE_MODEL).each(transports)(`face.modelStatus and face.modelDownload over the %s transport${HAVE_MODEL ? '' : `: skipped, needs ${MODEL}`}`, (name, makeClient) => {
  let client: WeftClient;
  let dataDir: string;
  let expectedPath: string;
  let auditedBefore: number;

  beforeAll(async () => {
    auditedBefore = (await auditedDownloads()).length;
    client = makeClient();
    dataDir = join(study.root, `data-${name}`);
    expectedPath = join(dataDir, 'models', FACE_MODEL.name);
    process.env['WEFT_DATA_DIR'] = dataDir;
    delete process.env['WEFT_FACE_MODEL'];
    process.env['WEFT_FACE_MODEL_URL'] = mirror.url;
    mirror.serve(official);
  });

  it('reports a missing model: where it is expected, and what a download would fetch from where', async () => {
    expect(await client.call('face.modelStatus', {})).toEqual({
      name: FACE_MODEL.name,
      path: expectedPath,
      configured_by: 'user data folder',
      state: 'missing',
      sha256: null,
      bytes: null,
      problem: null,
      expected_sha256: FACE_MODEL.sha256,
      expected_bytes: FACE_MODEL.bytes,
      official_url: FACE_MODEL.url,
      download_url: mirror.url,
      mirror: true,
    });
  });

  it('saves nothing when the mirror serves other bytes, naming the sha256 mismatch', async () => {
    const requestsBefore = mirror.requests.length;
    mirror.serve(new TextEncoder().encode('<html>captive portal login</html>'));
    const { outcome, progress } = await progressOf(client, () => client.call('face.modelDownload', {})).finally(() => mirror.serve(official));
    expect(outcome.status).toBe('rejected');
    const error = (outcome as PromiseRejectedResult).reason as { code: string; message: string };
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/sha256 mismatch.*Nothing was saved/);
    expect(error.message).toContain(FACE_MODEL.sha256);
    expect(mirror.requests.length).toBe(requestsBefore + 1);
    expect(progress.at(-1)).toMatchObject({ phase: 'failed', unit: 'bytes' });
    expect(existsSync(expectedPath)).toBe(false);
    expect(await readdir(join(dataDir, 'models'))).toEqual([]);
    expect((await client.call('face.modelStatus', {})).state).toBe('missing');
    expect(await auditedDownloads()).toHaveLength(auditedBefore);
  });

  it('says what to do when the download cannot connect', async () => {
    process.env['WEFT_FACE_MODEL_URL'] = await deadAddress();
    try {
      await expect(client.call('face.modelDownload', {})).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/could not be downloaded from .*Without internet, copy face_landmarker\.task to .*WEFT_FACE_MODEL_URL to a mirror/) });
      expect(existsSync(expectedPath)).toBe(false);
    } finally {
      process.env['WEFT_FACE_MODEL_URL'] = mirror.url;
    }
  });

  it('refuses a mirror address that is not http(s)', async () => {
    process.env['WEFT_FACE_MODEL_URL'] = 'file:///srv/models/face_landmarker.task';
    try {
      await expect(client.call('face.modelStatus', {})).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/WEFT_FACE_MODEL_URL must be an http or https address/) });
    } finally {
      process.env['WEFT_FACE_MODEL_URL'] = mirror.url;
    }
  });

  it('stops a download when asked: nothing saved, nothing audited, the status still missing', async () => {
    mirror.pace(100);
    const progress: Progress[] = [];
    let stop = (): void => undefined;
    await new Promise<void>((ready) => {
      stop = client.on((event: EventEnvelope) => {
        if (event.name !== 'job.progress' || (event.payload as Progress).label !== FACE_MODEL_DOWNLOAD_LABEL) return;
        const payload = event.payload as Progress;
        progress.push(payload);
        if (payload.cancellable === true && payload.done > 0 && progress.filter((p) => p.done > 0).length === 1) void client.call('jobs.cancel', { job_id: payload.job_id });
      }, ready);
    });
    try {
      await expect(client.call('face.modelDownload', {})).rejects.toMatchObject({ code: 'CANCELLED', message: 'The face model download was cancelled; nothing was saved' });
      await expect.poll(() => progress.at(-1)?.phase, { timeout: 10_000 }).toBe('cancelled');
    } finally {
      stop();
      mirror.pace(0);
    }
    expect(progress.at(-1)?.done ?? Infinity).toBeLessThan(FACE_MODEL.bytes);
    expect(existsSync(expectedPath)).toBe(false);
    expect(await readdir(join(dataDir, 'models'))).toEqual([]);
    expect((await client.call('face.modelStatus', {})).state).toBe('missing');
    expect(await auditedDownloads()).toHaveLength(auditedBefore);
  });

  it('downloads the model when asked, with progress in bytes, checks it, saves it and audits the download', async () => {
    const requestsBefore = mirror.requests.length;
    const { outcome, progress } = await progressOf(client, () => client.call('face.modelDownload', {}));
    expect(outcome).toEqual({ status: 'fulfilled', value: { path: expectedPath, sha256: FACE_MODEL.sha256, bytes: FACE_MODEL.bytes, downloaded: true, url: mirror.url } });
    expect(mirror.requests.slice(requestsBefore)).toEqual([new URL(mirror.url).pathname]);

    const running = progress.filter((p) => p.phase === 'running');
    expect(running.length).toBeGreaterThan(3);
    expect(running.length).toBeLessThanOrEqual(101);
    expect(running.every((p, i) => p.unit === 'bytes' && p.total === FACE_MODEL.bytes && (i === 0 || p.done > (running[i - 1]?.done ?? 0)))).toBe(true);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', done: FACE_MODEL.bytes, total: FACE_MODEL.bytes });
    expect(new Set(progress.map((p) => p.job_id)).size).toBe(1);

    expect((await readFile(expectedPath)).equals(Buffer.from(official))).toBe(true);
    expect(await client.call('face.modelStatus', {})).toMatchObject({ state: 'verified', path: expectedPath, sha256: FACE_MODEL.sha256, bytes: FACE_MODEL.bytes, problem: null });
    const audited = await auditedDownloads();
    expect(audited).toHaveLength(auditedBefore + 1);
    const [actor, raw] = audited.at(-1) ?? [];
    expect(actor).toBe(name === 'HTTP' ? 'browser' : 'test');
    expect(typeof raw === 'string' ? JSON.parse(raw) : raw).toEqual({ url: mirror.url, sha256: FACE_MODEL.sha256, bytes: FACE_MODEL.bytes });
  });

  it('fetches nothing when the verified model is already there', async () => {
    const requestsBefore = mirror.requests.length;
    expect(await client.call('face.modelDownload', {})).toMatchObject({ downloaded: false, sha256: FACE_MODEL.sha256 });
    expect(mirror.requests.length).toBe(requestsBefore);
    expect(await auditedDownloads()).toHaveLength(auditedBefore + 1);
  });

  it('names the mismatch of a wrong file at WEFT_FACE_MODEL, and the download replaces it', async () => {
    const wrong = join(dataDir, 'elsewhere', 'face.task');
    await mkdir(join(dataDir, 'elsewhere'));
    await writeFile(wrong, 'not a model');
    process.env['WEFT_FACE_MODEL'] = wrong;
    try {
      const status = await client.call('face.modelStatus', {});
      expect(status).toMatchObject({ path: wrong, configured_by: 'WEFT_FACE_MODEL', state: 'mismatch', bytes: 11 });
      expect(status.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(status.sha256).not.toBe(FACE_MODEL.sha256);
      expect(status.problem).toMatch(/sha256 mismatch/);
      expect(await client.call('face.modelDownload', {})).toMatchObject({ path: wrong, downloaded: true });
      expect((await client.call('face.modelStatus', {})).state).toBe('verified');
    } finally {
      delete process.env['WEFT_FACE_MODEL'];
    }
    expect(await auditedDownloads()).toHaveLength(auditedBefore + 2);
  });

  it('tried to reach nothing beyond loopback', () => {
    expect(egress.attempts).toEqual([]);
  });
});
