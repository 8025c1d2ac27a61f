import type { Connection } from '../../../src/backend/store/duck.js';
import type { Study } from '../../../src/backend/store/study.js';

export interface FaceFrame {
  readonly t_s: number;
  /** null: the face was not tracked in this frame. */
  readonly values: Readonly<Record<string, number>> | null;
}

export interface Action {
  readonly t_s: number;
  readonly kind: 'attempt' | 'hint_request';
  readonly outcome: 'CORRECT' | 'INCORRECT' | 'HINT';
  readonly step?: string;
}

const us = (s: number): bigint => BigInt(Math.round(s * 1e6));

async function nextStream(conn: Connection): Promise<number> {
  return Number(await conn.scalar('SELECT coalesce(max(stream_id), 0) + 1 FROM weft.streams'));
}

async function addStream(conn: Connection, sessionId: string, kind: string, modality: string, rows: number, start: number, end: number): Promise<number> {
  const id = await nextStream(conn);
  await conn.run(
    `INSERT INTO weft.streams (stream_id, session_id, kind, format, modality, clock_offset_us, clock_drift_ppm, clock_origin_us, clock_source, row_count, start_us, end_us, import_id, imported_at_us)
     VALUES ($id, $s, $kind, 'test', $modality, 0, 0, 0, 'test', $rows, $start, $end, 'test', 0)`,
    { id, s: sessionId, kind, modality, rows, start: us(start), end: us(end) },
  );
  return id;
}

/** Writes rows straight into the internal tables, bypassing the importers, for exact control in tests. */
export async function addSession(study: Study, participantId: string, sessionId: string, durationS: number): Promise<void> {
  await study.db.write(async (conn) => {
    await conn.run(`INSERT INTO weft.participants (participant_id, created_at_us) VALUES ($p, 0) ON CONFLICT DO NOTHING`, { p: participantId });
    await conn.run(`INSERT INTO weft.sessions (session_id, participant_id, started_at_us, duration_us, created_at_us) VALUES ($s, $p, 0, $d, 0)`, {
      s: sessionId,
      p: participantId,
      d: us(durationS),
    });
  });
}

export async function addFace(study: Study, sessionId: string, frames: readonly FaceFrame[]): Promise<void> {
  const columns = [...new Set(frames.flatMap((f) => (f.values === null ? [] : Object.keys(f.values))))];
  await study.db.write(async (conn) => {
    const stream = await addStream(conn, sessionId, 'face_features', 'face_features', frames.length, frames[0]?.t_s ?? 0, frames.at(-1)?.t_s ?? 0);
    const rows = frames.map((f, i) => {
      const values = columns.map((c) => (f.values === null ? 'NULL' : String(f.values[c] ?? 'NULL')));
      return `(${stream}, $s, ${us(f.t_s)}, ${i}, ${f.values !== null}${values.map((v) => `, ${v}`).join('')})`;
    });
    await conn.run(`INSERT INTO weft.face_frames (stream_id, session_id, t_us, frame, success${columns.map((c) => `, ${c}`).join('')}) VALUES ${rows.join(', ')}`, { s: sessionId });
  });
}

export async function addActions(study: Study, sessionId: string, actions: readonly Action[]): Promise<void> {
  await study.db.write(async (conn) => {
    const stream = await addStream(conn, sessionId, 'interaction_log', 'interaction_logs', actions.length, actions[0]?.t_s ?? 0, actions.at(-1)?.t_s ?? 0);
    for (const a of actions) {
      await conn.run(`INSERT INTO weft.events (stream_id, session_id, t_us, kind, problem, step, skill, outcome) VALUES ($stream, $s, $t, $kind, 'p1', $step, 'k1', $outcome)`, {
        stream,
        s: sessionId,
        t: us(a.t_s),
        kind: a.kind,
        step: a.step ?? 's1',
        outcome: a.outcome,
      });
    }
  });
}

export async function addAnnotations(
  study: Study,
  sessionId: string,
  tier: string,
  rows: readonly { annotator: string; label: string; start_s: number; end_s: number }[],
): Promise<void> {
  await study.db.write(async (conn) => {
    for (const [i, r] of rows.entries()) {
      await conn.run(
        `INSERT INTO weft.annotations (annotation_id, session_id, tier, annotator, label, start_us, end_us, created_at_us) VALUES ($id, $s, $tier, $a, $l, $start, $end, 0)`,
        { id: `${sessionId}-${tier}-${i}`, s: sessionId, tier, a: r.annotator, l: r.label, start: us(r.start_s), end: us(r.end_s) },
      );
    }
  });
}

/** Frames every 1/rate s over [from, to), with values from a function of time (null: not tracked). */
export function frames(from: number, to: number, rate: number, values: (t: number) => Record<string, number> | null): FaceFrame[] {
  const out: FaceFrame[] = [];
  for (let i = 0; from + i / rate < to - 1e-9; i++) {
    const t = Math.round((from + i / rate) * 1e6) / 1e6;
    out.push({ t_s: t, values: values(t) });
  }
  return out;
}
