import { SENSITIVITIES, type Sensitivity } from '../../core/privacy/policy.js';
import { isAffectInference } from '../../core/privacy/signals.js';
import type { DataBasis } from '../../core/study/settings.js';
import { STREAM_KIND_MODALITY, isStreamKind, type Modality } from '../../core/study/modalities.js';
import { appendRows } from '../import/tableAppender.js';
import type { Connection } from '../store/duck.js';
import { VIEWS } from '../store/views.js';

interface FieldRule {
  readonly sensitivity: Sensitivity;
  readonly modality: Modality | null;
  readonly purpose: string;
}

const RESEARCH = "Research on learners' affect, behaviour and learning in the lessons the study records";

/** How each view's columns are classified unless a column says otherwise. */
const VIEW_RULES: Readonly<Record<string, FieldRule>> = {
  participants: { sensitivity: 'pseudonymous_identifier', modality: null, purpose: 'Linking each participant\'s records without naming them' },
  sessions: { sensitivity: 'study_design', modality: null, purpose: 'Which lesson and variant each recording belongs to' },
  events: { sensitivity: 'behavioural', modality: 'interaction_logs', purpose: RESEARCH },
  face_frames: { sensitivity: 'biometric', modality: 'face_features', purpose: RESEARCH },
  signals: { sensitivity: 'derived_inference', modality: null, purpose: 'Outputs of other tools kept for comparison with Weft\'s detectors' },
  gaze_samples: { sensitivity: 'behavioural', modality: 'gaze', purpose: RESEARCH },
  fixations: { sensitivity: 'behavioural', modality: 'gaze', purpose: RESEARCH },
  saccades: { sensitivity: 'behavioural', modality: 'gaze', purpose: RESEARCH },
  blinks: { sensitivity: 'behavioural', modality: 'gaze', purpose: RESEARCH },
  media: { sensitivity: 'biometric', modality: 'video', purpose: 'Extracting face features; reviewing episodes when annotating' },
  annotations: { sensitivity: 'derived_inference', modality: 'affect_inferences', purpose: 'Training and evaluating affect detectors against human judgement' },
  predictions: { sensitivity: 'derived_inference', modality: 'affect_inferences', purpose: 'Estimating confusion and frustration during the lesson' },
  consents: { sensitivity: 'administrative', modality: null, purpose: 'Recording on what basis each kind of data may be held' },
};

const COLUMN_RULES: Readonly<Record<string, Partial<FieldRule>>> = {
  'participants.enrolled_at': { sensitivity: 'quasi_identifier', purpose: 'Knowing when consent was given' },
  'participants.attributes': { sensitivity: 'quasi_identifier', modality: 'demographics', purpose: 'Describing the sample; checking for bias' },
  'sessions.session_id': { sensitivity: 'pseudonymous_identifier' },
  'sessions.participant_id': { sensitivity: 'pseudonymous_identifier' },
  'sessions.started_at': { sensitivity: 'quasi_identifier', purpose: 'Placing every stream of a session on one clock' },
  'events.input': { purpose: `${RESEARCH}. Free text: may hold personal data, redacted in exports` },
  'events.feedback': { purpose: `${RESEARCH}. Free text: may hold personal data, redacted in exports` },
  'events.label': { purpose: `${RESEARCH}. Free text: may hold personal data, redacted in exports` },
  'media.path': { sensitivity: 'administrative', purpose: 'Finding the recording' },
  'consents.participant_id': { sensitivity: 'pseudonymous_identifier' },
};

/** Columns that only join views together or say where a row came from. */
const KEYS = new Set(['session_id', 'participant_id', 'stream_id', 'annotation_id', 'media_id', 'run_id']);

const IDENTIFIER_NAME = /(^|[^a-z])(name|e-?mail|mail|phone|ip|address|login|user(name)?)([^a-z]|$)/i;

export interface FieldDefinition {
  readonly field: string;
  readonly view: string;
  readonly column: string;
  readonly modality: Modality | null;
  readonly sensitivity: Sensitivity;
  readonly purpose: string;
  readonly note: string | null;
}

