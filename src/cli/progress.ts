import type { EventEnvelope } from '../core/api/events.js';

/**
 * Renders job.progress events as a bar on stderr when it is a terminal; elsewhere (CI logs,
 * pipes) it prints one line when each job ends, so logs stay readable.
 */
export class ProgressRenderer {
  private lastDraw = 0;
  private active = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  readonly onEvent = (event: EventEnvelope): void => {
    if (event.name !== 'job.progress') return;
    const p = event.payload as EventEnvelope<'job.progress'>['payload'];
    if (p.phase !== 'running') {
      this.clear();
      const total = p.total === null ? '' : ` of ${formatCount(p.total)}`;
      // A failed job's message is the command's error, which weft prints once, after this line.
      const message = p.phase === 'failed' || !p.message ? '' : ` ${p.message}`;
      this.stream.write(`${p.label}: ${p.phase} (${formatCount(p.done)}${total} ${p.unit})${message}\n`);
      return;
    }
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (now - this.lastDraw < 80) return;
    this.lastDraw = now;
    const width = 28;
    const fraction = p.total === null || p.total === 0 ? null : Math.min(1, p.done / p.total);
    const bar = fraction === null ? '' : `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '.')}] ${Math.round(fraction * 100)}% `;
    const text = `${p.label} ${bar}${formatCount(p.done)}${p.total === null ? '' : `/${formatCount(p.total)}`} ${p.unit}`;
    this.stream.write(`\r${text.slice(0, (this.stream.columns || 100) - 1).padEnd(this.lastWidth)}`);
    this.lastWidth = Math.min(text.length, (this.stream.columns || 100) - 1);
    this.active = true;
  };

  private lastWidth = 0;

  clear(): void {
    if (this.active && this.stream.isTTY) this.stream.write(`\r${' '.repeat(this.lastWidth)}\r`);
    this.active = false;
    this.lastWidth = 0;
  }
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
