import { useEffect } from 'preact/hooks';
import { pageHref } from '../view/route.js';
import { TopBar } from './TopBar.js';

interface NotFoundPageProps {
  readonly mode: 'desktop' | 'browser';
  readonly path: string;
}

export function NotFoundPage({ mode, path }: NotFoundPageProps) {
  useEffect(() => {
    document.title = 'Page not found — Weft';
  }, []);
  return (
    <>
      <TopBar mode={mode} page={null} live="waiting" loading={false} loadedAt={null} onRefresh={() => location.reload()} />
      <main id="main" class="page" tabIndex={-1}>
        <h1 class="page-title">No page at “{path}”</h1>
        <p>
          Weft has no page at this address. Choose one above, or go to the <a href={pageHref('overview')}>study overview</a>.
        </p>
      </main>
    </>
  );
}
