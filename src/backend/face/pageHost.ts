/**
 * Where the extraction page runs. The command line drives headless system Chromium
 * (playwrightHost.ts); the desktop app opens a hidden Electron window (src/main/extractionWindow.ts).
 * Both load the same page from the run's loopback server, refuse every request that would leave
 * loopback, and tell the runner what happened; everything else about a run is the runner's.
 */

/** What a host tells the runner about the page, as it happens. */
export interface PageWatch {
  /** Every request the page and its workers made, refused ones included. */
  onRequest(url: string): void;
  /** A request the host refused because it would have left loopback. */
  onRefused(url: string): void;
  /** An exception the page did not catch, or a load that failed. */
  onPageError(message: string): void;
  /** The page's renderer process died, for the reason given ("out of memory"). */
  onCrash(reason: string): void;
}

export interface ExtractionPage {
  /** The browser, for provenance: "Chromium 150.0.7871.100 (headless)". */
  readonly browser: string;
  /** Loads the page; resolves once it has loaded, rejects if it could not. */
  open(url: string, watch: PageWatch): Promise<void>;
}

export interface ExtractionPageHost {
  /** Runs fn with a page in a fresh browser session that is torn down afterwards, whatever happens. */
  withPage<T>(fn: (page: ExtractionPage) => Promise<T>): Promise<T>;
}

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);
const IN_MEMORY_SCHEMES: ReadonlySet<string> = new Set(['data:', 'blob:', 'about:']);

/** Whether a request to url would leave this machine: anything not loopback and not in memory. */
export function leavesLoopback(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return true;
  }
  if (IN_MEMORY_SCHEMES.has(parsed.protocol)) return false;
  return !LOOPBACK_HOSTS.has(parsed.hostname);
}
