import { describe, expect, it } from 'vitest';
import { STREAM_KIND_COLORS } from '../../../src/renderer/view/streams.js';
import { buildTimelineFigure, type StreamBarTrace } from '../../../src/renderer/view/timeline.js';
import { session, stream } from './builders.js';

const bars = (traces: ReturnType<typeof buildTimelineFigure>['traces']): StreamBarTrace[] =>
  traces.filter((t): t is StreamBarTrace => t.type === 'bar');

describe('buildTimelineFigure', () => {
  const sessions = [session('S1', { duration_us: 480e6 }), session('S2', { duration_us: 300e6, variant: 'B' }), session('S3', { duration_us: null })];
  const streams = [
    stream(1, 'S1', { rows: 14, start_us: 0, end_us: 480e6 }),
    stream(2, 'S1', { kind: 'face_features', format: 'weft-face-csv', modality: 'face_features', rows: 1800, start_us: 60e6, end_us: 240e6 }),
    stream(3, 'S2', { rows: 9, start_us: 0, end_us: 300e6 }),
    stream(4, 'S3', { rows: 0, start_us: null, end_us: null }),
  ];
  const figure = buildTimelineFigure(sessions, streams, 'en-US');

  it('has one row per session in the given order, sessions without timed data included', () => {
    expect(figure.rows).toEqual(['S1', 'S2', 'S3']);
    const rowsTrace = figure.traces.find((t) => t.type === 'scatter');
    expect(rowsTrace?.y).toEqual(['S1', 'S2', 'S3']);
    expect(rowsTrace?.showlegend).toBe(false);
  });

  it('has one bar trace per stream kind, in Weft kind order, in that kind’s colour', () => {
    expect(bars(figure.traces).map((t) => t.name)).toEqual(['Tutor log', 'Face features']);
    expect(bars(figure.traces).map((t) => t.marker.color)).toEqual([STREAM_KIND_COLORS.interaction_log, STREAM_KIND_COLORS.face_features]);
  });

  it('places each stream over the session time its rows cover, in minutes', () => {
    const [logs, face] = bars(figure.traces);
    expect(logs?.y).toEqual(['S1', 'S2']);
    expect(logs?.base).toEqual([0, 0]);
    expect(logs?.x).toEqual([8, 5]);
    expect(face?.y).toEqual(['S1']);
    expect(face?.base).toEqual([1]);
    expect(face?.x).toEqual([3]);
  });

  it('splits a row into lanes only for the kinds that session has', () => {
    const [logs, face] = bars(figure.traces);
    expect(logs?.width).toEqual([0.4, 0.8]);
    expect(logs?.offset).toEqual([-0.4, -0.4]);
    expect(face?.width).toEqual([0.4]);
    expect(face?.offset?.[0]).toBeCloseTo(0);
  });

  it('says in the hover what the stream is, how many rows it has and when', () => {
    const face = bars(figure.traces)[1];
    expect(face?.hovertext[0]).toBe('<b>Face features</b> · 1,800 rows<br>S1 · P01 · A<br>1:00–4:00 (3 min 00 s) · weft-face-csv');
    expect(face?.hoverinfo).toBe('text');
  });

  it('draws a band for the length of each session with a known duration', () => {
    expect(figure.shapes.map((s) => [s.x1, s.y0, s.y1])).toEqual([
      [8, -0.45, 0.45],
      [5, 0.55, 1.45],
    ]);
    expect(figure.maxMinutes).toBe(8);
  });

  it('keeps an instantaneous stream visible', () => {
    const instant = buildTimelineFigure([session('S1', { duration_us: 600e6 })], [stream(1, 'S1', { start_us: 30e6, end_us: 30e6 })]);
    expect(bars(instant.traces)[0]?.x[0]).toBeGreaterThan(0);
  });

  it('grows with the number of sessions and is empty without sessions', () => {
    const many = buildTimelineFigure(
      Array.from({ length: 40 }, (_, i) => session(`S${i}`)),
      [],
    );
    expect(many.height).toBeGreaterThan(figure.height);
    const none = buildTimelineFigure([], []);
    expect(none.rows).toEqual([]);
    expect(bars(none.traces)).toEqual([]);
  });

  it('ignores streams of sessions it was not given', () => {
    expect(bars(buildTimelineFigure([session('S1')], [stream(9, 'elsewhere')]).traces)).toEqual([]);
  });
});
