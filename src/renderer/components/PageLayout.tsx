import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import type { StudyData } from '../useStudyData.js';
import { PAGE_TITLES, type PageId } from '../view/route.js';
import { ErrorBanner } from './ErrorBanner.js';
import { LoadingState } from './LoadingState.js';
import { TopBar } from './TopBar.js';

interface PageLayoutProps<T> {
  readonly mode: 'desktop' | 'browser';
  readonly page: PageId;
  readonly state: StudyData<T>;
  /** The window title; the page's title by default. */
  readonly documentTitle?: string;
  /** What is loading, for the first load: "the fields registry". */
  readonly loadingWhat: string;
  /** The page's content once its data has loaded. */
  readonly children: (data: T) => ComponentChildren;
}

/** Every page: the top bar, the API's error, a loading state until the first load, then the content. */
export function PageLayout<T>({ mode, page, state, documentTitle, loadingWhat, children }: PageLayoutProps<T>) {
  const title = documentTitle ?? PAGE_TITLES[page];
  useEffect(() => {
    document.title = `${title} — Weft`;
  }, [title]);
  const { data, error, loading, loadedAt, live, reload, dismissError } = state;
  return (
    <>
      <a class="skip-link" href="#main" onClick={(event) => skipToMain(event)}>
        Skip to the content
      </a>
      <TopBar mode={mode} page={page} live={data === null && error !== null ? 'offline' : live} loading={loading} loadedAt={loadedAt} onRefresh={reload} />
      <main id="main" class="page" tabIndex={-1} aria-busy={loading} data-page={page}>
        {error === null ? null : <ErrorBanner error={error} onRetry={reload} onDismiss={dismissError} />}
        {data === null ? (
          loading ? (
            <LoadingState text={`Loading ${loadingWhat}…`} />
          ) : error === null ? null : (
            <p class="empty">The page could not be loaded.</p>
          )
        ) : (
          children(data)
        )}
      </main>
    </>
  );
}

/** "#main" would be read as a route; move focus without touching the address. */
function skipToMain(event: MouseEvent): void {
  event.preventDefault();
  document.getElementById('main')?.focus();
}
