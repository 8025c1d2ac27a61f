import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type WeftClient } from '../../../src/core/api/client.js';
import { createInProcessTransport } from '../../../src/core/api/inProcess.js';
import { printPdf } from '../../../src/backend/browser/chromium.js';
import type { Workspace } from '../../../src/backend/workspace.js';
import { buildDemoStudy } from '../../../src/cli/demo.js';
import { tempDir } from '../../support/paths.js';

let remove: () => Promise<void>;
let root: string;
let workspace: Workspace;
let client: WeftClient;

beforeAll(async () => {
  const temp = await tempDir('weft-ethics-');
  ({ dir: root, remove } = temp);
  workspace = (await buildDemoStudy(join(root, 'demo'), { actor: 'test', minutes: 1 })).workspace;
  client = createClient(createInProcessTransport(workspace.handlers, workspace.hub, 'reviewer'));
});
afterAll(async () => {
  await workspace.close();
  await remove();
});

describe("the ethics reviewer's report", () => {
  it('says what is collected, consented and used, what is minimised, what was erased and whether the audit trail is intact', async () => {
    const report = await client.call('report.ethics', {});
    expect(report.sha256).toMatch(/^[0-9a-f]{64}$/);
    const html = report.html;
    expect(html).toContain('Ethics review: Weft demo');
    expect(html).toMatch(/<th scope="row">Video<\/th><td>no<\/td><td class="n">4<\/td><td class="n">1<\/td>/);
    expect(html).toMatch(/<th scope="row">face_frames<\/th><td>Face features<\/td><td>Biometric<\/td><td class="n">\d+\/\d+<\/td><td>5 of 5<\/td>/);
    expect(html).toContain('never extracted or stored');
    expect(html).toContain('✓ verified: no trace left');
    expect(html).toContain('withdrawal recorded in a consent export');
    expect(html).toMatch(/<span class="ok">Intact<\/span>: \d+ hash-chained entries/);
    expect(html).toContain('Not yet signed off.');
    expect(html).not.toContain('P06');
    expect(html).not.toMatch(/<script|https?:\/\//);
  });

  it('is signed off by a reviewer, and the sign-off is audited and shown', async () => {
    const first = await client.call('report.ethics', {});
    const signoff = await client.call('report.signoff', { reviewer: 'Dr. R. Ethics', comment: 'Consent coverage and minimization are adequate.', report_sha256: first.sha256 });
    expect(signoff).toMatchObject({ reviewer: 'Dr. R. Ethics', report_sha256: first.sha256 });
    expect((await client.call('audit.list', {})).at(-1)).toMatchObject({ action: 'report.signoff', actor: 'reviewer', detail: { reviewer: 'Dr. R. Ethics' } });
    expect((await client.call('report.ethics', {})).html).toContain('<strong>Dr. R. Ethics</strong>: Consent coverage and minimization are adequate.');
  });

  it('prints to PDF with Chromium, fetching nothing', async () => {
    const { html } = await client.call('report.ethics', {});
    const pdf = join(root, 'ethics.pdf');
    await printPdf(html, pdf);
    const bytes = await readFile(pdf);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(20_000);
  });
});
