import type { Config, Data, Layout } from 'plotly.js-strict-dist-min';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Session, Stream } from '../../core/api/schemas.js';
import { loadPlotly, type Plotly } from '../plotly.js';
import { plural } from '../view/format.js';
import { buildTimelineFigure, type TimelineFigure } from '../view/timeline.js';
import { Section } from './Section.js';

interface SessionTimelineProps {
  readonly sessions: readonly Session[];
  readonly streams: readonly Stream[];
}

type ChartState = { readonly phase: 'loading' } | { readonly phase: 'ready' } | { readonly phase: 'failed'; readonly message: string };

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/**
 * Plotly 4 shows a "Share chart" button that uploads the figure to Plotly Cloud by default; study
 * data must never leave the machine, so sharing, links and the server URL are all switched off.
 */
const CONFIG: Partial<Config> = {
  responsive: true,
  displaylogo: false,
  showSendToCloud: false,
  showEditInChartStudio: false,
  showLink: false,
  sendData: false,
  plotlyServerURL: '',
  modeBarButtonsToRemove: ['select2d', 'lasso2d', 'autoScale2d'],
  toImageButtonOptions: { format: 'png', filename: 'weft-session-timeline', scale: 2 },
};

function layoutFor(figure: TimelineFigure): Partial<Layout> {
  return {
    height: figure.height,
    autosize: true,
    barmode: 'overlay',
    margin: { l: 110, r: 16, t: 8, b: 48 },
    font: { family: FONT, size: 12, color: '#374151' },
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: '#ffffff',
    hoverlabel: { bgcolor: '#111827', bordercolor: '#111827', font: { family: FONT, size: 12, color: '#ffffff' }, align: 'left' },
    showlegend: true,
    legend: { orientation: 'h', x: 0, xanchor: 'left', y: 1, yanchor: 'bottom', traceorder: 'normal', font: { size: 12 } },
    xaxis: {
      title: { text: 'Session time', font: { size: 12 } },
      range: [0, Math.max(figure.maxMinutes, 1) * 1.02],
      zeroline: false,
      gridcolor: '#e5e7eb',
      ticksuffix: ' min',
      fixedrange: false,
    },
    yaxis: {
      type: 'category',
      categoryorder: 'array',
      categoryarray: figure.rows,
      tickmode: 'array',
      tickvals: figure.rows,
      ticktext: figure.rows,
      autorange: 'reversed',
      automargin: true,
      fixedrange: true,
      showgrid: false,
    },
    shapes: figure.shapes,
  };
}

/** Plotly keeps listeners (window resize among them) on a chart until it is purged. */
function purge(drawnRef: { current: { readonly plotly: Plotly; readonly element: HTMLElement } | null }): void {
  const drawn = drawnRef.current;
  if (drawn === null) return;
  drawn.plotly.purge(drawn.element);
  drawnRef.current = null;
}

/** Every session's streams over session time, drawn with Plotly once it has loaded. */
export function SessionTimeline({ sessions, streams }: SessionTimelineProps) {
  const figure = useMemo(() => buildTimelineFigure(sessions, streams), [sessions, streams]);
  const chartRef = useRef<HTMLDivElement>(null);
  const drawnRef = useRef<{ readonly plotly: Plotly; readonly element: HTMLElement } | null>(null);
  const [state, setState] = useState<ChartState>({ phase: 'loading' });

  useEffect(() => {
    if (figure.rows.length === 0) {
      purge(drawnRef);
      return undefined;
    }
    let cancelled = false;
    const draw = async (): Promise<void> => {
      const plotly = await loadPlotly();
      const element = chartRef.current;
      if (cancelled || element === null) return;
      if (drawnRef.current !== null && drawnRef.current.element !== element) purge(drawnRef);
      drawnRef.current = { plotly, element };
      await plotly.react(element, figure.traces as Data[], layoutFor(figure), CONFIG);
      if (!cancelled) setState({ phase: 'ready' });
    };
    draw().catch((error: unknown) => {
      if (!cancelled) setState({ phase: 'failed', message: error instanceof Error ? error.message : String(error) });
    });
    return () => {
      cancelled = true;
    };
  }, [figure]);

  useEffect(() => () => purge(drawnRef), []);

  return (
    <Section id="timeline" title="Session timeline" meta={`${plural(figure.rows.length, 'session')} · bars show where each stream has data`}>
      {figure.rows.length === 0 ? (
        <p class="empty">No sessions to draw yet.</p>
      ) : (
        <figure class="timeline" aria-describedby="timeline-caption">
          {state.phase === 'loading' ? (
            <p class="chart-status" role="status">
              Loading the chart…
            </p>
          ) : null}
          {state.phase === 'failed' ? (
            <p class="chart-status chart-status--failed" role="alert">
              The chart could not be drawn: {state.message}
            </p>
          ) : null}
          <div ref={chartRef} class="timeline__chart" data-state={state.phase} data-rows={figure.rows.length} />
          <figcaption id="timeline-caption" class="timeline__caption">
            One row per session, on session time from its first record. Grey bands span the session; coloured bars show when each stream
            has rows. Hover a bar for its row count and time span; the sessions table lists the same streams.
          </figcaption>
        </figure>
      )}
    </Section>
  );
}
