import { createHash, createHmac, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { EXPORTABLE_VIEW_NAMES } from '../../core/api/contract.js';
import type { EventSink } from '../../core/api/events.js';
import { WeftError } from '../../core/errors.js';
import { checkKAnonymity, generalize, type KAnonymityCheck, type QuasiRecord } from '../../core/privacy/kAnonymity.js';
import type { MinimizationPolicy } from '../../core/privacy/policy.js';
import {
  EMAIL_PATTERN,
  EMAIL_PLACEHOLDER,
  IDENTIFIER_PLACEHOLDER,
  NAME_PLACEHOLDER,
  PHONE_PATTERN,
  PHONE_PLACEHOLDER,
  identifierPattern,
  rosterPattern,
} from '../../core/privacy/redaction.js';
import { readPolicy } from '../privacy/policy.js';
import { participantRef } from '../privacy/pseudonym.js';
import { appendAudit } from '../store/audit.js';
import { sqlString, type Connection } from '../store/duck.js';
import type { Study } from '../store/study.js';
import { VIEWS, type ViewDef } from '../store/views.js';

export type ExportableView = (typeof EXPORTABLE_VIEW_NAMES)[number];

/** Columns that never leave Weft: where files are, what they hashed to, the tools' notes. */
const NEVER_EXPORTED: Readonly<Record<string, ReadonlySet<string>>> = {
  streams: new Set(['source_path', 'source_sha256', 'provenance']),
  media: new Set(['path', 'sha256', 'bytes']),
};

const FREE_TEXT = new Set(['events.label', 'events.problem', 'events.step', 'events.selection', 'events.action', 'events.input', 'events.feedback', 'events.attributes', 'annotations.note']);

export interface ExportRequest {
  readonly out: string;
  readonly format: 'parquet' | 'csv';
  readonly views: readonly ExportableView[];
  readonly actor: string;
  readonly events: EventSink;
}

export interface ExportSummary {
  readonly export_id: string;
  readonly out: string;
  readonly format: 'parquet' | 'csv';
  readonly files: { file: string; view: string; rows: number; sha256: string }[];
  readonly participants: number;
  readonly pseudonymized: boolean;
  readonly session_relative_time: boolean;
  readonly redaction: { emails_and_phones: boolean; roster_names: number };
  readonly k_anonymity: { k: number; quasi_identifiers: string[]; smallest_class: number | null; generalized: string[] };
}

function sessionRef(key: string, sessionId: string): string {
  return `s_${createHmac('sha256', Buffer.from(key, 'hex')).update(`session:${sessionId}`).digest('hex').slice(0, 20)}`;
}

async function readRoster(study: Study, policy: MinimizationPolicy): Promise<string[]> {
  const file = policy.export.roster_file;
  if (file === null) return [];
  const path = isAbsolute(file) ? file : join(study.dir, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new WeftError('NOT_FOUND', `The roster file the policy names, ${path}, cannot be read; fix export.roster_file in the policy`);
  }
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  const header = lines[0]?.split(',').map((c) => c.trim().toLowerCase()) ?? [];
  const column = header.indexOf('name');
  return column < 0 ? lines : lines.slice(1).map((l) => l.split(',')[column]?.trim() ?? '').filter((n) => n !== '');
}

interface Redaction {
  /** E-mail addresses and phone numbers. */
  readonly contacts: boolean;
  readonly roster: string | null;
  /** The study's participant and session ids, when ids are pseudonymized. */
  readonly identifiers: string | null;
}

function redacted(expression: string, redaction: Redaction): string {
  let sql = expression;
  if (redaction.identifiers !== null) sql = `regexp_replace(${sql}, ${sqlString(redaction.identifiers)}, ${sqlString(IDENTIFIER_PLACEHOLDER)}, 'g')`;
  if (redaction.contacts) {
    sql = `regexp_replace(regexp_replace(${sql}, ${sqlString(EMAIL_PATTERN)}, ${sqlString(EMAIL_PLACEHOLDER)}, 'g'), ${sqlString(PHONE_PATTERN)}, ${sqlString(PHONE_PLACEHOLDER)}, 'g')`;
  }
  if (redaction.roster !== null) sql = `regexp_replace(${sql}, ${sqlString(redaction.roster)}, ${sqlString(NAME_PLACEHOLDER)}, 'g')`;
  return sql;
}

/** The SELECT that writes one view: identifiers replaced, instants dropped, free text redacted. */
function selectFor(view: ViewDef, policy: MinimizationPolicy, redaction: Redaction): { sql: string; columns: string[] } {
  const skipped = NEVER_EXPORTED[view.name] ?? new Set<string>();
  const expressions: string[] = [];
  const columns: string[] = [];
  for (const column of view.columns) {
    if (skipped.has(column.name)) continue;
    if (policy.export.session_relative_time && column.type === 'TIMESTAMP WITH TIME ZONE') continue;
    let expression = `v."${column.name}"`;
    if (policy.export.pseudonymize_ids && column.name === 'participant_id') expression = `pm.pseudonym`;
    else if (policy.export.pseudonymize_ids && column.name === 'session_id') expression = `sm.pseudonym`;
    else if (view.name === 'participants' && column.name === 'attributes') expression = `qi.attributes`;
    else if (FREE_TEXT.has(`${view.name}.${column.name}`) && (redaction.contacts || redaction.roster !== null || redaction.identifiers !== null)) {
      expression = redacted(`CAST(v."${column.name}" AS VARCHAR)`, redaction);
    }
    expressions.push(`${expression} AS "${column.name}"`);
    columns.push(column.name);
  }
  const has = (name: string): boolean => view.columns.some((c) => c.name === name);
  const joins = [
    has('participant_id') ? 'LEFT JOIN export_participants pm ON pm.participant_id = v.participant_id' : '',
    has('session_id') ? 'LEFT JOIN export_sessions sm ON sm.session_id = v.session_id' : '',
    view.name === 'participants' ? 'LEFT JOIN export_attributes qi ON qi.participant_id = v.participant_id' : '',
  ].filter((j) => j !== '');
  return { sql: `SELECT ${expressions.join(', ')} FROM ${view.name} v ${joins.join(' ')}`, columns };
}

async function valuesTable(conn: Connection, name: string, columns: readonly string[], rows: readonly (readonly string[])[]): Promise<void> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${name} (${columns.map((c) => `${c} VARCHAR`).join(', ')})`);
  for (let at = 0; at < rows.length; at += 500) {
    const chunk = rows.slice(at, at + 500);
    await conn.run(`INSERT INTO ${name} VALUES ${chunk.map((r) => `(${r.map(sqlString).join(', ')})`).join(', ')}`);
  }
}

async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

function codebook(summary: ExportSummary, views: readonly ViewDef[], policy: MinimizationPolicy, written: Map<string, string[]>): string {
  const lines = [
    `# Weft export ${summary.export_id}`,
    '',
    `Written by Weft on ${new Date().toISOString().slice(0, 10)}, ${summary.participants} participants, files in ${summary.format}.`,
    '',
    '## How the data were minimised',
    '',
    summary.pseudonymized
      ? '- Participant and session ids are keyed pseudonyms (HMAC-SHA-256 with a secret only the study holds): the same participant has the same pseudonym in every export of this study, and nobody without the study can reverse it.'
      : '- Participant and session ids are the study\'s own (pseudonymization was switched off in the policy).',
    summary.session_relative_time
      ? '- Wall-clock dates and times are left out: every time is session time, microseconds from the start of the session (`*_us` columns).'
      : '- Wall-clock instants are included (the policy allows it).',
    summary.redaction.emails_and_phones
      ? `- Free text (tutor inputs, feedback, labels, notes, log attributes) has e-mail addresses replaced by ${EMAIL_PLACEHOLDER}, phone numbers by ${PHONE_PLACEHOLDER}${summary.redaction.roster_names > 0 ? `, the ${summary.redaction.roster_names} names on the study roster by ${NAME_PLACEHOLDER}` : ''}${summary.pseudonymized ? `, and the study's own participant and session ids by ${IDENTIFIER_PLACEHOLDER}` : ''}.`
      : '- Free text is not redacted (the policy allows it).',
    summary.k_anonymity.quasi_identifiers.length === 0
      ? '- No demographic quasi-identifiers are present, so no k-anonymity check applied.'
      : `- Demographic quasi-identifiers (${summary.k_anonymity.quasi_identifiers.join(', ')}) are ${summary.k_anonymity.k}-anonymous: every combination is shared by at least ${summary.k_anonymity.k} participants (smallest group: ${summary.k_anonymity.smallest_class ?? 'n/a'}).${summary.k_anonymity.generalized.length > 0 ? ` To get there: ${summary.k_anonymity.generalized.join('; ')}.` : ''}`,
    '- Only data the participants consented to is in the study, so only that is here. Paths, file hashes and tool provenance are left out.',
    '',
    '## Files',
    '',
    ...summary.files.map((f) => `- \`${f.file}\`: ${f.rows} rows (sha256 ${f.sha256})`),
    '',
    '## Columns',
    '',
  ];
  for (const view of views) {
    const kept = written.get(view.name) ?? [];
    lines.push(`### ${view.name}`, '', view.description, '', '| column | type | meaning |', '|---|---|---|');
    for (const column of view.columns.filter((c) => kept.includes(c.name))) lines.push(`| \`${column.name}\` | ${column.type} | ${column.description.replaceAll('|', '\\|')} |`);
    lines.push('');
  }
  lines.push('## Policy in force', '', '```json', JSON.stringify(policy.export, null, 2), '```', '');
  return lines.join('\n');
}

