import type { ErasureReport } from '../../core/api/schemas.js';
import { MODALITY_LABELS, isModality } from '../../core/study/modalities.js';

/** "Everything" for a full erasure, else the modalities withdrawn: "Video, Audio". */
export function erasureScopeLabel(scope: string): string {
  if (scope === 'participant') return 'Everything';
  return scope
    .replace(/^modalities:/, '')
    .split(',')
    .map((m) => (isModality(m) ? MODALITY_LABELS[m] : m.replaceAll('_', ' ')))
    .join(', ');
}

/** Tables with rows deleted, most first. */
export function deletedRows(report: ErasureReport): { table: string; rows: number }[] {
  return Object.entries(report.rows)
    .filter(([, rows]) => rows > 0)
    .map(([table, rows]) => ({ table, rows }))
    .sort((a, b) => b.rows - a.rows || a.table.localeCompare(b.table));
}

export function totalDeleted(report: ErasureReport): number {
  return Object.values(report.rows).reduce((sum, rows) => sum + rows, 0);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit] ?? 'TB'}`;
}
