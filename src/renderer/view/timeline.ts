import type { Session, Stream } from '../../core/api/schemas.js';
import type { StreamKind } from '../../core/study/modalities.js';
import { formatCount, formatDuration, formatSessionSpan } from './format.js';
import { NO_VARIANT } from './sessions.js';
import { STREAM_KIND_COLORS, compareStreamKinds, streamKindLabel } from './streams.js';

/** Plotly figure parts the session timeline uses, typed here so this module stays free of Plotly. */
export interface StreamBarTrace {
  readonly type: 'bar';
  readonly orientation: 'h';
  readonly name: string;
  readonly legendgroup: string;
  readonly y: string[];
  /** Where each bar starts, in minutes of session time. */
  readonly base: number[];
  /** Each bar's length in minutes. */
  readonly x: number[];
  /** Each bar's lane within its session's row, in row units from the row's centre. */
  readonly offset: number[];
  readonly width: number[];
  readonly hovertext: string[];
  readonly hoverinfo: 'text';
  readonly marker: { color: string; line: { width: number } };
}

/** Invisible points that give every session its row, including sessions with no timed data. */
export interface SessionRowsTrace {
  readonly type: 'scatter';
  readonly mode: 'markers';
  readonly name: string;
  readonly y: string[];
  readonly x: number[];
  readonly hoverinfo: 'skip';
  readonly showlegend: false;
  readonly marker: { opacity: number };
}

export interface SessionExtentShape {
  readonly type: 'rect';
  readonly layer: 'below';
  readonly xref: 'x';
  readonly yref: 'y';
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
  readonly fillcolor: string;
  readonly line: { width: number };
}

export interface TimelineFigure {
  /** One per session, top to bottom: the chart's rows. */
  readonly rows: string[];
  readonly traces: (StreamBarTrace | SessionRowsTrace)[];
  readonly shapes: SessionExtentShape[];
  readonly height: number;
  /** Longest session or stream end, in minutes: the x axis spans 0 to this. */
  readonly maxMinutes: number;
}

const US_PER_MINUTE = 60e6;
const ROW_BASE_PX = 12;
const ROW_PER_LANE_PX = 14;
/** The share of a row its bars fill; the session band behind them is a little taller. */
const LANES_SPAN = 0.8;
const CHROME_PX = 96;
/** Bars shorter than this share of the axis are drawn this wide, so an instant stays visible. */
const MIN_BAR_SHARE = 0.004;

const minutes = (us: number): number => us / US_PER_MINUTE;

function hoverText(stream: Stream, session: Session, locale: string | undefined): string {
  const span = stream.start_us !== null && stream.end_us !== null ? stream.end_us - stream.start_us : null;
  return [
    `<b>${streamKindLabel(stream.kind)}</b> · ${formatCount(stream.rows, locale)} rows`,
    `${session.session_id} · ${session.participant_id} · ${session.variant ?? NO_VARIANT}`,
    `${formatSessionSpan(stream.start_us, stream.end_us)} (${formatDuration(span)}) · ${stream.format}`,
  ].join('<br>');
}

/**
 * The session timeline: one row per session, in the order given, and for each stream kind one bar
 * per stream over the session time its rows cover, on a light band showing the session's length.
 * A row is split into one lane per kind that session has, so a session with a single stream gets
 * a full-height bar rather than a slot left empty for kinds it lacks.
 */
export function buildTimelineFigure(sessions: readonly Session[], streams: readonly Stream[], locale?: string): TimelineFigure {
  const rows = sessions.map((s) => s.session_id);
  const sessionById = new Map(sessions.map((s) => [s.session_id, s]));
  const timed = streams.filter(
    (s): s is Stream & { start_us: number; end_us: number } => s.start_us !== null && s.end_us !== null && sessionById.has(s.session_id),
  );
  const maxUs = Math.max(0, ...sessions.map((s) => s.duration_us ?? 0), ...timed.map((s) => s.end_us));
  const maxMinutes = minutes(maxUs);
  const minBar = maxMinutes * MIN_BAR_SHARE;

  const kinds = [...new Set(timed.map((s) => s.kind))].sort(compareStreamKinds);
  const lanes = new Map<string, StreamKind[]>();
  for (const stream of timed) {
    const own = lanes.get(stream.session_id) ?? [];
    if (!own.includes(stream.kind)) own.push(stream.kind);
    lanes.set(stream.session_id, own);
  }
  for (const own of lanes.values()) own.sort(compareStreamKinds);
  const laneOf = (stream: Stream): { offset: number; width: number } => {
    const own = lanes.get(stream.session_id) ?? [stream.kind];
    const width = LANES_SPAN / own.length;
    return { offset: -LANES_SPAN / 2 + own.indexOf(stream.kind) * width, width };
  };
  const maxLanes = Math.max(1, ...[...lanes.values()].map((own) => own.length));
  const traces: (StreamBarTrace | SessionRowsTrace)[] = kinds.map((kind: StreamKind) => {
    const ofKind = timed.filter((s) => s.kind === kind);
    return {
      type: 'bar',
      orientation: 'h',
      name: streamKindLabel(kind),
      legendgroup: kind,
      y: ofKind.map((s) => s.session_id),
      base: ofKind.map((s) => minutes(s.start_us)),
      x: ofKind.map((s) => Math.max(minutes(s.end_us - s.start_us), minBar)),
      offset: ofKind.map((s) => laneOf(s).offset),
      width: ofKind.map((s) => laneOf(s).width),
      hovertext: ofKind.map((s) => hoverText(s, sessionById.get(s.session_id) as Session, locale)),
      hoverinfo: 'text',
      marker: { color: STREAM_KIND_COLORS[kind], line: { width: 0 } },
    };
  });
  traces.push({ type: 'scatter', mode: 'markers', name: 'sessions', y: rows, x: rows.map(() => 0), hoverinfo: 'skip', showlegend: false, marker: { opacity: 0 } });

  const shapes: SessionExtentShape[] = sessions.flatMap((s, index) =>
    s.duration_us === null
      ? []
      : [{ type: 'rect', layer: 'below', xref: 'x', yref: 'y', x0: 0, x1: minutes(s.duration_us), y0: index - 0.45, y1: index + 0.45, fillcolor: '#eef1f5', line: { width: 0 } }],
  );

  const rowPx = ROW_BASE_PX + ROW_PER_LANE_PX * maxLanes;
  return { rows, traces, shapes, height: CHROME_PX + rows.length * rowPx, maxMinutes };
}
