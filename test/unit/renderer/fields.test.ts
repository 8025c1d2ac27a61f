import { describe, expect, it } from 'vitest';
import type { FieldEntry } from '../../../src/core/api/schemas.js';
import { fieldDraft, planFieldUpdate } from '../../../src/renderer/view/fieldForm.js';
import { NO_FIELD_FILTER, fieldGaps, fieldViews, filterFields, groupFields, retentionText, sortFields } from '../../../src/renderer/view/fields.js';

function field(name: string, fields: Partial<FieldEntry> = {}): FieldEntry {
  const [view = 'events', ...rest] = name.split('.');
  return {
    field: name,
    view,
    column: rest.join('.'),
    modality: 'interaction_logs',
    sensitivity: 'behavioural',
    purpose: 'Research',
    legal_basis: 'Consent',
    retention_days: null,
    origin: 'catalogue',
    first_seen: '2026-01-01T00:00:00Z',
    reviewed_by: null,
    reviewed_at: null,
    note: null,
    collected: true,
    ...fields,
  };
}

const registry = [
  field('events.outcome'),
  field('gaze_samples.x', { modality: 'gaze', retention_days: 30, reviewed_at: '2026-02-01T00:00:00Z', reviewed_by: 'ana' }),
  field('participants.attributes.email', { modality: 'demographics', sensitivity: 'direct_identifier', purpose: '', note: 'looks identifying' }),
  field('sessions.variant', { modality: null, sensitivity: 'study_design', legal_basis: ' ', collected: false }),
];

describe('fieldGaps', () => {
  it('flags a field whose purpose or legal basis is missing or blank', () => {
    expect(registry.map(fieldGaps)).toEqual([[], [], ['purpose'], ['legal basis']]);
  });
});

describe('filterFields', () => {
  const names = (filter: Partial<typeof NO_FIELD_FILTER>): string[] => filterFields(registry, { ...NO_FIELD_FILTER, ...filter }).map((f) => f.field);

  it('keeps everything with no filter', () => {
    expect(names({})).toHaveLength(registry.length);
  });

  it('narrows by modality, "none" meaning not consent-gated, by sensitivity, view and flags', () => {
    expect(names({ modality: 'gaze' })).toEqual(['gaze_samples.x']);
    expect(names({ modality: 'none' })).toEqual(['sessions.variant']);
    expect(names({ sensitivity: 'direct_identifier' })).toEqual(['participants.attributes.email']);
    expect(names({ view: 'events' })).toEqual(['events.outcome']);
    expect(names({ collectedOnly: true })).not.toContain('sessions.variant');
    expect(names({ unreviewedOnly: true })).not.toContain('gaze_samples.x');
    expect(names({ incompleteOnly: true })).toEqual(['participants.attributes.email', 'sessions.variant']);
  });

  it('searches the name, purpose, legal basis and note, ignoring case', () => {
    expect(names({ text: 'IDENTIFYING' })).toEqual(['participants.attributes.email']);
    expect(names({ text: 'outcome' })).toEqual(['events.outcome']);
  });
});

describe('sortFields and groupFields', () => {
  it('sorts by modality order, sensitivity order and retention with "until consent ends" last', () => {
    expect(sortFields(registry, { key: 'modality', direction: 'ascending' }).map((f) => f.field)).toEqual(['gaze_samples.x', 'events.outcome', 'participants.attributes.email', 'sessions.variant']);
    expect(sortFields(registry, { key: 'sensitivity', direction: 'ascending' })[0]?.field).toBe('participants.attributes.email');
    expect(sortFields(registry, { key: 'retention_days', direction: 'ascending' })[0]?.field).toBe('gaze_samples.x');
    expect(sortFields(registry, { key: 'field', direction: 'descending' }).map((f) => f.field)).toEqual(['sessions.variant', 'participants.attributes.email', 'gaze_samples.x', 'events.outcome']);
  });

  it('groups in modality order with ungated fields last, dropping empty groups', () => {
    expect(groupFields(registry, 'modality').map((g) => [g.label, g.fields.length])).toEqual([
      ['Eye tracking', 1],
      ['Interaction logs', 1],
      ['Demographics', 1],
      ['Not consent-gated', 1],
    ]);
    expect(groupFields(registry, 'none')).toHaveLength(1);
    expect(fieldViews(registry)).toEqual(['events', 'gaze_samples', 'participants', 'sessions']);
    expect(retentionText(1)).toBe('1 day');
    expect(retentionText(null)).toBe('until consent ends');
  });
});

describe('planFieldUpdate', () => {
  const entry = registry[1] as FieldEntry;

  it('sends only what changed, trimmed', () => {
    const plan = planFieldUpdate(entry, { ...fieldDraft(entry), purpose: '  Gaze research  ', retention_days: '60' });
    expect(plan).toEqual({ ok: true, input: { field: 'gaze_samples.x', purpose: 'Gaze research', retention_days: 60 }, changed: ['purpose', 'retention_days'] });
  });

  it('records a review alone when nothing changed, and clears retention and note when emptied', () => {
    expect(planFieldUpdate(entry, fieldDraft(entry))).toEqual({ ok: true, input: { field: 'gaze_samples.x' }, changed: [] });
    const noted = registry[2] as FieldEntry;
    const plan = planFieldUpdate(noted, { ...fieldDraft(noted), note: ' ' });
    expect(plan.ok && plan.input).toEqual({ field: 'participants.attributes.email', note: null });
    const cleared = planFieldUpdate(entry, { ...fieldDraft(entry), retention_days: '' });
    expect(cleared.ok && cleared.input).toEqual({ field: 'gaze_samples.x', retention_days: null });
  });

  it('refuses retention text that is no number, naming the input; ranges are left to the API', () => {
    expect(planFieldUpdate(entry, { ...fieldDraft(entry), retention_days: 'a month' })).toEqual({ ok: false, issues: [{ path: 'retention_days', message: expect.stringMatching(/number of days/) }] });
    const zero = planFieldUpdate(entry, { ...fieldDraft(entry), retention_days: '0' });
    expect(zero.ok && zero.input.retention_days).toBe(0);
  });
});
