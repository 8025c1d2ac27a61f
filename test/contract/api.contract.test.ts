import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WeftClient } from '../../src/core/api/client.js';
import type { MethodName } from '../../src/core/api/contract.js';
import type { EventEnvelope } from '../../src/core/api/events.js';
import { WeftError } from '../../src/core/errors.js';
import type { RunningServer } from '../../src/server/httpServer.js';
import { httpClient, serveStudyApi } from '../support/httpApi.js';
import { sessionRows, writeConsentCsv, writeFaceCsv, writeTransactions } from '../support/fixtures.js';
import { createTestStudy, type TestStudy } from '../support/study.js';

let study: TestStudy;
let server: RunningServer;
let sources: string;
const files: { consent: string; tx: string; face: string } = { consent: '', tx: '', face: '' };

beforeAll(async () => {
  study = await createTestStudy({ name: 'Contract study' });
  sources = join(study.root, 'sources');
  await mkdir(sources);
  files.consent = await writeConsentCsv(sources, [{ id: 'P01' }, { id: 'P02' }, { id: 'P03', refuse: ['video', 'face_features'] }, { id: 'P04', withdrawn: '2026-02-20' }]);
  files.tx = await writeTransactions(sources, [
    ...sessionRows('P01', 'S01', 'A', '2026-02-03T14:00:00Z', 12),
    ...sessionRows('P02', 'S02', 'B', '2026-02-04T14:00:00Z', 9),
    ...sessionRows('P03', 'S03', 'B', '2026-02-05T14:00:00Z', 6),
    ...sessionRows('P04', 'S04', 'A', '2026-02-06T14:00:00Z', 5),
  ]);
  files.face = await writeFaceCsv(sources, 90);
  await study.client.call('session.import', { files: [files.consent, files.tx] });
  await study.client.call('session.import', { files: [files.face], participant_id: 'P01', session_id: 'S01', clock_offset_s: 2 });
  server = await serveStudyApi(study);
});

afterAll(async () => {
  await server.close();
  await study.close();
});

const transports: [string, () => WeftClient][] = [
  ['in-process', () => study.client],
  ['HTTP', () => httpClient(server)],
];

async function failure(promise: Promise<unknown>): Promise<WeftError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WeftError);
  return error as WeftError;
}

