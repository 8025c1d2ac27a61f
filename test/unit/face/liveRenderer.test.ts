import { describe, expect, it } from 'vitest';
import type { LiveFrameRow } from '../../../src/core/api/faceSchemas.js';
import type { Consent } from '../../../src/core/api/schemas.js';
import { cameraRefusal } from '../../../src/renderer/live/consentGate.js';
import { RowBatcher } from '../../../src/renderer/live/rowBatcher.js';

const consent = (modality: Consent['modality'], state: Consent['state']): Consent => ({
  participant_id: 'P01',
  modality,
  state,
  granted: state === 'granted',
  form_version: null,
  recorded_at: '2026-01-01T00:00:00Z',
  expires_at: null,
  withdrawn_at: null,
});

const row = (frame: number): LiveFrameRow => ({ frame, t: 1_000_000 + frame, face: false });

describe('the live page', () => {
  it('keeps the camera closed without face-feature consent in force', () => {
    expect(cameraRefusal([], '')).toMatch(/participant/);
    expect(cameraRefusal([], 'P01')).toMatch(/No face-feature consent .* P01/);
    expect(cameraRefusal([consent('video', 'granted')], 'P01')).toMatch(/No face-feature consent/);
    expect(cameraRefusal([consent('face_features', 'withdrawn')], 'P01')).toMatch(/withdrawn/);
    expect(cameraRefusal([consent('face_features', 'granted')], 'P02')).not.toBeNull();
    expect(cameraRefusal([consent('face_features', 'granted')], 'P01')).toBeNull();
  });

  it('sends rows in order, a batch at a time, and nothing after a refusal', async () => {
    const sent: number[][] = [];
    const errors: unknown[] = [];
    let inFlight = 0;
    const batcher = new RowBatcher({
      send: async (rows) => {
        inFlight += 1;
        expect(inFlight).toBe(1);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
        if (rows.some((r) => r.frame >= 6)) throw new Error('consent withdrawn');
        sent.push(rows.map((r) => r.frame));
      },
      onError: (error) => errors.push(error),
      maxRows: 3,
      maxDelayMs: 10_000,
    });
    for (let frame = 0; frame < 5; frame += 1) batcher.add(row(frame));
    await batcher.flush();
    expect(sent).toEqual([[0, 1, 2], [3, 4]]);
    for (let frame = 5; frame < 12; frame += 1) batcher.add(row(frame));
    await batcher.flush();
    expect(errors).toHaveLength(1);
    expect(batcher.stopped).toBe(true);
    batcher.add(row(12));
    await batcher.flush();
    expect(sent).toEqual([[0, 1, 2], [3, 4]]);
  });

  it('sends a partial batch after the delay', async () => {
    const sent: number[][] = [];
    const batcher = new RowBatcher({ send: async (rows) => void sent.push(rows.map((r) => r.frame)), onError: () => undefined, maxRows: 100, maxDelayMs: 20 });
    batcher.add(row(0));
    batcher.add(row(1));
    await expect.poll(() => sent, { timeout: 2000 }).toEqual([[0, 1]]);
  });
});
