/** Plain-text and CSV rendering for the terminal. */

export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

export function renderTable(headers: readonly string[], rows: readonly (readonly unknown[])[], maxWidth = 48): string {
  const cells = rows.map((row) => headers.map((_, i) => clip(formatCell(row[i]), maxWidth)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((row) => row[i] === null || typeof row[i] === 'number'));
  const line = (values: readonly string[]): string =>
    values.map((v, i) => (numeric[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function clip(text: string, width: number): string {
  const single = text.replace(/\s+/g, ' ');
  return single.length > width ? `${single.slice(0, width - 1)}…` : single;
}

export function csvField(value: unknown): string {
  const text = formatCell(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function renderCsv(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [headers.map(csvField).join(','), ...rows.map((row) => row.map(csvField).join(','))].join('\r\n') + '\r\n';
}

