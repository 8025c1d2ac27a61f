import type PlotlyApi from 'plotly.js-strict-dist-min';

export type Plotly = typeof PlotlyApi;

let loading: Promise<Plotly> | null = null;

/** Plotly is megabytes of script: fetched the first time a chart needs it, never for the first paint. */
export function loadPlotly(): Promise<Plotly> {
  const pending =
    loading ??
    import('plotly.js-strict-dist-min').then(
      (module) => module.default,
      (error: unknown) => {
        loading = null;
        throw error;
      },
    );
  loading = pending;
  return pending;
}
