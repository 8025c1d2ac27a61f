import { createHash } from 'node:crypto';
import type { FieldEntry } from '../../core/api/schemas.js';
import { SENSITIVITY_LABELS, type MinimizationPolicy, type Sensitivity } from '../../core/privacy/policy.js';
import { MODALITIES, MODALITY_LABELS, type Modality } from '../../core/study/modalities.js';
import { verifyAudit, type AuditVerification } from '../store/audit.js';
import type { Connection } from '../store/duck.js';
import type { Study } from '../store/study.js';
import { listFields } from './fieldList.js';
import { readPolicy } from './policy.js';
import { enforceRetention, type RetentionReport } from './retention.js';

export interface FieldGroup {
  readonly view: string;
  readonly modality: Modality | null;
  readonly sensitivity: Sensitivity;
  readonly fields: number;
  readonly collected: number;
  readonly purposes: readonly string[];
  readonly legalBases: readonly string[];
  readonly retentionDays: readonly (number | null)[];
  readonly unreviewed: number;
  readonly usedBy: readonly string[];
}

export interface EthicsData {
  readonly study: ReturnType<Study['info']>;
  readonly basis: string;
  readonly generatedAt: string;
  readonly participants: number;
  readonly sessions: number;
  readonly groups: readonly FieldGroup[];
  readonly flagged: readonly FieldEntry[];
  readonly coverage: readonly { modality: Modality; granted: number; refused: number; withdrawn: number; expired: number; missing: number; collected: boolean }[];
  readonly policy: MinimizationPolicy;
  readonly retention: RetentionReport;
  readonly erasures: readonly { at: string; ref: string; scope: string; reason: string | null; rows: number; verified: boolean | null; exports: number }[];
  readonly exports: readonly { id: string; at: string; views: readonly string[]; participants: number }[];
  readonly audit: AuditVerification;
  readonly signoffs: readonly { at: string; reviewer: string; comment: string; reportSha256: string }[];
}

async function usage(conn: Connection): Promise<Map<string, string[]>> {
  const uses = new Map<string, string[]>();
  const add = (view: string, use: string): void => {
    uses.set(view, [...new Set([...(uses.get(view) ?? []), use])]);
  };
  for (const row of await conn.all(`SELECT export_id, CAST(views AS VARCHAR) AS views, make_timestamptz(created_at_us) AS at FROM weft.exports ORDER BY created_at_us`)) {
    for (const view of JSON.parse(String(row['views'])) as string[]) add(view, `export of ${String(row['at']).slice(0, 10)}`);
  }
  for (const row of await conn.all(`SELECT DISTINCT model_id, model_version FROM weft.predictions ORDER BY 1, 2`)) {
    add('predictions', `model ${String(row['model_id'])} ${String(row['model_version'])}`);
  }
  return uses;
}