/** Every column of every data-bearing view, classified. */
export function catalogueFields(): FieldDefinition[] {
  const fields: FieldDefinition[] = [];
  for (const view of VIEWS) {
    const rule = VIEW_RULES[view.name];
    if (rule === undefined) continue;
    for (const column of view.columns) {
      const own = view.name === 'participants' || view.name === 'sessions' || view.name === 'consents';
      if (KEYS.has(column.name) && !own) continue;
      const override = COLUMN_RULES[`${view.name}.${column.name}`] ?? {};
      fields.push({
        field: `${view.name}.${column.name}`,
        view: view.name,
        column: column.name,
        modality: override.modality === undefined ? rule.modality : override.modality,
        sensitivity: override.sensitivity ?? rule.sensitivity,
        purpose: override.purpose ?? rule.purpose,
        note: null,
      });
    }
  }
  return fields;
}

export function defaultLegalBasis(basis: DataBasis): string {
  return basis.kind === 'secondary_data'
    ? `Secondary use of an existing data set under its terms: ${basis.terms}`
    : "The participant's consent (GDPR Art. 6(1)(a); Art. 9(2)(a) for special categories such as biometric data)";
}

/** The streams an import wrote; for some of them it knows the attribute keys already, and says so. */
export interface FieldsScope {
  readonly streamIds: readonly number[];
  readonly knownEventKeys?: readonly { readonly streamId: number; readonly kind: string; readonly keys: readonly string[] }[];
}

const streamsIn = (streamIds: readonly number[] | undefined): string =>
  streamIds === undefined ? 'TRUE' : streamIds.length === 0 ? 'FALSE' : `stream_id IN (${streamIds.map((id) => String(Math.trunc(id))).join(', ')})`;

/**
 * Fields the data itself reveals: keys of JSON attributes and names of signals, as imports
 * bring them. Attribute keys an import already knows are taken as given, not read back out of
 * every row (for a large DataShop export that reading was a tenth of its import).
 */
async function observedFields(conn: Connection, scope: FieldsScope | undefined): Promise<FieldDefinition[]> {
  const fields: FieldDefinition[] = [];
  const inStreams = streamsIn(scope?.streamIds);
  const known = scope?.knownEventKeys ?? [];
  const knownIds = new Set(known.map((k) => k.streamId));
  const scanned = scope === undefined ? undefined : scope.streamIds.filter((id) => !knownIds.has(id));
  // The distinct key lists of each stream first (rows of a stream mostly share one), then their
  // keys, then the stream's kind: unnesting every row's keys, or joining first, is slower.
  // json_keys of a JSON value that is not an object is the empty list.
  const scannedKeys = await conn.all(
    `SELECT DISTINCT st.kind, k.key
     FROM (SELECT DISTINCT stream_id, unnest(keys) AS key
           FROM (SELECT DISTINCT stream_id, json_keys(attributes) AS keys FROM weft.events WHERE ${streamsIn(scanned)} AND attributes IS NOT NULL)) k
     JOIN weft.streams st USING (stream_id)`,
  );
  const eventKeys = new Map<string, { kind: string; key: string }>();
  for (const row of scannedKeys) eventKeys.set(`${String(row['kind'])}\u0000${String(row['key'])}`, { kind: String(row['kind']), key: String(row['key']) });
  for (const { kind, keys } of known) for (const key of keys) eventKeys.set(`${kind}\u0000${key}`, { kind, key });
  for (const { kind, key } of eventKeys.values()) {
    const looksIdentifying = IDENTIFIER_NAME.test(key);
    fields.push({
      field: `events.attributes.${key}`,
      view: 'events',
      column: `attributes.${key}`,
      modality: isStreamKind(kind) ? STREAM_KIND_MODALITY[kind] : null,
      sensitivity: looksIdentifying ? 'direct_identifier' : 'behavioural',
      purpose: RESEARCH,
      note: looksIdentifying ? 'Its name suggests it identifies a person: review it, and drop or redact it if it does' : null,
    });
  }
  const signalNames = await conn.all(`SELECT DISTINCT st.kind, s.name FROM weft.signals s JOIN weft.streams st USING (stream_id) WHERE ${inStreams}`);
  for (const row of signalNames) {
    const kind = String(row['kind']);
    const name = String(row['name']);
    const modality = isStreamKind(kind) ? STREAM_KIND_MODALITY[kind] : null;
    fields.push({
      field: `signals.${name}`,
      view: 'signals',
      column: name,
      modality,
      sensitivity: isAffectInference(name) ? 'derived_inference' : modality === 'face_features' ? 'biometric' : 'behavioural',
      purpose: VIEW_RULES['signals']?.purpose ?? RESEARCH,
      note: null,
    });
  }
  const attributeKeys = await conn.all(
    `SELECT DISTINCT k.key FROM weft.participants p, unnest(json_keys(p.attributes)) AS k(key) WHERE p.attributes IS NOT NULL AND json_type(p.attributes) = 'OBJECT'`,
  );
  for (const row of attributeKeys) {
    const key = String(row['key']);
    fields.push({
      field: `participants.attributes.${key}`,
      view: 'participants',
      column: `attributes.${key}`,
      modality: 'demographics',
      sensitivity: IDENTIFIER_NAME.test(key) ? 'direct_identifier' : 'quasi_identifier',
      purpose: 'Describing the sample; checking for bias',
      note: null,
    });
  }
  return mergeSameField(fields);
}

