import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type WeftClient } from '../../../src/core/api/client.js';
import { createInProcessTransport } from '../../../src/core/api/inProcess.js';
import { Workspace } from '../../../src/backend/workspace.js';

let dir: string;
let workspace: Workspace;
let client: WeftClient;
const events: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weft-consent-history-'));
  workspace = await Workspace.create(join(dir, 'study'), { name: 't', actor: 'test' });
  client = createClient(createInProcessTransport(workspace.handlers, workspace.hub, 'ana'));
  workspace.hub.subscribe((event) => {
    if (event.name === 'study.changed' && 'reason' in event.payload) events.push(event.payload.reason);
  });
});

afterAll(async () => {
  await workspace.close();
  await rm(dir, { recursive: true, force: true });
});

describe('consent.history', () => {
  it("lists every record of one participant, oldest first, with its state now and who entered it", async () => {
    await client.call('consent.record', { participant_id: 'P01', modality: 'video', granted: true, form_version: 'v1', recorded_at: '2026-01-05T00:00:00Z' });
    await client.call('consent.record', { participant_id: 'P02', modality: 'video', granted: true });
    await client.call('consent.record', { participant_id: 'P01', modality: 'video', granted: false, form_version: 'v2', recorded_at: '2026-02-01T00:00:00Z' });
    await client.call('consent.record', { participant_id: 'P01', modality: 'gaze', granted: true, expires_at: '2020-01-01T00:00:00Z', recorded_at: '2019-06-01T00:00:00Z' });

    const history = await client.call('consent.history', { participant_id: 'P01' });
    expect(history.map((r) => [r.modality, r.granted, r.state, r.form_version])).toEqual([
      ['video', true, 'granted', 'v1'],
      ['video', false, 'refused', 'v2'],
      ['gaze', true, 'expired', null],
    ]);
    expect(history.map((r) => r.record_id)).toEqual([...history.map((r) => r.record_id)].sort((a, b) => a - b));
    expect(history.every((r) => r.participant_id === 'P01' && r.source === 'entered' && r.recorded_by === 'ana')).toBe(true);
    expect(history[0]?.recorded_at).toMatch(/^2026-01-05/);
    expect(await client.call('consent.history', { participant_id: 'nobody' })).toEqual([]);
  });

  it('shows a partial withdrawal as the withdrawn record, and nothing once the participant is erased', async () => {
    await client.call('consent.withdraw', { participant_id: 'P02', modalities: ['video'] });
    const history = await client.call('consent.history', { participant_id: 'P02' });
    expect(history.map((r) => [r.modality, r.source, r.state])).toEqual([
      ['video', 'entered', 'granted'],
      ['video', 'withdrawal', 'withdrawn'],
    ]);
    expect(history[1]?.withdrawn_at).not.toBeNull();
    expect((await client.call('consent.list', { participant_id: 'P02' }))[0]?.state).toBe('withdrawn');
    await client.call('consent.withdraw', { participant_id: 'P01' });
    expect(await client.call('consent.history', { participant_id: 'P01' })).toEqual([]);
  });
});

describe('field.update', () => {
  it('announces the review, so that open pages reload', async () => {
    const [field] = await client.call('field.list', {});
    if (field === undefined) throw new Error('the registry is empty');
    events.length = 0;
    await client.call('field.update', { field: field.field, note: 'checked' });
    expect(events).toEqual(['field reviewed']);
  });
});
