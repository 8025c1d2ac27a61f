import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { ClockAlignResult } from '../../core/api/schemas.js';
import { MARKER_COLUMNS, MARKER_STREAM_KINDS, type MarkerColumn, type MarkerStreamKind } from '../../core/clock/markerSpec.js';
import { STREAM_KINDS, isStreamKind, type StreamKind } from '../../core/study/modalities.js';
import { deviceUs, toSessionTime } from '../../core/time.js';
import { printJson, withStudy, type StudyOptions } from '../context.js';
import { renderTable } from '../output.js';

interface Side {
  kind: MarkerStreamKind;
  event_kind?: string;
  column?: MarkerColumn;
  attribute?: string;
}

/** "interaction_log:attributes.Transaction Id" or "eye_markers/logdata:label". */
export function parseMarkerSide(value: string): Side {
  const match = /^([a-z_]+)(?:\/([^:]+))?:(.+)$/.exec(value);
  const kind = match?.[1];
  if (match === null || kind === undefined || !(MARKER_STREAM_KINDS as readonly string[]).includes(kind)) {
    throw new InvalidArgumentError(`expected KIND[/EVENT]:KEY with KIND one of ${MARKER_STREAM_KINDS.join(', ')} and KEY a column (${MARKER_COLUMNS.join(', ')}) or attributes.NAME`);
  }
  const key = match[3] ?? '';
  const side: Side = { kind: kind as MarkerStreamKind, ...(match[2] === undefined ? {} : { event_kind: match[2] }) };
  if (key.startsWith('attributes.')) return { ...side, attribute: key.slice('attributes.'.length) };
  if (!(MARKER_COLUMNS as readonly string[]).includes(key)) throw new InvalidArgumentError(`"${key}" is neither a column (${MARKER_COLUMNS.join(', ')}) nor attributes.NAME`);
  return { ...side, column: key as MarkerColumn };
}

/** How far the alignment moved the device's clock, compared at the markers' mean device time. */
function shiftUs(a: ClockAlignResult['aligned'][number]): number {
  const before = toSessionTime({ offsetUs: a.previous.offset_us, driftPpm: a.previous.drift_ppm, deviceOriginUs: a.previous.origin_us }, deviceUs(a.origin_us));
  return a.offset_us - before;
}

export function renderAlignment(result: ClockAlignResult): string {
  const lines = [
    renderTable(
      ['session', 'pairs', 'shift (s)', 'drift (ppm)', 'rms residual (ms)', 'streams re-timed', 'rows'],
      result.aligned.map((a) => [
        a.session_id,
        a.pairs,
        Number((shiftUs(a) / 1e6).toFixed(3)),
        a.drift_fitted ? Number(a.drift_ppm.toFixed(1)) : 'not fitted',
        Number((a.rms_us / 1e3).toFixed(1)),
        a.retimed_stream_ids.length,
        a.rows_retimed,
      ]),
    ),
  ];
  for (const s of result.skipped) lines.push(`skipped ${s.session_id}: ${s.reason}`);
  for (const n of result.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

export function registerAlign(program: Command): void {
  program
    .command('align')
    .description('Align a device\'s clock to a reference clock by sync markers: the same moment logged in two streams, paired by key. Re-times every stream of the device\'s file (audited).')
    .requiredOption('--reference <spec>', 'the clock to trust, KIND[/EVENT]:KEY, e.g. "interaction_log:attributes.Transaction Id"', parseMarkerSide)
    .requiredOption('--target <spec>', 'the device to re-time, e.g. "eye_markers/logdata:attributes.Descriptor"', parseMarkerSide)
    .option('--session <id>', 'one session (default: every session with both)')
    .option('--drift <mode>', 'auto (fit drift only when the markers can tell it), fit, or none', (v) => {
      if (v !== 'auto' && v !== 'fit' && v !== 'none') throw new InvalidArgumentError('auto, fit or none');
      return v;
    }, 'auto')
    .option('--exclude <keys>', 'comma-separated marker keys to leave out of the fit', (v) => v.split(',').map((k) => k.trim()).filter((k) => k !== ''), [] as string[])
    .option('--reference-truncated <seconds>', 'the reference times were cut to whole units of this many seconds (1 for a tutor log in whole seconds)', (v) => {
      const n = Number(v);
      if (!(n > 0)) throw new InvalidArgumentError('a positive number of seconds');
      return n;
    })
    .option('--also <kinds>', `other stream kinds recorded on the target's clock, re-timed with it (e.g. segments); one of ${STREAM_KINDS.join(', ')}`, (v) => {
      const kinds = v.split(',').map((k) => k.trim());
      for (const k of kinds) if (!isStreamKind(k)) throw new InvalidArgumentError(`unknown stream kind "${k}"`);
      return kinds as StreamKind[];
    }, [] as StreamKind[])
    .action(async (options: { reference: Side; target: Side; session?: string; drift: 'auto' | 'fit' | 'none'; exclude: string[]; referenceTruncated?: number; also: StreamKind[] }, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      await withStudy(global, { readOnly: false }, async (client) => {
        const result = await client.call('clock.align', {
          reference: options.reference,
          target: options.target,
          drift: options.drift,
          exclude: options.exclude,
          also_kinds: options.also,
          ...(options.session === undefined ? {} : { session_id: options.session }),
          ...(options.referenceTruncated === undefined ? {} : { reference_truncated_us: options.referenceTruncated * 1e6 }),
        });
        if (global.json === true) printJson(result);
        else process.stdout.write(`${renderAlignment(result)}\n`);
      });
    });
}
