import type { FieldEntry } from '../../core/api/schemas.js';
import type { Modality } from '../../core/study/modalities.js';
import type { Sensitivity } from '../../core/privacy/policy.js';
import type { Connection } from '../store/duck.js';

/** Which registered fields hold data now: one scan per view for its columns, the observed keys as they stand. */
async function collectedFields(conn: Connection, fields: readonly { field: string; view: string; column: string; origin: string }[]): Promise<Set<string>> {
  const collected = new Set<string>();
  const byView = new Map<string, string[]>();
  for (const f of fields) if (f.origin === 'catalogue') byView.set(f.view, [...(byView.get(f.view) ?? []), f.column]);
  for (const [view, columns] of byView) {
    const row = await conn.one(`SELECT ${columns.map((c, i) => `count("${c}") > 0 AS c${i}`).join(', ')} FROM ${view}`);
    columns.forEach((c, i) => {
      if (row?.[`c${i}`] === true) collected.add(`${view}.${c}`);
    });
  }
  const present = await conn.all(
    `SELECT DISTINCT 'events.attributes.' || unnest(keys) AS field FROM (SELECT DISTINCT json_keys(attributes) AS keys FROM weft.events WHERE attributes IS NOT NULL)
     UNION SELECT DISTINCT 'signals.' || name FROM weft.signals
     UNION SELECT DISTINCT 'participants.attributes.' || k.key FROM weft.participants p, unnest(json_keys(p.attributes)) AS k(key) WHERE json_type(p.attributes) = 'OBJECT'`,
  );
  for (const row of present) collected.add(String(row['field']));
  return collected;
}

export async function listFields(conn: Connection): Promise<FieldEntry[]> {
  const rows = await conn.all(
    `SELECT field, view_name, column_name, modality, sensitivity, purpose, legal_basis, retention_days, origin,
       make_timestamptz(first_seen_us) AS first_seen, reviewed_by, make_timestamptz(reviewed_at_us) AS reviewed_at, note
     FROM weft.fields ORDER BY field`,
  );
  const fields = rows.map((r) => ({ field: String(r['field']), view: String(r['view_name']), column: String(r['column_name']), origin: String(r['origin']) }));
  const collected = await collectedFields(conn, fields);
  return rows.map((r) => ({
    field: String(r['field']),
    view: String(r['view_name']),
    column: String(r['column_name']),
    modality: r['modality'] === null ? null : (r['modality'] as Modality),
    sensitivity: r['sensitivity'] as Sensitivity,
    purpose: String(r['purpose']),
    legal_basis: String(r['legal_basis']),
    retention_days: r['retention_days'] === null ? null : Number(r['retention_days']),
    origin: r['origin'] as 'catalogue' | 'observed',
    first_seen: String(r['first_seen']),
    reviewed_by: r['reviewed_by'] === null ? null : String(r['reviewed_by']),
    reviewed_at: r['reviewed_at'] === null ? null : String(r['reviewed_at']),
    note: r['note'] === null ? null : String(r['note']),
    collected: collected.has(String(r['field'])),
  }));
}
