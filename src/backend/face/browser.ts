import type { BrowserContext } from 'playwright-core';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function leavesLoopback(url: string): boolean {
  const parsed = new URL(url);
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:' || parsed.protocol === 'about:') return false;
  return !LOOPBACK_HOSTS.has(parsed.hostname);
}

/**
 * Refuses every request of the context's pages and workers that would leave loopback; the
 * returned list fills with what was refused, so the run can fail on it.
 */
export async function refuseOffLoopback(context: BrowserContext): Promise<string[]> {
  const offsite: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (leavesLoopback(url)) {
      offsite.push(url);
      await route.abort('blockedbyclient').catch(() => undefined);
      return;
    }
    await route.continue().catch(() => undefined);
  });
  return offsite;
}

/** "Chromium 150.0.7871.100 (headless)". */
export function chromiumVersion(context: BrowserContext): string {
  return `Chromium ${context.browser()?.version() ?? 'unknown version'} (headless)`;
}
