import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../../src/core/api/schemas.js';
import { sessionRows, writeConsentCsv, writeTransactions } from '../../support/fixtures.js';
import { realdata } from '../../support/paths.js';
import { createTestStudy, tableRowCounts, type TestStudy } from '../../support/study.js';

/** Every table's row count, the audit chain's length and the study folder's files: what a dry run must leave as it was. */
async function footprint(study: TestStudy): Promise<unknown> {
  const counts = await tableRowCounts(study.workspace.study.db);
  return { counts, files: (await readdir(study.dir, { recursive: true })).filter((f) => !f.endsWith('.wal')).sort() };
}

/** A summary without what differs between two runs of the same import. */
const comparable = (summary: ImportSummary): unknown => ({ ...summary, import_id: null, dry_run: null });

describe('a dry run of an import', () => {
  let study: TestStudy;
  beforeEach(async () => {
    study = await createTestStudy({ dataBasis: { kind: 'secondary_data', terms: 'public examples' } });
  });
  afterEach(async () => {
    await study.close();
  });

  it('reads the real exports as the import would, reports the same summary, and stores nothing', async () => {
    const files = [realdata('pybkt_examples_as_ct', 'ct.csv'), realdata('datashop_learnsphere', 'tx', 'ds76_tx_All_Data_74_2018_0912_070949.txt')];
    const before = await footprint(study);
    const dry = await study.client.call('session.import', { files, dry_run: true });
    expect(dry.dry_run).toBe(true);
    expect(dry.rows).toBe(18_220 + 492);
    expect(await footprint(study)).toEqual(before);
    expect(await study.client.call('participant.list', {})).toEqual([]);

    const real = await study.client.call('session.import', { files });
    expect(real.dry_run).toBe(false);
    expect(comparable(real)).toEqual(comparable(dry));
    expect(await footprint(study)).not.toEqual(before);
    // Checked again once imported, it finds the files already in the study.
    const again = await study.client.call('session.import', { files, dry_run: true });
    expect(again.files.map((f) => f.status)).toEqual(['duplicate', 'duplicate']);
  });
});

describe('a dry run of a consent export that withdraws a participant', () => {
  let study: TestStudy;
  beforeEach(async () => {
    study = await createTestStudy();
  });
  afterEach(async () => {
    await study.close();
  });

  it('says who would be withdrawn and erases no one', async () => {
    const consent = await writeConsentCsv(study.root, [{ id: 'P01' }, { id: 'P02' }]);
    const log = await writeTransactions(study.root, [...sessionRows('P01', 'S1', 'A', '2026-03-02T14:00:00Z', 4), ...sessionRows('P02', 'S2', 'B', '2026-03-02T15:00:00Z', 4)]);
    await study.client.call('session.import', { files: [consent, log] });
    const withdrawal = await writeConsentCsv(study.root, [{ id: 'P01' }, { id: 'P02', withdrawn: '2026-03-10' }], 'consent-2.csv');
    const before = await footprint(study);

    const dry = await study.client.call('session.import', { files: [withdrawal], dry_run: true });
    expect(dry.withdrawn).toEqual(['P02']);
    expect(dry.erasures).toEqual([]);
    expect(await footprint(study)).toEqual(before);
    expect((await study.client.call('participant.list', {})).map((p) => p.participant_id)).toEqual(['P01', 'P02']);

    const real = await study.client.call('session.import', { files: [withdrawal] });
    expect(real.erasures.map((e) => [e.scope, e.verification?.verified])).toEqual([['participant', true]]);
    expect((await study.client.call('participant.list', {})).map((p) => p.participant_id)).toEqual(['P01']);
  });
});
