import { WeftError } from '../../core/errors.js';
import type { ModelInputs } from '../../core/models/card.js';
import { COUNT_COLUMN, isSampleView, type FeatureSpec, type FeatureView } from '../../core/models/features.js';
import { secondsToUs, type Normalization } from '../../core/models/windows.js';
import type { Connection } from '../store/duck.js';
import type { Study } from '../store/study.js';
import { availabilitySql, binAggregateSql, extentSql } from './windowSql.js';

export interface WindowRef {
  readonly session_id: string;
  readonly participant_id: string;
  readonly start_us: number;
  readonly end_us: number;
}

export interface SkippedWindow extends WindowRef {
  readonly reason: string;
}

export interface FeatureWindows {
  readonly features: readonly string[];
  readonly steps: number;
  /** Windows with every feature observed, in session and time order. */
  readonly windows: readonly WindowRef[];
  /** [windows, steps, features], row-major. */
  readonly values: Float32Array;
  /** Windows in the grid of the sessions asked for, observed or not. */
  readonly total: number;
  /** Windows left out, by reason: never zero-filled. */
  readonly skipped: Readonly<Record<string, number>>;
  readonly skippedWindows: readonly SkippedWindow[];
}

interface SessionRow {
  readonly sessionId: string;
  readonly participantId: string;
  readonly durationUs: number;
}

/** Per session: cell values [cells, features] (NaN where missing) and the first reason a cell is incomplete. */
interface SessionCells {
  readonly session: SessionRow;
  readonly values: Float64Array;
  readonly reasons: (string | null)[];
  readonly cells: number;
}

export interface WindowOptions {
  /** Sessions to build windows for; every session of the study when absent. */
  readonly sessions?: readonly string[];
  /** Named in errors: "Model x 1.0.0 needs …". */
  readonly model?: string;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN);

async function readSessions(conn: Connection, requested: readonly string[] | undefined): Promise<SessionRow[]> {
  const rows = await conn.all(`SELECT s.session_id, s.participant_id,
  coalesce(s.duration_us, (SELECT max(st.end_us) FROM streams st WHERE st.session_id = s.session_id)) AS duration_us
FROM sessions s ORDER BY s.participant_id, s.session_id`);
  const all = rows.map((r) => ({ sessionId: String(r['session_id']), participantId: String(r['participant_id']), durationUs: num(r['duration_us']) }));
  if (requested === undefined) return all;
  const known = new Map(all.map((s) => [s.sessionId, s]));
  const unknown = requested.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new WeftError('NOT_FOUND', `The study has no session ${unknown.map((id) => `"${id}"`).join(', ')}`, { details: { sessions: unknown } });
  return [...new Set(requested)].map((id) => known.get(id) as SessionRow);
}

function describe(f: FeatureSpec): string {
  return f.view === 'signals' ? `signal "${f.column}"` : f.column === COUNT_COLUMN ? `rows of ${f.view}` : `${f.view}.${f.column}`;
}

/**
 * Refuses a model whose features the study cannot supply in the given sessions: one error that
 * names every missing feature and the column it would come from.
 */
export async function requireFeatures(conn: Connection, features: readonly FeatureSpec[], sessionIds: readonly string[], model: string): Promise<void> {
  const missing: { name: string; source: string }[] = [];
  if (sessionIds.length > 0) {
    for (const [view, list] of byView(features)) {
      const row = await conn.one(availabilitySql(view, list, sessionIds));
      list.forEach((f, i) => {
        if (num(row?.[`n${i}`]) === 0) missing.push({ name: f.name, source: describe(f) });
      });
    }
  } else {
    missing.push(...features.map((f) => ({ name: f.name, source: describe(f) })));
  }
  if (missing.length > 0) {
    const where = sessionIds.length === 0 ? 'the study has no sessions' : `no values in the ${sessionIds.length} session${sessionIds.length === 1 ? '' : 's'} asked for`;
    throw new WeftError(
      'INVALID_INPUT',
      `${model} needs features the study cannot supply (${where}): ${missing.map((m) => `${m.name} (from ${m.source})`).join(', ')}`,
      { details: { reason: 'missing_features', missing_features: missing.map((m) => m.name), sources: missing.map((m) => m.source) } },
    );
  }
}

function byView(features: readonly FeatureSpec[]): Map<FeatureView, FeatureSpec[]> {
  const out = new Map<FeatureView, FeatureSpec[]>();
  for (const f of features) out.set(f.view, [...(out.get(f.view) ?? []), f]);
  return out;
}

