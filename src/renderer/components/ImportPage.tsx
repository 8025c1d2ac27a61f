import { useState } from 'preact/hooks';
import type { WeftClient } from '../../core/api/client.js';
import { importSummaryRows, refusals } from '../../core/api/importSummaryView.js';
import type { ImportSummary, StudyInfo } from '../../core/api/schemas.js';
import { formatLocation } from '../../core/errors.js';
import type { LiveUpdates } from '../api.js';
import { useAction } from '../useAction.js';
import { useStudyData } from '../useStudyData.js';
import { chosenPaths, importInput, type ImportDraft } from '../view/importForm.js';
import { formatCount, plural } from '../view/format.js';
import { PAGE_TITLES } from '../view/route.js';
import { FolderBrowser } from './FolderBrowser.js';
import { FormError } from './FormError.js';
import { FormRow } from './FormRow.js';
import { JobProgressBar, useJobProgress } from './JobProgressBar.js';
import { PageHeader } from './PageHeader.js';
import { PageLayout } from './PageLayout.js';
import { ScrollableTable } from './ScrollableTable.js';
import { Section } from './Section.js';

interface ImportPageProps {
  readonly client: WeftClient;
  readonly mode: 'desktop' | 'browser';
  readonly liveUpdates: LiveUpdates;
}

const loadInfo = (client: WeftClient): Promise<StudyInfo> => client.call('study.info', {});

/** An import reports "Importing <file>" while it reads each file, and "Import" when it ends. */
const isImportLabel = (label: string): boolean => label === 'Import' || label.startsWith('Importing ');

const EMPTY: ImportDraft = { files: '', participant: '', session: '', manifest: '', format: '', clockOffset: '' };

export function ImportPage({ client, mode, liveUpdates }: ImportPageProps) {
  const state = useStudyData(client, liveUpdates, loadInfo);
  return (
    <PageLayout mode={mode} page="import" state={state} loadingWhat="the study">
      {(info) => <ImportForm client={client} info={info} />}
    </PageLayout>
  );
}

function ImportForm({ client, info }: { readonly client: WeftClient; readonly info: StudyInfo }) {
  const [draft, setDraft] = useState<ImportDraft>(EMPTY);
  const job = useJobProgress(client, isImportLabel);
  const importing = useAction(async ({ typed, dryRun }: { typed: ImportDraft; dryRun: boolean }): Promise<ImportSummary> => {
    const input = { ...importInput(typed), dry_run: dryRun };
    return job.follow(() => client.call('session.import', input));
  });
  const [browsing, setBrowsing] = useState(false);
  const set = (patch: Partial<ImportDraft>): void => setDraft({ ...draft, ...patch });
  const chosen = chosenPaths(draft.files);
  const add = (paths: readonly string[]): void => set({ files: [...chosen, ...paths.filter((p) => !chosen.includes(p))].join('\n') });
  const submit = (event: Event): void => {
    event.preventDefault();
    void importing.run({ typed: draft, dryRun: false });
  };
  const basis = info.data_basis;
  return (
    <>
      <PageHeader title={PAGE_TITLES.import}>
        Recordings, tutor logs, eye tracking, face features, annotations and consent exports, read on this computer into the study. Each import is one transaction: every file lands, or none does.
      </PageHeader>
      <Section id="import-files" title="Files to import" meta={basis.kind === 'secondary_data' ? `An existing data set, under ${basis.terms}` : 'Data a participant has not consented to is not stored'}>
        <form class="form import-form" onSubmit={submit} noValidate data-form="import">
          <FormRow
            id="import-paths"
            label="Files"
            hint="Paths on this computer, one per line, or chosen from a folder below. Formats are recognised from the contents; a file imported before adds nothing."
          >
            <textarea id="import-paths" rows={5} spellcheck={false} value={draft.files} aria-describedby="import-paths-hint" onInput={(e) => set({ files: e.currentTarget.value })} />
          </FormRow>
          <button type="button" class="button button--small folder-browser__toggle" aria-expanded={browsing} onClick={() => setBrowsing(!browsing)} data-testid="import-browse">
            {browsing ? 'Close the folder view' : 'Choose from a folder…'}
          </button>
          {browsing ? <FolderBrowser client={client} chosen={chosen} onAdd={add} /> : null}
          <div class="form__pair">
            <FormRow id="import-participant" label="Participant" hint="For files that do not say whose they are">
              <input id="import-participant" type="text" value={draft.participant} aria-describedby="import-participant-hint" onInput={(e) => set({ participant: e.currentTarget.value })} />
            </FormRow>
            <FormRow id="import-session" label="Session" hint="For files that do not say which session">
              <input id="import-session" type="text" value={draft.session} aria-describedby="import-session-hint" onInput={(e) => set({ session: e.currentTarget.value })} />
            </FormRow>
          </div>
          <div class="form__pair">
            <FormRow id="import-manifest" label="Manifest" hint="A CSV that maps files to participants, sessions and clocks (docs/formats.md)">
              <input id="import-manifest" type="text" value={draft.manifest} aria-describedby="import-manifest-hint" onInput={(e) => set({ manifest: e.currentTarget.value })} />
            </FormRow>
            <FormRow id="import-clock-offset" label="Clock offset (s)" hint="Session time of time 0 on the files' own clock">
              <input id="import-clock-offset" type="text" inputMode="decimal" value={draft.clockOffset} aria-describedby="import-clock-offset-hint" onInput={(e) => set({ clockOffset: e.currentTarget.value })} />
            </FormRow>
          </div>
          <FormRow id="import-format" label="Format" hint="Leave empty to recognise each file from its contents">
            <input id="import-format" type="text" value={draft.format} aria-describedby="import-format-hint" onInput={(e) => set({ format: e.currentTarget.value })} />
          </FormRow>
          <div class="form__actions">
            <button type="submit" class="button" disabled={importing.pending} data-testid="import-run">
              {importing.pending ? 'Reading…' : 'Import'}
            </button>
            <button type="button" class="button button--quiet" disabled={importing.pending} onClick={() => void importing.run({ typed: draft, dryRun: true })} data-testid="import-dry-run">
              Dry run: check, store nothing
            </button>
          </div>
        </form>
        {importing.pending ? <JobProgressBar job={job} waiting="Starting the import…" testId="import-progress" showLabel /> : null}
        <FormError error={importing.error} what="Nothing was imported" />
      </Section>
      {importing.result === null ? null : <ImportResult summary={importing.result} />}
    </>
  );
}

