import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BLENDSHAPE_NAMES } from '../../src/core/face/featureSchema.js';
import { MODALITIES, type Modality } from '../../src/core/study/modalities.js';

/** Small files in the formats of docs/formats.md, for tests that need a study with content. */

export interface ConsentRow {
  readonly id: string;
  readonly refuse?: readonly Modality[];
  readonly withdrawn?: string;
  readonly complete?: string;
}

export async function writeConsentCsv(dir: string, rows: readonly ConsentRow[], name = 'consent.csv'): Promise<string> {
  const header = ['record_id', 'redcap_event_name', 'consent_date', 'consent_form_version', 'consent_expiry_date', ...MODALITIES.map((m) => `consent_modalities___${m}`), 'withdrawal_date', 'consent_complete'];
  const lines = rows.map((r) =>
    [r.id, 'enrollment_arm_1', '2026-02-02', 'v2.1', '', ...MODALITIES.map((m) => (r.refuse?.includes(m) ? '0' : '1')), r.withdrawn ?? '', r.complete ?? '2'].join(','),
  );
  const path = join(dir, name);
  await writeFile(path, [header.join(','), ...lines].join('\n') + '\n');
  return path;
}

export interface TxRow {
  readonly student: string;
  readonly session: string;
  readonly time: string;
  readonly type?: string;
  readonly outcome?: string;
  readonly condition?: string;
  readonly problem?: string;
  readonly step?: string;
  readonly kc?: string;
  readonly attempt?: number;
  readonly duration?: string;
}

export const TX_HEADER = ['Row', 'Anon Student Id', 'Session Id', 'Time', 'Time Zone', 'Duration (sec)', 'Student Response Type', 'Problem Name', 'Step Name', 'Attempt At Step', 'Outcome', 'Selection', 'Action', 'Input', 'Condition Name', 'Condition Type', 'KC (Default)', 'KC (Default)'];

export async function writeTransactions(dir: string, rows: readonly TxRow[], name = 'tx.txt'): Promise<string> {
  const lines = rows.map((r, i) =>
    [String(i + 1), r.student, r.session, r.time, 'US/Eastern', r.duration ?? '4', r.type ?? 'ATTEMPT', r.problem ?? 'FRAC-1', r.step ?? 'step1', String(r.attempt ?? 1), r.outcome ?? 'CORRECT', 'answer', 'UpdateTextField', '3/4', r.condition ?? 'A', 'experimental', r.kc ?? 'add-fractions', ''].join('\t'),
  );
  const path = join(dir, name);
  await writeFile(path, [TX_HEADER.join('\t'), ...lines].join('\n') + '\n');
  return path;
}

/** A short session of transactions; `startLocal` is wall-clock time in US/Eastern, as the file states it. */
export function sessionRows(student: string, session: string, condition: string, startLocal: string, count: number): TxRow[] {
  const start = Date.parse(startLocal);
  return Array.from({ length: count }, (_, i) => {
    const t = new Date(start + i * 20_000);
    const local = `${t.getUTCFullYear()}-${String(t.getUTCMonth() + 1).padStart(2, '0')}-${String(t.getUTCDate()).padStart(2, '0')} ${String(t.getUTCHours()).padStart(2, '0')}:${String(t.getUTCMinutes()).padStart(2, '0')}:${String(t.getUTCSeconds()).padStart(2, '0')}`;
    return { student, session, time: local, condition, outcome: i % 3 === 0 ? 'INCORRECT' : 'CORRECT', problem: `FRAC-${1 + Math.floor(i / 4)}` };
  });
}

export async function writeFaceCsv(dir: string, frames: number, name = 'face.csv', options: { missing?: (frame: number) => boolean } = {}): Promise<string> {
  const header = ['frame', 'media_time_us', 'face_present', 'confidence', 'head_yaw_deg', 'head_pitch_deg', 'head_roll_deg', ...BLENDSHAPE_NAMES];
  const lines: string[] = [header.join(',')];
  for (let f = 0; f < frames; f += 1) {
    const t = Math.round((f * 1_000_000) / 30);
    if (options.missing?.(f) === true) {
      lines.push([String(f), String(t), '0', ...new Array<string>(header.length - 3).fill('')].join(','));
    } else {
      lines.push([String(f), String(t), '1', '0.97', '2.5', '-1.25', '0.5', ...BLENDSHAPE_NAMES.map((_, k) => ((k * 7 + f) % 100 / 100).toFixed(4))].join(','));
    }
  }
  const path = join(dir, name);
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}

export async function writeAnnotations(dir: string, rows: readonly string[][], name = 'annotations.csv'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, ['session_id,tier,annotator,label,start_s,end_s,note', ...rows.map((r) => r.join(','))].join('\n') + '\n');
  return path;
}
