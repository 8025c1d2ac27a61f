import type { LiveState } from '../useStudyData.js';
import { PAGE_TITLES, type PageId } from '../view/route.js';
import { PageNav } from './PageNav.js';

/** 'offline': the page's data could not be loaded at all, so no updates can come either. */
export type ConnectionIndicator = LiveState | 'offline';

interface TopBarProps {
  readonly mode: 'desktop' | 'browser';
  readonly page: PageId | null;
  readonly live: ConnectionIndicator;
  readonly loading: boolean;
  readonly loadedAt: Date | null;
  readonly onRefresh: () => void;
}

const LIVE_TEXT: Record<ConnectionIndicator, { label: string; title: string }> = {
  waiting: { label: 'Connecting', title: 'Live updates start once the study has loaded' },
  live: { label: 'Live', title: 'The page reloads by itself when the study changes' },
  interrupted: { label: 'Updates paused', title: 'The connection for live updates failed; Weft keeps retrying. Refresh to load the current state.' },
  offline: { label: 'Not connected', title: 'The study could not be loaded; see the message below' },
};

export function TopBar({ mode, page, live, loading, loadedAt, onRefresh }: TopBarProps) {
  const liveText = LIVE_TEXT[live];
  return (
    <header class="topbar">
      <div class="topbar__inner">
        <p class="brand">
          Weft<span class="brand__page">{page === null ? 'Page not found' : PAGE_TITLES[page]}</span>
        </p>
        <PageNav current={page} />
        <div class="topbar__status">
          <span class="mode" title={mode === 'desktop' ? 'Weft desktop app' : 'Browser mode, served by "weft serve" on this machine'}>
            {mode === 'desktop' ? 'Desktop' : 'Browser'}
          </span>
          <span class={`live live--${live}`} title={liveText.title}>
            <span class="live__dot" aria-hidden="true" />
            {liveText.label}
          </span>
          <span class="updated" role="status" aria-live="polite">
            {loading ? 'Loading…' : loadedAt === null ? '' : `Updated ${loadedAt.toLocaleTimeString()}`}
          </span>
          <button type="button" class="button" onClick={onRefresh}>
            Refresh
          </button>
        </div>
      </div>
    </header>
  );
}
