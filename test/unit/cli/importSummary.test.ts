import { describe, expect, it } from 'vitest';
import type { ImportSummary, ImportedFile } from '../../../src/core/api/schemas.js';
import { renderImportSummary } from '../../../src/cli/commands/import.js';

type Refused = ImportedFile['refused'][number];

function summaryOf(refused: Refused[], streams: ImportedFile['streams'] = []): ImportSummary {
  const file: ImportedFile = {
    path: '/data/tx.txt',
    format: 'datashop-tx',
    sha256: 'a'.repeat(64),
    bytes: 100,
    status: 'imported',
    duplicate_of: null,
    streams,
    refused,
    annotations: 0,
    consents: 0,
    demographics: 0,
    warnings: [],
  };
  return { import_id: 'i1', dry_run: false, files: [file], rows: streams.reduce((n, s) => n + s.rows, 0), warnings: 0, withdrawn: [], erasures: [] };
}

const refusal = (participant: string, session: string, rows: number, consent: Refused['consent'] = 'missing'): Refused => ({
  participant_id: participant,
  session_id: session,
  kind: 'interaction_log',
  modality: 'interaction_logs',
  consent,
  rows,
});

describe('the import summary', () => {
  it('says nothing was stored, groups refusals by participant and says how consent is recorded', () => {
    const text = renderImportSummary(summaryOf([refusal('Stu_A', 'A-1', 3), refusal('Stu_A', 'A-2', 4), refusal('Stu_B', 'B-1', 1_200)]));
    const lines = text.split('\n');
    expect(lines[0]).toBe('Nothing stored.');
    expect(lines).toContain('Not stored, for lack of consent: 1,207 rows of 2 participants:');
    expect(lines).toContain('  Stu_A (2 sessions): interaction_log, 7 rows (Interaction logs consent missing)');
    expect(lines).toContain('  Stu_B (B-1): interaction_log, 1,200 rows (Interaction logs consent missing)');
    expect(text).toContain('`weft consent record`; then import the file again');
    expect(text).toContain('`weft init --secondary-data TERMS`');
  });

  it('shows at most 20 refusals, says how many more there are, and gives no consent advice for a withdrawal', () => {
    const refused = Array.from({ length: 26 }, (_, i) => refusal(`Stu_${String(i).padStart(2, '0')}`, `S${i}`, 10, 'withdrawn'));
    const lines = renderImportSummary(summaryOf(refused)).split('\n');
    expect(lines.filter((l) => l.startsWith('  Stu_'))).toHaveLength(20);
    expect(lines).toContain('  … and 6 more (--json lists every one)');
    expect(lines.join('\n')).not.toContain('weft consent record');
    expect(lines.join('\n')).not.toContain('Refused annotations');
  });

  it('says that refused annotations are not read again from the same file', () => {
    const text = renderImportSummary(summaryOf([{ participant_id: 'P01', session_id: 'S01', kind: 'annotations', modality: 'affect_inferences', consent: 'missing', rows: 12 }]));
    expect(text).toContain('  P01 (S01): annotations, 12 rows (Affect inferences consent missing)');
    expect(text).toContain('Refused annotations and demographics are not read again from a file imported before: only its streams are.');
  });

  it('names the one participant of a file that holds several of their sessions', () => {
    const stream = (session: string): ImportedFile['streams'][number] => ({
      stream_id: 1,
      session_id: session,
      participant_id: 'Stu_A',
      kind: 'interaction_log',
      rows: 5,
      start_us: 0,
      end_us: 1_000_000,
      clock_source: 'absolute timestamps in the file',
    });
    const text = renderImportSummary(summaryOf([], [stream('A-1'), stream('A-2')]));
    expect(text).toContain('Stu_A, 2 sessions');
    expect(text).toContain('Imported 1 file (10 rows).');
  });

  it('gives the time span of a short stream to the millisecond, of a longer one to the tenth or the second', () => {
    const span = (startUs: number, endUs: number): string => {
      const text = renderImportSummary(summaryOf([], [{ stream_id: 1, session_id: 'S1', participant_id: 'P1', kind: 'face_features', rows: 100, start_us: startUs, end_us: endUs, clock_source: 'declared offset' }]));
      return /face_features\s+100\s+(\S+)/.exec(text)?.[1] ?? '';
    };
    expect(span(0, 99_000)).toBe('0:00.000–0:00.099');
    expect(span(1_250_000, 42_960_000)).toBe('0:01.3–0:43.0');
    expect(span(0, 4_039_400_000)).toBe('0:00–1:07:19');
  });
});