/** Cell geometry: a window is `steps` cells; with one step the cells are the windows themselves. */
function geometry(inputs: ModelInputs): { cellUs: number; cellHopUs: number; windowUs: number; hopUs: number; stride: number } {
  const { length_s, hop_s, steps } = inputs.window;
  const windowUs = secondsToUs(length_s);
  const hopUs = secondsToUs(hop_s);
  if (steps === 1) return { cellUs: windowUs, cellHopUs: hopUs, windowUs, hopUs, stride: 1 };
  const cellUs = secondsToUs(length_s / steps);
  return { cellUs, cellHopUs: cellUs, windowUs, hopUs, stride: Math.round(hop_s / (length_s / steps)) };
}

function windowCount(durationUs: number, windowUs: number, hopUs: number): number {
  return Number.isFinite(durationUs) && durationUs >= windowUs ? Math.floor((durationUs - windowUs) / hopUs) + 1 : 0;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Per feature, per bin: value count, shifted sum and sum of squares, minimum, maximum; and the session's shift. */
interface Bins {
  readonly rows: Float64Array;
  readonly n: Float64Array[];
  readonly s: Float64Array[];
  readonly q: Float64Array[];
  readonly lo: Float64Array[];
  readonly hi: Float64Array[];
  readonly c: number[];
}

function prefix(values: Float64Array): Float64Array {
  const out = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) out[i + 1] = (out[i] ?? 0) + (values[i] ?? 0);
  return out;
}

async function computeCells(conn: Connection, inputs: ModelInputs, sessions: readonly SessionRow[]): Promise<Map<string, SessionCells>> {
  const features = inputs.features;
  const g = geometry(inputs);
  const binUs = gcd(g.cellUs, g.cellHopUs);
  const binsPerCell = g.cellUs / binUs;
  const binStride = g.cellHopUs / binUs;
  const out = new Map<string, SessionCells>();
  for (const session of sessions) {
    const windows = windowCount(session.durationUs, g.windowUs, g.hopUs);
    const cells = windows === 0 ? 0 : (windows - 1) * g.stride + inputs.window.steps;
    out.set(session.sessionId, { session, values: new Float64Array(cells * features.length).fill(Number.NaN), reasons: new Array<string | null>(cells).fill(null), cells });
  }
  const sessionIds = [...out.values()].filter((c) => c.cells > 0).map((c) => c.session.sessionId);
  if (sessionIds.length === 0) return out;
  const index = new Map(features.map((f, i) => [f, i]));

  for (const [view, list] of byView(features)) {
    const extents = new Map((await conn.all(extentSql(view, list, sessionIds))).map((r) => [String(r['session_id']), { first: num(r['first_us']), last: num(r['last_us']) }]));
    const bins = new Map<string, Bins>();
    for (const r of await conn.all(binAggregateSql(view, list, sessionIds, binUs))) {
      const sid = String(r['session_id']);
      const cells = out.get(sid);
      if (cells === undefined) continue;
      let b = bins.get(sid);
      if (b === undefined) {
        const size = (cells.cells - 1) * binStride + binsPerCell;
        const make = (fill: number): Float64Array[] => list.map(() => new Float64Array(size).fill(fill));
        b = { rows: new Float64Array(size), n: make(0), s: make(0), q: make(0), lo: make(Number.NaN), hi: make(Number.NaN), c: list.map((_, j) => num(r[`c${j}`] ?? 0)) };
        bins.set(sid, b);
      }
      const k = num(r['b']);
      if (k >= b.rows.length) continue;
      b.rows[k] = num(r['rows']);
      const numberOr = (key: string, fallback: number): number => (r[key] === null || r[key] === undefined ? fallback : num(r[key]));
      list.forEach((_, j) => {
        (b.n[j] as Float64Array)[k] = numberOr(`n${j}`, 0);
        (b.s[j] as Float64Array)[k] = numberOr(`s${j}`, 0);
        (b.q[j] as Float64Array)[k] = numberOr(`q${j}`, 0);
        (b.lo[j] as Float64Array)[k] = numberOr(`lo${j}`, Number.NaN);
        (b.hi[j] as Float64Array)[k] = numberOr(`hi${j}`, Number.NaN);
      });
    }
    const coverage = inputs.coverage[view];
    for (const cells of out.values()) {
      const extent = extents.get(cells.session.sessionId);
      const b = bins.get(cells.session.sessionId);
      const sums = b === undefined ? undefined : { rows: prefix(b.rows), n: b.n.map(prefix), s: b.s.map(prefix), q: b.q.map(prefix) };
      for (let k = 0; k < cells.cells; k++) {
        const from = k * binStride;
        const to = from + binsPerCell;
        const start = k * g.cellHopUs;
        list.forEach((f, j) => {
          const stats = b === undefined || sums === undefined ? undefined : windowStats(f, b, sums, j, from, to);
          const { value, reason } = cellValue(view, f, stats, extent, start, start + g.cellUs, g.cellUs, coverage);
          if (reason !== null) {
            cells.reasons[k] ??= reason;
            return;
          }
          cells.values[k * features.length + (index.get(f) ?? 0)] = value;
        });
      }
    }
  }
  return out;
}

