import { createClient, type WeftClient } from '../core/api/client.js';
import { HTTP_EVENTS_PATH, createHttpTransport, type FetchLike } from '../core/api/http.js';
import { BRIDGE_KEY, createDesktopTransport, type DesktopBridge } from '../core/api/ipc.js';
import { TOKEN_STORAGE_KEY, readLaunchToken } from './view/launchToken.js';

export type Connection =
  | { readonly kind: 'connected'; readonly mode: 'desktop' | 'browser'; readonly client: WeftClient; readonly liveUpdates: LiveUpdates }
  | { readonly kind: 'no-token' };

export type LiveHealth = 'live' | 'interrupted';

/** Whether backend events reach the page; only browser mode's long poll can fail. */
export interface LiveUpdates {
  onHealth(listener: (health: LiveHealth) => void): () => void;
}

function liveUpdatesHub(): LiveUpdates & { report(health: LiveHealth): void } {
  const listeners = new Set<(health: LiveHealth) => void>();
  return {
    onHealth(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    report(health) {
      for (const listener of listeners) listener(health);
    },
  };
}

/** The transport reports failed event polls but not recovered ones, so answered polls are noticed here. */
function observingEventPolls(fetch: FetchLike, live: { report(health: LiveHealth): void }): FetchLike {
  return async (url, init) => {
    const response = await fetch(url, init);
    if (url.endsWith(HTTP_EVENTS_PATH) && response.status === 200) live.report('live');
    return response;
  };
}

function storedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Forgets a token the server refused, so that a reload explains where to get a valid one. */
export function forgetToken(): void {
  try {
    sessionStorage.removeItem(TOKEN_STORAGE_KEY);
  } catch {
    // Storage can be disabled; there is then nothing to forget.
  }
}

/**
 * The API client of this window: over the desktop bridge when the Electron preload exposed one,
 * else over HTTP to the `weft serve` that served the page, with the token from the address.
 */
export function connect(): Connection {
  const bridge = (window as Window & { [BRIDGE_KEY]?: DesktopBridge })[BRIDGE_KEY];
  if (bridge !== undefined) {
    return { kind: 'connected', mode: 'desktop', client: createClient(createDesktopTransport(bridge)), liveUpdates: liveUpdatesHub() };
  }
  const { token, cleanedHash } = readLaunchToken(location.hash, storedToken());
  if (cleanedHash !== null) {
    history.replaceState(history.state, '', `${location.pathname}${location.search}${cleanedHash}`);
  }
  if (token === null) return { kind: 'no-token' };
  try {
    sessionStorage.setItem(TOKEN_STORAGE_KEY, token);
  } catch {
    // Without storage the page still works; only a reload will ask for the address again.
  }
  const live = liveUpdatesHub();
  const transport = createHttpTransport({
    baseUrl: location.origin,
    token,
    fetch: observingEventPolls(window.fetch.bind(window), live),
    onEventsError: () => live.report('interrupted'),
  });
  return { kind: 'connected', mode: 'browser', client: createClient(transport), liveUpdates: live };
}

/**
 * Pasting a new launch address into this tab only changes the fragment when the port is the
 * same, which loads nothing: start over so that the new token is used.
 */
export function reconnectOnNewToken(): void {
  window.addEventListener('hashchange', () => {
    if (readLaunchToken(location.hash, null).token !== null) location.reload();
  });
}
