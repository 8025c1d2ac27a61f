import { SENSITIVITIES, type Sensitivity } from '../../core/privacy/policy.js';
import { MODALITIES, isModality } from '../../core/study/modalities.js';
import { NOT_CONSENT_GATED, fieldModalityLabel, sensitivityLabel, type FieldFilter, type FieldGrouping } from '../view/fields.js';

interface FieldFiltersProps {
  readonly filter: FieldFilter;
  readonly views: readonly string[];
  readonly grouping: FieldGrouping;
  readonly onFilter: (filter: FieldFilter) => void;
  readonly onGrouping: (grouping: FieldGrouping) => void;
}

const isSensitivity = (value: string): value is Sensitivity => (SENSITIVITIES as readonly string[]).includes(value);

export function FieldFilters({ filter, views, grouping, onFilter, onGrouping }: FieldFiltersProps) {
  const set = (patch: Partial<FieldFilter>): void => onFilter({ ...filter, ...patch });
  const checkbox = (key: 'collectedOnly' | 'unreviewedOnly' | 'incompleteOnly', label: string) => (
    <label class="check">
      <input type="checkbox" checked={filter[key]} onChange={(e) => set({ [key]: e.currentTarget.checked })} data-filter={key} />
      {label}
    </label>
  );
  return (
    <form class="filters" role="search" aria-label="Filter the fields" onSubmit={(e) => e.preventDefault()}>
      <div class="filters__row">
        <label class="filter">
          <span class="filter__label">Search</span>
          <input type="search" value={filter.text} placeholder="field, purpose, legal basis, note" onInput={(e) => set({ text: e.currentTarget.value })} data-filter="text" />
        </label>
        <label class="filter">
          <span class="filter__label">Modality</span>
          <select
            value={filter.modality}
            data-filter="modality"
            onChange={(e) => {
              const value = e.currentTarget.value;
              set({ modality: value === 'none' ? 'none' : isModality(value) ? value : 'all' });
            }}
          >
            <option value="all">All</option>
            {MODALITIES.map((m) => (
              <option key={m} value={m}>
                {fieldModalityLabel(m)}
              </option>
            ))}
            <option value="none">{NOT_CONSENT_GATED}</option>
          </select>
        </label>
        <label class="filter">
          <span class="filter__label">Sensitivity</span>
          <select value={filter.sensitivity} data-filter="sensitivity" onChange={(e) => set({ sensitivity: isSensitivity(e.currentTarget.value) ? e.currentTarget.value : 'all' })}>
            <option value="all">All</option>
            {SENSITIVITIES.map((s) => (
              <option key={s} value={s}>
                {sensitivityLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label class="filter">
          <span class="filter__label">View</span>
          <select value={filter.view} data-filter="view" onChange={(e) => set({ view: e.currentTarget.value })}>
            <option value="all">All</option>
            {views.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <label class="filter">
          <span class="filter__label">Group by</span>
          <select value={grouping} data-filter="grouping" onChange={(e) => onGrouping(e.currentTarget.value === 'modality' || e.currentTarget.value === 'sensitivity' ? e.currentTarget.value : 'none')}>
            <option value="none">Nothing</option>
            <option value="modality">Modality</option>
            <option value="sensitivity">Sensitivity</option>
          </select>
        </label>
      </div>
      <div class="filters__row">
        {checkbox('collectedOnly', 'Only fields with data')}
        {checkbox('unreviewedOnly', 'Only fields not yet reviewed')}
        {checkbox('incompleteOnly', 'Only fields missing a purpose or legal basis')}
      </div>
    </form>
  );
}
