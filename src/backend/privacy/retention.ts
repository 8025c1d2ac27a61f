import { randomUUID } from 'node:crypto';
import type { EventSink } from '../../core/api/events.js';
import { isModality, type Modality } from '../../core/study/modalities.js';
import { appendAudit } from '../store/audit.js';
import { sqlTextList, textList, type Connection } from '../store/duck.js';
import type { Study } from '../store/study.js';
import { VIEWS } from '../store/views.js';
import { deleteModalityData } from './erasure.js';
import { readPolicy } from './policy.js';
import { participantRef } from './pseudonym.js';

const DAY_US = 86_400_000_000;

export interface RetentionAction {
  readonly participant_ref: string;
  readonly reason: 'consent expired' | 'retention period' | 'field retention';
  readonly modality: Modality | null;
  readonly field: string | null;
  readonly sessions: number;
  readonly rows: number;
}

export interface RetentionReport {
  readonly enforced_at: string;
  readonly dry_run: boolean;
  readonly actions: readonly RetentionAction[];
}

/** Internal table and column behind a view column, when the view shows it unchanged. */
function tableColumn(field: string): { table: string; column: string } | null {
  const [view, column] = field.split('.', 2);
  if (view === undefined || column === undefined || field.split('.').length !== 2) return null;
  const def = VIEWS.find((v) => v.name === view);
  if (def === undefined || !def.columns.some((c) => c.name === column)) return null;
  const table = { events: 'events', face_frames: 'face_frames', gaze_samples: 'gaze_samples', fixations: 'fixations', saccades: 'saccades', blinks: 'blinks', annotations: 'annotations', predictions: 'predictions', signals: 'signals' }[view];
  return table === undefined || ['session_id', 'participant_id', 'stream_id', 't_us', 'start_us', 'end_us'].includes(column) ? null : { table, column };
}

async function sessionsOlderThan(conn: Connection, days: number, nowUs: number): Promise<{ session_id: string; participant_id: string }[]> {
  const rows = await conn.all(`SELECT session_id, participant_id FROM weft.sessions WHERE started_at_us IS NOT NULL AND started_at_us + $age < $now`, {
    age: BigInt(days) * BigInt(DAY_US),
    now: BigInt(nowUs),
  });
  return rows.map((r) => ({ session_id: String(r['session_id']), participant_id: String(r['participant_id']) }));
}

function groupByParticipant(sessions: readonly { session_id: string; participant_id: string }[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const s of sessions) groups.set(s.participant_id, [...(groups.get(s.participant_id) ?? []), s.session_id]);
  return groups;
}

const total = (rows: Record<string, number>): number => Object.values(rows).reduce((a, b) => a + b, 0);

/**
 * Deletes what the study may no longer keep: a participant's data of a modality whose consent
 * has expired; a modality's data older than the policy's retention period; a field's values
 * older than the retention period the fields registry gives it. Every deletion goes into the
 * erasure register and the audit log; the database is rewritten afterwards. A dry run reports
 * what would go and changes nothing.
 */
export async function enforceRetention(study: Study, options: { actor: string; dryRun: boolean; events: EventSink; nowUs?: number }): Promise<RetentionReport> {
  const key = await study.pseudonymKey();
  const nowUs = options.nowUs ?? Date.now() * 1000;
  const actions: RetentionAction[] = [];
  const work = async (conn: Connection): Promise<void> => {
    const record = async (participantId: string, action: Omit<RetentionAction, 'participant_ref'>, rows: Record<string, number>): Promise<void> => {
      const ref = participantRef(key, participantId);
      actions.push({ participant_ref: ref, ...action });
      if (options.dryRun || action.rows === 0) return;
      const scope = action.field === null ? `retention:${action.reason}:${action.modality ?? ''}` : `retention:field:${action.field}`;
      await conn.run(
        `INSERT INTO weft.erasures (erasure_id, participant_ref, scope, reason, actor, erased_at_us, rows, files, exports, verification)
         VALUES ($id, $ref, $scope, $reason, $actor, $at, $rows, '[]', '[]', NULL)`,
        { id: randomUUID(), ref, scope, reason: action.reason, actor: options.actor, at: BigInt(nowUs), rows: JSON.stringify(rows) },
      );
    };
    const count = async (sessions: readonly string[], modality: Modality): Promise<Record<string, number>> => {
      if (!options.dryRun) return deleteModalityData(conn, sessions, [modality]);
      const n = Number(
        await conn.scalar(`SELECT coalesce(sum(row_count), 0) FROM weft.streams WHERE list_contains(${sqlTextList('$s')}, session_id) AND modality = $m`, { s: textList(sessions), m: modality }),
      );
      return { streams_rows: n };
    };

    const expired = await conn.all(`SELECT participant_id, modality FROM consents WHERE state = 'expired' ORDER BY participant_id, modality`);
    for (const row of expired) {
      const modality = String(row['modality']);
      if (!isModality(modality)) continue;
      const participantId = String(row['participant_id']);
      const sessions = (await conn.all(`SELECT session_id FROM weft.sessions WHERE participant_id = $p`, { p: participantId })).map((r) => String(r['session_id']));
      const rows = await count(sessions, modality);
      await record(participantId, { reason: 'consent expired', modality, field: null, sessions: sessions.length, rows: total(rows) }, rows);
    }

    const policy = await readPolicy(conn);
    for (const [modality, days] of Object.entries(policy.retention_days)) {
      if (!isModality(modality) || days === undefined) continue;
      for (const [participantId, sessions] of groupByParticipant(await sessionsOlderThan(conn, days, nowUs))) {
        const rows = await count(sessions, modality);
        await record(participantId, { reason: 'retention period', modality, field: null, sessions: sessions.length, rows: total(rows) }, rows);
      }
    }

    const fields = await conn.all(`SELECT field, retention_days FROM weft.fields WHERE retention_days IS NOT NULL ORDER BY field`);
    for (const row of fields) {
      const field = String(row['field']);
      const target = tableColumn(field);
      if (target === null) continue;
      for (const [participantId, sessions] of groupByParticipant(await sessionsOlderThan(conn, Number(row['retention_days']), nowUs))) {
        const where = `list_contains(${sqlTextList('$s')}, session_id) AND "${target.column}" IS NOT NULL`;
        const n = Number(await conn.scalar(`SELECT count(*) FROM weft.${target.table} WHERE ${where}`, { s: textList(sessions) }));
        if (!options.dryRun && n > 0) await conn.run(`UPDATE weft.${target.table} SET "${target.column}" = NULL WHERE ${where}`, { s: textList(sessions) });
        await record(participantId, { reason: 'field retention', modality: null, field, sessions: sessions.length, rows: n }, { [target.table]: n });
      }
    }
    if (!options.dryRun) {
      await appendAudit(conn, {
        actor: options.actor,
        action: 'retention.enforce',
        target: null,
        detail: { actions: actions.filter((a) => a.rows > 0).map((a) => ({ participant: a.participant_ref, reason: a.reason, modality: a.modality, field: a.field, rows: a.rows })) },
      });
    }
  };
  if (options.dryRun) await study.db.read(work);
  else {
    await study.db.write(work);
    if (actions.some((a) => a.rows > 0)) {
      await study.db.compact();
      options.events.emit('study.changed', { reason: 'retention enforced' });
    }
  }
  return { enforced_at: new Date(nowUs / 1000).toISOString(), dry_run: options.dryRun, actions };
}