describe.each(transports)('the API over the %s transport', (_name, makeClient) => {
  let client: WeftClient;
  beforeAll(() => {
    client = makeClient();
  });

  it('study.info names the study', async () => {
    expect(await client.call('study.info', {})).toMatchObject({ name: 'Contract study', schema_version: 1, path: study.dir });
  });

  it('study.status counts participants, sessions, variants, streams and consent', async () => {
    const status = await client.call('study.status', {});
    // P04 withdrew in the consent export: erased at import.
    expect(status.participants).toBe(3);
    expect(status.sessions.map((s) => s.session_id)).toEqual(['S01', 'S02', 'S03']);
    expect(status.variants).toEqual([
      { variant: 'A', sessions: 1 },
      { variant: 'B', sessions: 2 },
    ]);
    const s01 = status.sessions[0];
    expect(s01?.streams.map((s) => [s.kind, s.rows])).toEqual([
      ['interaction_log', 12],
      ['face_features', 90],
    ]);
    const video = status.consent_coverage.find((c) => c.modality === 'video');
    expect(video).toEqual({ modality: 'video', granted: 2, refused: 1, withdrawn: 0, expired: 0, missing: 0 });
    expect(status.views.find((v) => v.view === 'events')?.rows).toBe(27);
  });

  it('participant.list gives every modality a consent state and marks withdrawal', async () => {
    const participants = await client.call('participant.list', {});
    expect(participants.map((p) => [p.participant_id, p.sessions, p.withdrawn])).toEqual([
      ['P01', 1, false],
      ['P02', 1, false],
      ['P03', 1, false],
    ]);
    expect(participants[2]?.consent).toMatchObject({ video: 'refused', face_features: 'refused', gaze: 'granted' });
  });

  it('session.list filters by variant and participant', async () => {
    expect((await client.call('session.list', { variant: 'B' })).map((s) => s.session_id)).toEqual(['S02', 'S03']);
    const [s01] = await client.call('session.list', { participant_id: 'P01' });
    expect(s01).toMatchObject({ session_id: 'S01', variant: 'A', streams: 2, started_at: '2026-02-03T19:00:00Z', duration_us: 220_000_000 + 4_000_000 });
  });

  it('stream.list gives each stream its clock model', async () => {
    const streams = await client.call('stream.list', { session_id: 'S01' });
    expect(streams.map((s) => [s.kind, s.clock.offset_us, s.clock.source])).toEqual([
      ['interaction_log', 0, 'absolute timestamps in the file'],
      ['face_features', 2_000_000, 'declared offset (the command line)'],
    ]);
    expect(streams[1]).toMatchObject({ start_us: 2_000_000, rows: 90, source_path: files.face });
  });

  it('consent.list filters by participant and modality', async () => {
    const rows = await client.call('consent.list', { participant_id: 'P03', modality: 'video' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'refused', granted: false, withdrawn_at: null, form_version: 'v2.1' });
    expect(await client.call('consent.list', { participant_id: 'P04' })).toEqual([]);
  });

  it('audit.list returns the linked chain', async () => {
    const entries = await client.call('audit.list', {});
    expect(entries.slice(0, 5).map((e) => e.action)).toEqual(['study.create', 'import', 'participant.erase', 'participant.erase.verify', 'import']);
    entries.slice(1).forEach((entry, i) => expect(entry.prev_hash).toBe(entries[i]?.hash));
    expect(entries[1]?.detail['files']).toHaveLength(2);
    expect((await client.call('audit.list', { after_seq: 1, limit: 1 })).map((e) => e.seq)).toEqual([2]);
  });

  it('sql.query answers SELECTs over the views', async () => {
    const result = await client.call('sql.query', { sql: 'SELECT participant_id, count(*) AS n FROM events GROUP BY 1 ORDER BY 1' });
    expect(result.columns).toEqual([
      { name: 'participant_id', type: 'VARCHAR' },
      { name: 'n', type: 'BIGINT' },
    ]);
    expect(result.rows).toEqual([
      ['P01', 12],
      ['P02', 9],
      ['P03', 6],
    ]);
    const capped = await client.call('sql.query', { sql: 'SELECT * FROM face_frames', max_rows: 10 });
    expect(capped.rows).toHaveLength(10);
    expect(capped.truncated).toBe(true);
  });

  it('sql.query refuses writes, internal tables and file access, with distinct codes', async () => {
    expect((await failure(client.call('sql.query', { sql: 'DELETE FROM sessions' }))).code).toBe('SQL_NOT_READ_ONLY');
    expect((await failure(client.call('sql.query', { sql: 'SELECT * FROM weft.consent_records' }))).code).toBe('SQL_NOT_ALLOWED');
    expect((await failure(client.call('sql.query', { sql: "SELECT * FROM read_text('/etc/hostname')" }))).code).toBe('SQL_NOT_ALLOWED');
    expect((await failure(client.call('sql.query', { sql: 'SELEKT 1' }))).code).toBe('SQL_SYNTAX');
  });

  it('timeline.query carries bulk rows as Arrow IPC', async () => {
    const bytes = await client.call('timeline.query', { session_id: 'S01', view: 'face_frames', from_us: 2_000_000, to_us: 3_000_000, columns: ['t_us', 'success', 'bs_brow_down_left'] });
    const table = tableFromIPC(bytes);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['t_us', 'success', 'bs_brow_down_left']);
    expect(table.numRows).toBe(30);
    expect(table.getChild('t_us')?.get(0)).toBe(2_000_000);
  });

  it('refuses unknown methods and invalid input with stable codes', async () => {
    expect((await failure(client.call('study.explode' as MethodName, {} as never))).code).toBe('UNKNOWN_METHOD');
    const invalid = await failure(client.call('timeline.query', { session_id: 'S01', view: 'secrets' } as never));
    expect(invalid.code).toBe('INVALID_INPUT');
    expect(invalid.message).toContain('view');
  });

  it('model.list gives each model its card and origin; scoring or evaluating an unknown model is NOT_FOUND', async () => {
    const listing = await client.call('model.list', {});
    for (const m of listing.models) {
      expect(m.card.id).toBe(m.id);
      expect(['study', 'shipped']).toContain(m.origin);
    }
    expect((await failure(client.call('model.predict', { model_id: 'no-such-model' }))).code).toBe('NOT_FOUND');
    const evaluation = await failure(client.call('model.evaluate', { model_id: 'no-such-model', labels: { tier: 'affect', targets: [{ output: 'confusion', positive: ['CONFUSED'] }] } }));
    expect(evaluation.code).toBe('NOT_FOUND');
    expect(evaluation.message).toContain('weft predict');
    expect((await failure(client.call('model.compare', { model_id: 'x', output: 'confusion', reference: 'nonsense' }))).code).toBe('INVALID_INPUT');
  });

  it('face.liveStart refuses a participant without face-feature consent; face.extract and face.liveAppend name what is missing', async () => {
    const refused = await failure(client.call('face.liveStart', { participant_id: 'P03', session_id: 'S03' }));
    expect(refused.code).toBe('CONSENT_MISSING');
    expect(refused.message).toContain('P03');
    const noModel = await failure(client.call('face.extract', { video_path: join(sources, 'missing.mp4'), participant_id: 'P01', model_path: join(sources, 'missing.task') }));
    expect(noModel.code).toBe('NOT_FOUND');
    expect(noModel.message).toContain('missing.task');
    expect((await failure(client.call('face.liveAppend', { live_id: 'no-such-capture', rows: [{ frame: 0, t: 0, face: false }] }))).code).toBe('NOT_FOUND');
  });

  it('session.import recognises files it has seen and reports the change as an event', async () => {
    const seen: EventEnvelope[] = [];
    let stop = (): void => undefined;
    await new Promise<void>((ready) => {
      stop = client.on((event) => seen.push(event), ready);
    });
    const summary = await client.call('session.import', { files: [files.tx] });
    expect(summary.files[0]).toMatchObject({ status: 'duplicate', streams: [] });
    await expect.poll(() => seen.some((e) => e.name === 'study.changed'), { timeout: 10_000 }).toBe(true);
    stop();
  });
});

describe('the HTTP transport boundary', () => {
  const post = (path: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<Response> =>
    fetch(`${server.url.replace(/\/$/, '')}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...init.headers }, body: init.body ?? '{}' });

  it('refuses API calls without the launch token', async () => {
    const response = await post('/api/study.info');
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const wrong = await post('/api/study.info', { headers: { 'x-weft-token': 'guess' } });
    expect(wrong.status).toBe(401);
  });

  it('refuses requests from other origins and for other host names', async () => {
    const foreign = await post('/api/study.info', { headers: { 'x-weft-token': server.token, origin: 'https://evil.example' } });
    expect(foreign.status).toBe(401);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/', headers: { host: 'rebinding.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  it('listens on loopback only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.launchUrl).toBe(`${server.url}#token=${server.token}`);
  });

  it('serves the UI with the security headers and refuses path traversal', async () => {
    const index = await fetch(server.url);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    const traversal = await fetch(`${server.url}..%2f..%2fetc%2fpasswd`);
    expect([400, 404]).toContain(traversal.status);
    expect(await traversal.text()).not.toContain('root:');
  });

  it('accepts API calls only as POST', async () => {
    const response = await fetch(`${server.url}api/study.info`);
    expect(response.status).toBe(405);
  });
});