/** A feature's aggregate and value count over bins [from, to). */
function windowStats(
  f: FeatureSpec,
  b: Bins,
  sums: { rows: Float64Array; n: Float64Array[]; s: Float64Array[]; q: Float64Array[] },
  j: number,
  from: number,
  to: number,
): { value: number; count: number } {
  const diff = (p: Float64Array | undefined): number => (p?.[to] ?? 0) - (p?.[from] ?? 0);
  if (f.aggregate === 'count') return { value: diff(sums.rows), count: diff(sums.rows) };
  const n = diff(sums.n[j]);
  const s = diff(sums.s[j]);
  const c = b.c[j] ?? 0;
  switch (f.aggregate) {
    case 'mean':
      return { value: n === 0 ? Number.NaN : c + s / n, count: n };
    case 'sum':
      return { value: s + n * c, count: n };
    case 'std':
      return { value: n < 2 ? Number.NaN : Math.sqrt(Math.max(0, (diff(sums.q[j]) - (s * s) / n) / (n - 1))), count: n };
    case 'min':
    case 'max': {
      const arr = (f.aggregate === 'min' ? b.lo[j] : b.hi[j]) as Float64Array;
      let best = Number.NaN;
      for (let k = from; k < to; k++) {
        const v = arr[k] ?? Number.NaN;
        if (!Number.isNaN(v) && (Number.isNaN(best) || (f.aggregate === 'min' ? v < best : v > best))) best = v;
      }
      return { value: best, count: n };
    }
  }
}

const VIEW_NOUN: Readonly<Record<FeatureView, string>> = {
  face_frames: 'face frames',
  gaze_samples: 'gaze samples',
  signals: 'signal samples',
  interaction_features: 'tutor actions',
};

function cellValue(
  view: FeatureView,
  f: FeatureSpec,
  stats: { value: number; count: number } | undefined,
  extent: { first: number; last: number } | undefined,
  start: number,
  end: number,
  cellUs: number,
  coverage: { sample_rate_hz: number; min_valid_fraction: number } | undefined,
): { value: number; reason: string | null } {
  if (extent === undefined) return { value: Number.NaN, reason: `${view}: no ${VIEW_NOUN[view]} in this session` };
  const count = stats?.count ?? 0;
  const aggregate = stats?.value ?? Number.NaN;
  if (isSampleView(view)) {
    if (end <= extent.first || start > extent.last) return { value: Number.NaN, reason: `${view}: window outside the recording` };
    const needed = coverage === undefined ? 1 : Math.max(1, Math.ceil(coverage.min_valid_fraction * (cellUs / 1e6) * coverage.sample_rate_hz - 1e-9));
    if (f.aggregate !== 'count' && count < needed) {
      const pct = coverage === undefined ? '' : ` (${Math.round(coverage.min_valid_fraction * 100)}% of ${coverage.sample_rate_hz} Hz)`;
      return { value: Number.NaN, reason: `${view}: too few valid ${VIEW_NOUN[view]}${pct}` };
    }
  } else if (f.aggregate === 'count' || f.aggregate === 'sum') {
    return { value: count === 0 ? 0 : aggregate, reason: null };
  }
  if (f.aggregate === 'count') return { value: count, reason: null };
  if (f.aggregate === 'std' && count < 2) return { value: Number.NaN, reason: `${view}: fewer than two ${VIEW_NOUN[view]} for a standard deviation` };
  if (count === 0 || !Number.isFinite(aggregate)) return { value: Number.NaN, reason: `${view}: no ${VIEW_NOUN[view]} with ${f.column} in the window` };
  return { value: aggregate, reason: null };
}

/**
 * Each participant's (or session's) baseline mean and standard deviation per feature over the
 * cells the baseline names, then z-scores in place (only the features the normalization names,
 * when it names some). Cells of a participant whose baseline is too
 * small or constant get a reason and are not used.
 */