/**
 * A signal or attribute name used by streams of several kinds (an SMI "Trial" column on
 * fixations and saccades, a key shared by tutor and eye-tracker events) is one field: it keeps
 * the most identifying sensitivity, and a modality only when every use has the same one.
 */
function mergeSameField(fields: readonly FieldDefinition[]): FieldDefinition[] {
  const byField = new Map<string, FieldDefinition[]>();
  for (const f of fields) byField.set(f.field, [...(byField.get(f.field) ?? []), f]);
  return [...byField.values()].map((uses) => {
    const first = uses[0] as FieldDefinition;
    if (uses.length === 1) return first;
    const modalities = [...new Set(uses.map((u) => u.modality ?? 'none'))].sort();
    const most = uses.reduce((a, b) => (SENSITIVITIES.indexOf(b.sensitivity) < SENSITIVITIES.indexOf(a.sensitivity) ? b : a));
    const notes = [...new Set(uses.map((u) => u.note).filter((n): n is string => n !== null))];
    if (modalities.length > 1) notes.push(`Recorded under several modalities: ${modalities.join(', ')}`);
    return { ...most, modality: modalities.length === 1 ? first.modality : null, note: notes.length === 0 ? null : notes.join('. ') };
  });
}

/**
 * Adds every field Weft can hold and every field the data has brought, leaving what a reviewer
 * has already recorded about a field untouched. Runs inside the caller's write transaction.
 * An import passes the streams it wrote, so the scan grows with the import, not the study.
 */
export async function syncFields(conn: Connection, basis: DataBasis, scope?: FieldsScope): Promise<number> {
  const known = new Set((await conn.all(`SELECT field FROM weft.fields`)).map((r) => String(r['field'])));
  const observed = await observedFields(conn, scope);
  const fresh = [
    ...catalogueFields().map((f) => ({ ...f, origin: 'catalogue' })),
    ...observed.map((f) => ({ ...f, origin: 'observed' })),
  ].filter((f) => !known.has(f.field));
  const legalBasis = defaultLegalBasis(basis);
  const now = Date.now() * 1000;
  await appendRows(
    conn,
    'fields',
    fresh.map((f) => ({
      field: f.field,
      view_name: f.view,
      column_name: f.column,
      modality: f.modality,
      sensitivity: f.sensitivity,
      purpose: f.purpose,
      legal_basis: legalBasis,
      origin: f.origin,
      first_seen_us: now,
      note: f.note,
    })),
  );
  return fresh.length;
}