export async function gatherEthicsData(study: Study, actor: string): Promise<EthicsData> {
  const retention = await enforceRetention(study, { actor, dryRun: true, events: { emit: () => undefined } });
  return study.db.read(async (conn) => {
    const fields = await listFields(conn);
    const uses = await usage(conn);
    const groups = new Map<string, FieldGroup>();
    for (const f of fields) {
      const key = `${f.view}|${f.modality ?? ''}|${f.sensitivity}`;
      const g = groups.get(key);
      const merged: FieldGroup = {
        view: f.view,
        modality: f.modality,
        sensitivity: f.sensitivity,
        fields: (g?.fields ?? 0) + 1,
        collected: (g?.collected ?? 0) + (f.collected ? 1 : 0),
        purposes: [...new Set([...(g?.purposes ?? []), f.purpose])],
        legalBases: [...new Set([...(g?.legalBases ?? []), f.legal_basis])],
        retentionDays: [...new Set([...(g?.retentionDays ?? []), f.retention_days])],
        unreviewed: (g?.unreviewed ?? 0) + (f.reviewed_at === null ? 1 : 0),
        usedBy: uses.get(f.view) ?? [],
      };
      groups.set(key, merged);
    }
    const participantIds = (await conn.all(`SELECT participant_id FROM weft.participants`)).map((r) => String(r['participant_id']));
    const states = await conn.all(`SELECT participant_id, modality, state FROM consents`);
    const collectedModalities = new Set((await conn.all(`SELECT DISTINCT modality FROM weft.streams`)).map((r) => String(r['modality'])));
    if (Number(await conn.scalar(`SELECT count(*) FROM weft.annotations`)) + Number(await conn.scalar(`SELECT count(*) FROM weft.predictions`)) > 0) collectedModalities.add('affect_inferences');
    if (Number(await conn.scalar(`SELECT count(*) FROM weft.participants WHERE attributes IS NOT NULL`)) > 0) collectedModalities.add('demographics');
    const coverage = MODALITIES.map((modality) => {
      const counts = { modality, granted: 0, refused: 0, withdrawn: 0, expired: 0, missing: 0, collected: collectedModalities.has(modality) };
      for (const id of participantIds) {
        const state = (states.find((s) => s['participant_id'] === id && s['modality'] === modality)?.['state'] ?? 'missing') as 'granted' | 'refused' | 'withdrawn' | 'expired' | 'missing';
        counts[state] += 1;
      }
      return counts;
    });
    const erasures = await conn.all(
      `SELECT make_timestamptz(erased_at_us) AS at, participant_ref, scope, reason, (SELECT coalesce(sum(value::BIGINT), 0) FROM json_each(rows)) AS rows,
         (verification->>'verified')::BOOLEAN AS verified, json_array_length(exports) AS exports FROM weft.erasures ORDER BY erased_at_us`,
    );
    const exports = await conn.all(
      `SELECT export_id, make_timestamptz(created_at_us) AS at, CAST(views AS VARCHAR) AS views, json_array_length(participant_refs) AS n FROM weft.exports ORDER BY created_at_us`,
    );
    const signoffs = await conn.all(`SELECT make_timestamptz(at_us) AS at, reviewer, comment, report_sha256 FROM weft.signoffs ORDER BY at_us`);
    const basis = study.file.settings.data_basis;
    return {
      study: study.info(),
      basis: basis.kind === 'secondary_data' ? `Secondary use of an existing data set under: ${basis.terms}` : "Each participant's consent, recorded per modality",
      generatedAt: new Date().toISOString(),
      participants: participantIds.length,
      sessions: Number(await conn.scalar(`SELECT count(*) FROM weft.sessions`)),
      groups: [...groups.values()],
      flagged: fields.filter((f) => f.note !== null || f.sensitivity === 'direct_identifier'),
      coverage,
      policy: await readPolicy(conn),
      retention,
      erasures: erasures.map((e) => ({
        at: String(e['at']),
        ref: String(e['participant_ref']),
        scope: String(e['scope']),
        reason: e['reason'] === null ? null : String(e['reason']),
        rows: Number(e['rows']),
        verified: e['verified'] === null ? null : Boolean(e['verified']),
        exports: Number(e['exports']),
      })),
      exports: exports.map((e) => ({ id: String(e['export_id']), at: String(e['at']), views: JSON.parse(String(e['views'])) as string[], participants: Number(e['n']) })),
      audit: await verifyAudit(conn),
      signoffs: signoffs.map((s) => ({ at: String(s['at']), reviewer: String(s['reviewer']), comment: String(s['comment']), reportSha256: String(s['report_sha256']) })),
    };
  });
}

const escape = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const day = (iso: string): string => iso.slice(0, 10);

function retentionText(days: readonly (number | null)[]): string {
  const set = days.filter((d): d is number => d !== null);
  return set.length === 0 ? 'until consent ends' : set.map((d) => `${d} days`).join(', ');
}