/**
 * Writes the study's data as tidy files for R and Python, minimised as the study's policy says,
 * with a codebook; refuses when demographics are not k-anonymous and the policy says refuse.
 * The export is registered (so that a later erasure can list it) and audited.
 */
export async function exportStudy(study: Study, request: ExportRequest): Promise<ExportSummary> {
  const out = resolve(request.out);
  if (existsSync(out) && (await readdir(out)).length > 0) {
    throw new WeftError('CONFLICT', `${out} is not empty; give a new or empty folder for the export`);
  }
  const key = await study.pseudonymKey();
  const exportId = randomUUID();
  const progress = (done: number, message: string): void =>
    request.events.emit('job.progress', { job_id: exportId, label: 'Exporting', phase: 'running', done, total: request.views.length, unit: 'views', message });

  const summary = await study.db.read(async (conn) => {
    const policy = await readPolicy(conn);
    const roster = await readRoster(study, policy);
    const rosterRegex = policy.export.redact_free_text ? rosterPattern(roster) : null;
    const participants = await conn.all(`SELECT participant_id, CAST(attributes AS VARCHAR) AS attributes FROM weft.participants ORDER BY participant_id`);
    const sessions = await conn.all(`SELECT session_id FROM weft.sessions ORDER BY session_id`);

    const records: QuasiRecord[] = participants.map((p) => {
      const attributes = p['attributes'] === null ? {} : (JSON.parse(String(p['attributes'])) as Record<string, string | number | null>);
      return { id: String(p['participant_id']), values: attributes };
    });
    const present = policy.export.k_anonymity.quasi_identifiers.filter((q) => records.some((r) => r.values[q] !== undefined && r.values[q] !== null));
    let check: KAnonymityCheck = checkKAnonymity(records, present, policy.export.k_anonymity.k);
    let released: readonly QuasiRecord[] = records;
    let generalized: string[] = [];
    if (!check.satisfied) {
      if (policy.export.k_anonymity.on_fail === 'refuse') {
        throw new WeftError(
          'POLICY_REFUSED',
          `Export refused: the demographic items ${present.join(', ')} single out groups smaller than k = ${check.k} (the smallest has ${check.smallest} participant${check.smallest === 1 ? '' : 's'}). Drop those items from the export, or set the policy's export.k_anonymity.on_fail to "generalize"`,
          { details: { k: check.k, smallest: check.smallest, quasi_identifiers: present } },
        );
      }
      const result = generalize(records, present, check.k);
      released = result.records;
      check = result.check;
      generalized = [...result.steps];
      if (!check.satisfied) throw new WeftError('POLICY_REFUSED', `Export refused: even generalized, the demographic items leave a group smaller than k = ${check.k}`);
    }

    await valuesTable(conn, 'export_participants', ['participant_id', 'pseudonym'], participants.map((p) => [String(p['participant_id']), participantRef(key, String(p['participant_id']))]));
    await valuesTable(conn, 'export_sessions', ['session_id', 'pseudonym'], sessions.map((s) => [String(s['session_id']), sessionRef(key, String(s['session_id']))]));
    await valuesTable(conn, 'export_attributes', ['participant_id', 'attributes'], released.map((r) => [r.id, JSON.stringify(r.values)]));

    await mkdir(out, { recursive: true });
    const files: ExportSummary['files'] = [];
    const written = new Map<string, string[]>();
    const views = request.views.map((name) => VIEWS.find((v) => v.name === name)).filter((v): v is ViewDef => v !== undefined);
    for (const [i, view] of views.entries()) {
      progress(i, view.name);
      const redaction: Redaction = {
        contacts: policy.export.redact_free_text,
        roster: rosterRegex,
        identifiers: policy.export.pseudonymize_ids
          ? identifierPattern([...participants.map((p) => String(p['participant_id'])), ...sessions.map((s) => String(s['session_id']))])
          : null,
      };
      const { sql, columns } = selectFor(view, policy, redaction);
      const file = `${view.name}.${request.format}`;
      const path = join(out, file);
      const options = request.format === 'parquet' ? '(FORMAT parquet, COMPRESSION zstd)' : '(FORMAT csv, HEADER true)';
      await conn.run(`COPY (${sql}) TO ${sqlString(path)} ${options}`);
      const rows = Number(await conn.scalar(`SELECT count(*) FROM ${view.name}`));
      files.push({ file, view: view.name, rows, sha256: await sha256(path) });
      written.set(view.name, columns);
    }
    const result: ExportSummary = {
      export_id: exportId,
      out,
      format: request.format,
      files,
      participants: participants.length,
      pseudonymized: policy.export.pseudonymize_ids,
      session_relative_time: policy.export.session_relative_time,
      redaction: { emails_and_phones: policy.export.redact_free_text, roster_names: rosterRegex === null ? 0 : roster.length },
      k_anonymity: { k: check.k, quasi_identifiers: [...present], smallest_class: present.length === 0 ? null : check.smallest, generalized },
    };
    await writeFile(join(out, 'README.md'), codebook(result, views, policy, written));
    await writeFile(join(out, 'export.json'), `${JSON.stringify({ ...result, policy: policy.export }, null, 2)}\n`);
    return { result, policy, refs: participants.map((p) => participantRef(key, String(p['participant_id']))) };
  });

  await study.db.write(async (conn) => {
    await conn.run(`INSERT INTO weft.exports VALUES ($id, $path, $at, $actor, $format, $views, $refs, $policy, $files)`, {
      id: exportId,
      path: out,
      at: BigInt(Date.now() * 1000),
      actor: request.actor,
      format: request.format,
      views: JSON.stringify(request.views),
      refs: JSON.stringify(summary.refs),
      policy: JSON.stringify(summary.policy.export),
      files: JSON.stringify(summary.result.files),
    });
    await appendAudit(conn, {
      actor: request.actor,
      action: 'export',
      target: exportId,
      detail: { format: request.format, views: [...request.views], participants: summary.refs.length, files: summary.result.files.map((f) => ({ file: f.file, rows: f.rows, sha256: f.sha256 })), k_anonymity: summary.result.k_anonymity },
    });
  });
  request.events.emit('job.progress', { job_id: exportId, label: 'Exporting', phase: 'done', done: request.views.length, total: request.views.length, unit: 'views' });
  return summary.result;
}
