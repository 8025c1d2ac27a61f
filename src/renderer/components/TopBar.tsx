import type { LiveState } from '../useOverview.js';

/** 'offline': the study could not be loaded at all, so no updates can come either. */
export type ConnectionIndicator = LiveState | 'offline';

interface TopBarProps {
  readonly mode: 'desktop' | 'browser';
  readonly studyName: string | null;
  readonly live: ConnectionIndicator;
  readonly loading: boolean;
  readonly loadedAt: Date | null;
  readonly onRefresh: () => void;
}

const LIVE_TEXT: Record<ConnectionIndicator, { label: string; title: string }> = {
  waiting: { label: 'Connecting', title: 'Live updates start once the study has loaded' },
  live: { label: 'Live', title: 'The overview reloads by itself when the study changes' },
  interrupted: { label: 'Updates paused', title: 'The connection for live updates failed; Weft keeps retrying. Refresh to load the current state.' },
  offline: { label: 'Not connected', title: 'The study could not be loaded; see the message below' },
};

const SECTIONS = [
  ['variants', 'Variants'],
  ['consent', 'Consent'],
  ['participants', 'Participants'],
  ['erasures', 'Erasures'],
  ['sessions', 'Sessions'],
  ['timeline', 'Timeline'],
] as const;

export function TopBar({ mode, studyName, live, loading, loadedAt, onRefresh }: TopBarProps) {
  const liveText = LIVE_TEXT[live];
  return (
    <header class="topbar">
      <div class="topbar__inner">
        <p class="brand">
          Weft<span class="brand__page">Study overview</span>
        </p>
        <nav class="topbar__nav" aria-label="Sections">
          {studyName === null
            ? null
            : SECTIONS.map(([id, label]) => (
                <a key={id} href={`#${id}`}>
                  {label}
                </a>
              ))}
        </nav>
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
