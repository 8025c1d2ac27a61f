import type { Command } from 'commander';
import type { StudyStatus } from '../../core/api/schemas.js';
import { MODALITY_LABELS } from '../../core/study/modalities.js';
import { printJson, withStudy, type StudyOptions } from '../context.js';
import { formatSpan } from '../../core/api/importSummaryView.js';
import { renderTable } from '../output.js';
import { formatCount } from '../progress.js';

export function renderStatus(status: StudyStatus): string {
  const lines: string[] = [];
  const s = status.study;
  lines.push(`Study "${s.name}" (${s.path}), schema ${s.schema_version}${s.read_only ? ', read-only' : ''}`);
  // Sessions without a lesson variant are counted only beside sessions that have one.
  const variants = status.variants.some((v) => v.variant !== null) ? status.variants.map((v) => `${v.variant ?? 'none'}: ${v.sessions}`).join(', ') : '';
  lines.push(`${status.participants} participants, ${status.sessions.length} sessions${variants ? ` (variants ${variants})` : ''}`);
  if (status.sessions.length > 0) {
    lines.push('');
    const rows = status.sessions.flatMap((session) =>
      session.streams.length === 0
        ? [[session.session_id, session.participant_id, session.variant, '', '', null, '']]
        : session.streams.map((st) => [session.session_id, session.participant_id, session.variant, st.kind, st.format, st.rows, formatSpan(st.start_us, st.end_us)]),
    );
    lines.push(renderTable(['session', 'participant', 'variant', 'stream', 'format', 'rows', 'time span'], rows));
  }
  lines.push('');
  if (s.data_basis.kind === 'secondary_data') {
    lines.push(`Data basis: an existing data set, used under its terms ("${s.data_basis.terms}"); consent is not recorded per participant.`);
  } else {
    lines.push('Consent (participants per state):');
    lines.push(
      renderTable(
        ['modality', 'granted', 'refused', 'withdrawn', 'expired', 'missing'],
        status.consent_coverage.map((c) => [MODALITY_LABELS[c.modality], c.granted, c.refused, c.withdrawn, c.expired, c.missing]),
      ),
    );
  }
  lines.push('');
  lines.push(`Rows per view: ${status.views.filter((v) => v.rows > 0).map((v) => `${v.view} ${formatCount(v.rows)}`).join(', ') || 'none yet'}`);
  return lines.join('\n');
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('Participants, sessions and streams with row counts and time spans, and consent coverage.')
    .action(async (_options: unknown, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      await withStudy(global, { readOnly: true }, async (client) => {
        const status = await client.call('study.status', {});
        if (global.json === true) printJson(status);
        else process.stdout.write(`${renderStatus(status)}\n`);
      });
    });
}
