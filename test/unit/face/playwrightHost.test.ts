import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath } from '../../../src/backend/browser/chromium.js';
import { playwrightPageHost } from '../../../src/backend/face/browser.js';
import type { PageWatch } from '../../../src/backend/face/pageHost.js';

function haveChromium(): boolean {
  try {
    return existsSync(chromiumPath());
  } catch {
    return false;
  }
}

const OFFSITE_PAGE = 'https://weft-egress-check.example/from-page';
const OFFSITE_WORKER = 'https://weft-egress-check.example/from-worker';

/** A page that reaches beyond loopback from itself and from a worker, then throws. */
const PAGE = `<!doctype html><title>host check</title><script>
fetch(${JSON.stringify(OFFSITE_PAGE)}).catch(() => undefined);
fetch('/loopback').catch(() => undefined);
const worker = new Worker('/worker.js');
worker.onmessage = () => setTimeout(() => { throw new Error('boom from the page'); }, 0);
</script>`;
const WORKER = `fetch(${JSON.stringify(OFFSITE_WORKER)}).catch(() => undefined).finally(() => postMessage('tried'));`;

interface Seen {
  readonly requests: string[];
  readonly refused: string[];
  readonly errors: string[];
  readonly crashes: string[];
}

async function until(condition: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting for the page');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!haveChromium())(`the headless Chromium page host${haveChromium() ? '' : ': skipped, no Chromium here'}`, () => {
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/worker.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(WORKER);
      else if (req.url === '/loopback') res.writeHead(204).end();
      else res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('names its browser, reports every request, refuses those leaving loopback (the page\'s and its worker\'s) and reports uncaught errors', async () => {
    const seen: Seen = { requests: [], refused: [], errors: [], crashes: [] };
    const watch: PageWatch = {
      onRequest: (url) => seen.requests.push(url),
      onRefused: (url) => seen.refused.push(url),
      onPageError: (message) => seen.errors.push(message),
      onCrash: (reason) => seen.crashes.push(reason),
    };
    const browser = await playwrightPageHost.withPage(async (page) => {
      await page.open(`${origin}/page.html`, watch);
      await until(() => seen.errors.length > 0 && seen.refused.length >= 2);
      return page.browser;
    });
    expect(browser).toMatch(/^Chromium \d+\.\d+\.\d+\.\d+ \(headless\)$/);
    expect(seen.requests).toEqual(expect.arrayContaining([`${origin}/page.html`, `${origin}/loopback`, `${origin}/worker.js`, OFFSITE_PAGE, OFFSITE_WORKER]));
    expect(seen.refused.sort()).toEqual([OFFSITE_PAGE, OFFSITE_WORKER].sort());
    expect(seen.errors).toEqual(['boom from the page']);
    expect(seen.crashes).toEqual([]);
  });
});
