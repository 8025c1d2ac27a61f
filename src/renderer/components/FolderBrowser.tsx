import { useEffect, useState } from 'preact/hooks';
import type { WeftClient } from '../../core/api/client.js';
import type { FolderListing } from '../../core/api/schemas.js';
import { describeActionError, type ActionError } from '../view/errors.js';
import { formatBytes } from '../view/erasure.js';
import { FormError } from './FormError.js';
import { ScrollableTable } from './ScrollableTable.js';

interface FolderBrowserProps {
  readonly client: WeftClient;
  /** Paths already chosen: their Add button is off. */
  readonly chosen: readonly string[];
  readonly onAdd: (paths: readonly string[]) => void;
}

/**
 * Folders and files on this computer (files.list), for choosing what to import without typing
 * paths: each file with the format Weft recognises in it, or why it does not.
 */
export function FolderBrowser({ client, chosen, onAdd }: FolderBrowserProps) {
  const [dir, setDir] = useState<string | undefined>(undefined);
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [error, setError] = useState<ActionError | null>(null);
  useEffect(() => {
    let current = true;
    setError(null);
    client
      .call('files.list', dir === undefined ? {} : { dir })
      .then((result) => current && setListing(result))
      .catch((caught: unknown) => current && setError(describeActionError(caught)));
    return () => {
      current = false;
    };
  }, [client, dir]);

  const recognised = listing?.entries.filter((e) => e.kind === 'file' && e.format !== null && !chosen.includes(e.path)) ?? [];
  return (
    <div class="folder-browser" data-testid="folder-browser">
      <div class="folder-browser__bar">
        <button type="button" class="button button--small" disabled={listing?.parent === null || listing === null} onClick={() => listing?.parent && setDir(listing.parent)}>
          Up
        </button>
        <code class="folder-browser__path" data-testid="folder-path">
          {listing?.dir ?? '…'}
        </code>
        <button type="button" class="button button--small" disabled={recognised.length === 0} onClick={() => onAdd(recognised.map((e) => e.path))} data-testid="folder-add-recognised">
          {recognised.length === 0 ? 'Nothing recognised to add' : `Add the ${recognised.length} recognised`}
        </button>
      </div>
      <FormError error={error} what="The folder could not be listed" />
      {listing === null ? null : listing.entries.length === 0 ? (
        <p class="empty">This folder is empty.</p>
      ) : (
        <ScrollableTable labelledBy="import-files-heading">
          <table class="table table--folder">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" class="num">
                  Size
                </th>
                <th scope="col">Recognised as</th>
                <th scope="col">
                  <span class="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {listing.entries.map((entry) => (
                <tr key={entry.path} data-entry={entry.name}>
                  <td>
                    {entry.kind === 'folder' ? (
                      <button type="button" class="button--link" onClick={() => setDir(entry.path)}>
                        {entry.name}/
                      </button>
                    ) : (
                      entry.name
                    )}
                  </td>
                  <td class="num">{entry.bytes === null ? '' : formatBytes(entry.bytes)}</td>
                  <td>{entry.kind === 'folder' ? '' : (entry.format ?? <span class="muted">{entry.note ?? 'not looked at (many files)'}</span>)}</td>
                  <td>
                    {entry.kind === 'file' ? (
                      <button type="button" class="button button--small" disabled={chosen.includes(entry.path)} onClick={() => onAdd([entry.path])}>
                        {chosen.includes(entry.path) ? 'Added' : 'Add'}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollableTable>
      )}
      {listing !== null && !listing.recognised_all ? <p class="form-row__hint">This folder has many files: only the first were looked at, the others are listed without a format.</p> : null}
    </div>
  );
}