/** One self-contained page: styles inline, no script, nothing fetched from anywhere. */
export function renderEthicsHtml(data: EthicsData): string {
  const p = data.policy;
  const pending = data.retention.actions.filter((a) => a.rows > 0);
  const modalityRows = data.coverage
    .map(
      (c) =>
        `<tr><th scope="row">${MODALITY_LABELS[c.modality]}</th><td>${c.collected ? 'yes' : 'no'}</td><td class="n">${c.granted}</td><td class="n">${c.refused}</td><td class="n">${c.withdrawn}</td><td class="n">${c.expired}</td><td class="n">${c.missing}</td></tr>`,
    )
    .join('');
  const collectedGroups = data.groups.filter((g) => g.collected > 0).sort((a, b) => a.view.localeCompare(b.view));
  const idleGroups = data.groups.filter((g) => g.collected === 0);
  const bases = [...new Set(collectedGroups.flatMap((g) => g.legalBases))];
  const sharedBasis = bases.length === 1 ? bases[0] : undefined;
  const due = new Map<string, number>();
  for (const a of pending) {
    const key = `${a.reason}: ${a.modality === null ? (a.field ?? '') : MODALITY_LABELS[a.modality]}`;
    due.set(key, (due.get(key) ?? 0) + 1);
  }
  const groupRows = collectedGroups
    .map((g) => {
      const consent = g.modality === null ? 'not consent-gated' : (() => {
        const c = data.coverage.find((x) => x.modality === g.modality);
        return c === undefined ? '' : `${c.granted} of ${data.participants}`;
      })();
      const basis = sharedBasis === undefined ? `<td>${escape(g.legalBases.join('; '))}</td>` : '';
      return `<tr><th scope="row">${escape(g.view)}</th><td>${g.modality === null ? '—' : MODALITY_LABELS[g.modality]}</td><td>${SENSITIVITY_LABELS[g.sensitivity]}</td><td class="n">${g.collected}/${g.fields}</td><td>${consent}</td><td>${g.usedBy.length === 0 ? '—' : escape(g.usedBy.join('; '))}</td><td>${escape(g.purposes.join('; '))}</td>${basis}<td>${retentionText(g.retentionDays)}</td><td class="n">${g.unreviewed}</td></tr>`;
    })
    .join('');
  const erasureRows = data.erasures
    .map(
      (e) =>
        `<tr><td>${day(e.at)}</td><td><code>${escape(e.ref)}</code></td><td>${escape(e.scope)}</td><td class="n">${e.rows}</td><td>${e.verified === null ? 'n/a' : e.verified ? '✓ verified: no trace left' : '✗ traces remain'}</td><td class="n">${e.exports}</td><td>${escape(e.reason ?? '')}</td></tr>`,
    )
    .join('');
  const signoffs = data.signoffs.map((s) => `<li>${day(s.at)}, <strong>${escape(s.reviewer)}</strong>: ${escape(s.comment)} <span class="sub">(report ${s.reportSha256.slice(0, 12)})</span></li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ethics review: ${escape(data.study.name)}</title>
<style>
@page { size: A4 landscape; margin: 10mm; }
body { font: 9.5px/1.35 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f24; margin: 0; }
h1 { font-size: 16px; margin: 0 0 2px; } h2 { font-size: 11.5px; margin: 10px 0 4px; border-bottom: 1px solid #c9d1d9; padding-bottom: 2px; }
.sub { color: #57606a; } .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 0 14px; }
table { border-collapse: collapse; width: 100%; } th, td { border-bottom: 1px solid #e5e9ee; padding: 2px 4px; text-align: left; vertical-align: top; }
thead th { background: #f3f5f8; font-weight: 600; } td.n { text-align: right; font-variant-numeric: tabular-nums; } tr.idle { color: #8b949e; }
.ok { color: #1a7f37; font-weight: 600; } .bad { color: #cf222e; font-weight: 600; } ul { margin: 2px 0; padding-left: 16px; } code { font-size: 9px; }
</style></head><body>
<h1>Ethics review: ${escape(data.study.name)}</h1>
<p class="sub">Study ${escape(data.study.study_id)} · generated ${data.generatedAt.replace('T', ' ').slice(0, 16)} UTC by Weft · ${data.participants} participants, ${data.sessions} sessions · legal basis: ${escape(data.basis)}</p>
<div class="grid">
<section><h2>Consent coverage per modality (participants)</h2>
<table><thead><tr><th>Modality</th><th>Collected</th><th>Granted</th><th>Refused</th><th>Withdrawn</th><th>Expired</th><th>Missing</th></tr></thead><tbody>${modalityRows}</tbody></table>
<p class="sub">Data of a modality is never stored for a participant without consent to it: the ingest gate refuses it and the refusal is audited.</p></section>
<section><h2>Minimization in force</h2><ul>
<li>Face landmarks (biometric): ${p.face_landmarks === 'never' ? 'never extracted or stored' : 'stored only with consent'}.</li>
<li>Raw video managed by Weft: ${p.raw_video === 'keep' ? 'kept' : 'deleted after face features are extracted'}.</li>
<li>Exports: ids ${p.export.pseudonymize_ids ? 'replaced by keyed pseudonyms' : 'kept as they are'}; ${p.export.session_relative_time ? 'session-relative time only (no dates)' : 'wall-clock dates included'}; free text ${p.export.redact_free_text ? 'redacted (e-mail, phone' + (p.export.roster_file === null ? '' : ', roster names') + ', study ids)' : 'not redacted'}; demographics ${p.export.k_anonymity.k}-anonymous, else ${p.export.k_anonymity.on_fail === 'refuse' ? 'refused' : 'generalized'}.</li>
<li>Retention per modality: ${Object.keys(p.retention_days).length === 0 ? 'none set (data kept until consent ends or is withdrawn)' : Object.entries(p.retention_days).map(([m, d]) => `${MODALITY_LABELS[m as Modality]} ${d} days`).join(', ')}.</li>
</ul>
<h2>Retention status</h2><p>${pending.length === 0 ? '<span class="ok">Nothing is past its retention.</span>' : `<span class="bad">Deletions due</span>: ${[...due].map(([what, n]) => `${escape(what)} (${n} participant${n === 1 ? '' : 's'})`).join('; ')}. Run <code>weft retention enforce</code>.`}</p>
<h2>Audit trail</h2><p>${data.audit.intact ? `<span class="ok">Intact</span>: ${data.audit.entries} hash-chained entries, each linked to the one before.` : `<span class="bad">Broken</span>: ${data.audit.breaks.map((b) => escape(b.message)).join('; ')}.`}</p>
</section></div>
<h2>Fields: collected, consented, used</h2>
${sharedBasis === undefined ? '' : `<p>Legal basis of every field collected: ${escape(sharedBasis)}.</p>`}
<table><thead><tr><th>View</th><th>Modality</th><th>Sensitivity</th><th>Collected / fields</th><th>Consented</th><th>Used by</th><th>Purpose</th>${sharedBasis === undefined ? '<th>Legal basis</th>' : ''}<th>Retention</th><th>Unreviewed</th></tr></thead><tbody>${groupRows}</tbody></table>
${idleGroups.length === 0 ? '' : `<p class="sub">Fields Weft can hold but this study holds no data in: ${[...new Set(idleGroups.map((g) => g.view))].sort().join(', ')}.</p>`}
${data.flagged.length === 0 ? '' : `<p><strong>Fields to review:</strong> ${data.flagged.map((f) => `<code>${escape(f.field)}</code>${f.note === null ? '' : ` (${escape(f.note)})`}`).join('; ')}</p>`}
<div class="grid">
<section><h2>Withdrawals and erasures</h2>${data.erasures.length === 0 ? '<p>None.</p>' : `<table><thead><tr><th>Date</th><th>Participant (pseudonym)</th><th>Scope</th><th>Rows deleted</th><th>Verification</th><th>Exports to recall</th><th>Reason</th></tr></thead><tbody>${erasureRows}</tbody></table>`}</section>
<section><h2>Exports</h2>${data.exports.length === 0 ? '<p>None.</p>' : `<ul>${data.exports.map((e) => `<li>${day(e.at)}: ${e.participants} participants, ${e.views.length} views</li>`).join('')}</ul>`}
<h2>Reviewer sign-off</h2>${signoffs === '' ? '<p>Not yet signed off.</p>' : `<ul>${signoffs}</ul>`}</section></div>
</body></html>
`;
}

export function reportSha256(html: string): string {
  return createHash('sha256').update(html).digest('hex');
}