function normalize(all: Map<string, SessionCells>, inputs: ModelInputs, cellHopUs: number, cellUs: number): void {
  const n: Normalization = inputs.normalization;
  if (n.kind === 'none') return;
  const F = inputs.features.length;
  const chosen = n.features === undefined ? null : new Set(n.features);
  const zscored = inputs.features.flatMap((f, i) => (chosen === null || chosen.has(f.name) ? [i] : []));
  const groups = new Map<string, SessionCells[]>();
  for (const cells of all.values()) {
    const key = n.baseline.kind === 'participant_all' ? cells.session.participantId : cells.session.sessionId;
    groups.set(key, [...(groups.get(key) ?? []), cells]);
  }
  const inBaseline = (k: number): boolean => n.baseline.kind === 'participant_all' || k * cellHopUs + cellUs <= secondsToUs(n.baseline.seconds);
  for (const members of groups.values()) {
    const sum = new Float64Array(F);
    const sumSq = new Float64Array(F);
    const count = new Float64Array(F);
    for (const cells of members) {
      for (let k = 0; k < cells.cells; k++) {
        if (!inBaseline(k)) continue;
        for (const f of zscored) {
          const v = cells.values[k * F + f] ?? Number.NaN;
          if (Number.isNaN(v)) continue;
          sum[f] = (sum[f] ?? 0) + v;
          sumSq[f] = (sumSq[f] ?? 0) + v * v;
          count[f] = (count[f] ?? 0) + 1;
        }
      }
    }
    const mean = sum.map((s, f) => s / (count[f] ?? 1));
    const sd = sumSq.map((s, f) => {
      const c = count[f] ?? 0;
      return c < 2 ? 0 : Math.sqrt(Math.max(0, (s - c * (mean[f] ?? 0) ** 2) / (c - 1)));
    });
    let problem: string | null = null;
    for (const f of zscored) {
      if (problem !== null) break;
      if ((count[f] ?? 0) < n.min_windows) problem = `normalization: fewer than ${n.min_windows} baseline windows with ${inputs.features[f]?.name ?? ''}`;
      else if ((sd[f] ?? 0) <= 1e-12 * Math.max(1, Math.abs(mean[f] ?? 0))) problem = `normalization: ${inputs.features[f]?.name ?? ''} does not vary in the baseline`;
    }
    for (const cells of members) {
      for (let k = 0; k < cells.cells; k++) {
        if (problem !== null) {
          cells.reasons[k] ??= problem;
          continue;
        }
        for (const f of zscored) cells.values[k * F + f] = ((cells.values[k * F + f] ?? Number.NaN) - (mean[f] ?? 0)) / (sd[f] ?? 1);
      }
    }
  }
}

/**
 * Feature windows for a model's inputs over sessions of a study, on session time: per window
 * the aggregates its card names, normalized as it asks. Windows lacking data are skipped and
 * counted by reason; missing values are never filled in.
 */
export async function buildWindows(study: Study, inputs: ModelInputs, options: WindowOptions = {}): Promise<FeatureWindows> {
  return study.db.read(async (conn) => {
    const requested = await readSessions(conn, options.sessions);
    const requestedIds = requested.map((s) => s.sessionId);
    await requireFeatures(conn, inputs.features, requestedIds, options.model ?? 'The model');
    // A participant-wide baseline needs every session of the participants being scored.
    let sessions = requested;
    if (inputs.normalization.kind === 'participant_zscore' && inputs.normalization.baseline.kind === 'participant_all') {
      const participants = new Set(requested.map((s) => s.participantId));
      const extra = (await readSessions(conn, undefined)).filter((s) => participants.has(s.participantId) && !requestedIds.includes(s.sessionId));
      sessions = [...requested, ...extra];
    }
    const g = geometry(inputs);
    const cells = await computeCells(conn, inputs, sessions);
    normalize(cells, inputs, g.cellHopUs, g.cellUs);
    return assemble(inputs, requested, cells);
  });
}

function assemble(inputs: ModelInputs, sessions: readonly SessionRow[], all: Map<string, SessionCells>): FeatureWindows {
  const F = inputs.features.length;
  const T = inputs.window.steps;
  const g = geometry(inputs);
  const windows: WindowRef[] = [];
  const skippedWindows: SkippedWindow[] = [];
  const skipped: Record<string, number> = {};
  const chunks: Float32Array[] = [];
  let total = 0;
  for (const session of sessions) {
    const cells = all.get(session.sessionId);
    if (cells === undefined) continue;
    const count = windowCount(session.durationUs, g.windowUs, g.hopUs);
    total += count;
    const block = new Float32Array(count * T * F);
    let kept = 0;
    for (let w = 0; w < count; w++) {
      const ref = { session_id: session.sessionId, participant_id: session.participantId, start_us: w * g.hopUs, end_us: w * g.hopUs + g.windowUs };
      let reason: string | null = null;
      for (let t = 0; t < T && reason === null; t++) reason = cells.reasons[w * g.stride + t] ?? null;
      if (reason !== null) {
        skipped[reason] = (skipped[reason] ?? 0) + 1;
        skippedWindows.push({ ...ref, reason });
        continue;
      }
      const first = w * g.stride * F;
      block.set(cells.values.subarray(first, first + T * F), kept * T * F);
      windows.push(ref);
      kept++;
    }
    chunks.push(block.subarray(0, kept * T * F));
  }
  const values = new Float32Array(windows.length * T * F);
  let offset = 0;
  for (const chunk of chunks) {
    values.set(chunk, offset);
    offset += chunk.length;
  }
  return { features: inputs.features.map((f) => f.name), steps: T, windows, values, total, skipped, skippedWindows };
}

