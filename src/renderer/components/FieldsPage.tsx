import { useMemo, useState } from 'preact/hooks';
import type { WeftClient } from '../../core/api/client.js';
import type { FieldEntry } from '../../core/api/schemas.js';
import type { LiveUpdates } from '../api.js';
import { useStudyData } from '../useStudyData.js';
import { NO_FIELD_FILTER, fieldGaps, fieldViews, filterFields, groupFields, sortFields, type FieldFilter, type FieldGrouping, type FieldSort, type FieldSortKey } from '../view/fields.js';
import { plural } from '../view/format.js';
import { PAGE_TITLES } from '../view/route.js';
import { FieldEditDialog } from './FieldEditDialog.js';
import { FieldFilters } from './FieldFilters.js';
import { FieldsTable } from './FieldsTable.js';
import { PageHeader } from './PageHeader.js';
import { PageLayout } from './PageLayout.js';

interface FieldsPageProps {
  readonly client: WeftClient;
  readonly mode: 'desktop' | 'browser';
  readonly liveUpdates: LiveUpdates;
}

const loadFields = (client: WeftClient): Promise<FieldEntry[]> => client.call('field.list', {});

export function FieldsPage({ client, mode, liveUpdates }: FieldsPageProps) {
  const state = useStudyData(client, liveUpdates, loadFields);
  return (
    <PageLayout mode={mode} page="fields" state={state} loadingWhat="the fields registry">
      {(fields) => <FieldsRegistry client={client} fields={fields} onSaved={state.reload} />}
    </PageLayout>
  );
}

interface FieldsRegistryProps {
  readonly client: WeftClient;
  readonly fields: readonly FieldEntry[];
  readonly onSaved: () => void;
}

function FieldsRegistry({ client, fields, onSaved }: FieldsRegistryProps) {
  const [filter, setFilter] = useState<FieldFilter>(NO_FIELD_FILTER);
  const [sort, setSort] = useState<FieldSort>({ key: 'field', direction: 'ascending' });
  const [grouping, setGrouping] = useState<FieldGrouping>('none');
  const [editing, setEditing] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const views = useMemo(() => fieldViews(fields), [fields]);
  const shown = useMemo(() => groupFields(sortFields(filterFields(fields, filter), sort), grouping), [fields, filter, sort, grouping]);
  const shownCount = shown.reduce((sum, g) => sum + g.fields.length, 0);
  const incomplete = fields.filter((f) => fieldGaps(f).length > 0).length;
  const unreviewed = fields.filter((f) => f.reviewed_at === null).length;
  const editedEntry = editing === null ? null : (fields.find((f) => f.field === editing) ?? null);

  const toggleSort = (key: FieldSortKey): void =>
    setSort((current) => ({ key, direction: current.key === key && current.direction === 'ascending' ? 'descending' : 'ascending' }));

  return (
    <>
      <PageHeader title={PAGE_TITLES.fields}>
        Every field Weft holds or can hold, with why the study holds it and on what legal basis. Review a field to record its sensitivity, purpose, legal basis and retention; each review is audited.
      </PageHeader>
      <ul class="summary-line" aria-label="Registry summary">
        <li data-summary="fields">{plural(fields.length, 'field')}</li>
        <li data-summary="unreviewed">{unreviewed} not yet reviewed</li>
        <li data-summary="incomplete" class={incomplete > 0 ? 'flag' : undefined}>
          {incomplete === 0 ? 'every field has a purpose and a legal basis' : `⚠ ${plural(incomplete, 'field')} missing a purpose or legal basis`}
        </li>
      </ul>
      {saved === null ? null : (
        <p class="notice notice--success" role="status" data-saved={saved}>
          Review of <code>{saved}</code> saved and audited.
        </p>
      )}
      <FieldFilters filter={filter} views={views} grouping={grouping} onFilter={setFilter} onGrouping={setGrouping} />
      <p class="result-count" role="status" aria-live="polite" data-shown={shownCount}>
        Showing {shownCount} of {plural(fields.length, 'field')}
      </p>
      {shownCount === 0 ? (
        <p class="empty">No field matches these filters.</p>
      ) : (
        shown.map((group) => (
          <section key={group.key} class="field-group" aria-label={group.label}>
            {grouping === 'none' ? null : <h2 class="field-group__title">{group.label}</h2>}
            <FieldsTable caption={group.label} fields={group.fields} sort={sort} onSort={toggleSort} onEdit={(entry) => setEditing(entry.field)} />
          </section>
        ))
      )}
      <FieldEditDialog
        client={client}
        entry={editedEntry}
        onClose={() => setEditing(null)}
        onSaved={(entry) => {
          setEditing(null);
          setSaved(entry.field);
          onSaved();
        }}
      />
    </>
  );
}