function ImportResult({ summary }: { readonly summary: ImportSummary }) {
  const rows = importSummaryRows(summary);
  const refused = refusals(summary.files);
  const warnings = summary.files.flatMap((f) => f.warnings);
  const imported = summary.files.filter((f) => f.status === 'imported').length;
  const skipped = summary.files.length - imported;
  return (
    <Section
      id="import-result"
      title={summary.dry_run ? 'Dry run: nothing was stored' : 'Imported'}
      meta={`${summary.dry_run ? 'would import ' : ''}${plural(imported, 'file')} (${plural(summary.rows, 'row')})${skipped > 0 ? `; ${formatCount(skipped)} already in the study, skipped` : ''}`}
    >
      <div data-testid="import-result">
        {rows.length === 0 ? (
          <p class="empty">Nothing stored.</p>
        ) : (
          <ScrollableTable labelledBy="import-result-heading">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Format</th>
                  <th scope="col">Participant / session</th>
                  <th scope="col">Stream</th>
                  <th scope="col" class="num">
                    Rows
                  </th>
                  <th scope="col">Time span</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={`${row.path}|${row.stream ?? ''}`} data-stream={row.stream ?? 'skipped'}>
                    <td title={row.path}>{row.file}</td>
                    <td>{row.format}</td>
                    <td>{row.who}</td>
                    <td>{row.stream ?? ''}</td>
                    <td class="num">{row.rows === null ? '' : formatCount(row.rows)}</td>
                    <td>{row.span}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollableTable>
        )}
        {refused.groups.length === 0 ? null : (
          <div class="notice" data-testid="import-refused">
            <p>
              Not stored, for lack of consent: {plural(refused.rows, 'row')} of {plural(refused.participants, 'participant')}.
              {refused.consentMissing ? ' Record consent on the Consent page, then import the file again: what was refused is read again.' : ''}
            </p>
            <ul>
              {refused.groups.map((g) => (
                <li key={`${g.participant}|${g.kind}|${g.reason}`}>
                  {g.participant}
                  {g.sessions}: {g.kind}, {plural(g.rows, 'row')} ({g.reason})
                </li>
              ))}
            </ul>
            {refused.recordsRefused ? <p>Refused annotations and demographics are not read again from a file imported before: only its streams are.</p> : null}
          </div>
        )}
        {warnings.length === 0 ? null : (
          <>
            <h3>{plural(warnings.length, 'warning')}</h3>
            <ul class="import-warnings" data-testid="import-warnings">
              {warnings.map((w, i) => (
                <li key={i}>
                  {w.location === undefined ? null : <code>{formatLocation(w.location)}</code>} {w.message}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </Section>
  );
}
