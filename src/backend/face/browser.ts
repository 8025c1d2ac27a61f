import type { BrowserContext } from 'playwright-core';
import { withChromium } from '../browser/chromium.js';
import { leavesLoopback, type ExtractionPageHost, type PageWatch } from './pageHost.js';

export { leavesLoopback } from './pageHost.js';

/**
 * Refuses every request of the context's pages and workers that would leave loopback; the
 * returned list fills with what was refused, and onRefused hears of each as it happens.
 */
export async function refuseOffLoopback(context: BrowserContext, onRefused: (url: string) => void = () => undefined): Promise<string[]> {
  const offsite: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (leavesLoopback(url)) {
      offsite.push(url);
      onRefused(url);
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

/** The extraction page in headless system Chromium, driven by playwright-core: `weft extract-face` and browser mode. */
export const playwrightPageHost: ExtractionPageHost = {
  withPage: (fn) =>
    withChromium((context) =>
      fn({
        browser: chromiumVersion(context),
        open: async (url: string, watch: PageWatch) => {
          await refuseOffLoopback(context, (refused) => watch.onRefused(refused));
          const page = await context.newPage();
          page.on('request', (r) => watch.onRequest(r.url()));
          page.on('pageerror', (error) => watch.onPageError(error.message));
          page.on('crash', () => watch.onCrash('out of memory?'));
          await page.goto(url);
        },
      }),
    ),
};
