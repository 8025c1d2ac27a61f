import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { listFolder } from '../../../src/backend/import/folderListing.js';
import { isWeftError } from '../../../src/core/errors.js';
import { realdata, tempDir } from '../../support/paths.js';
import { createTestStudy, type TestStudy } from '../../support/study.js';

describe('listing a folder to choose files to import', () => {
  it('recognises the real exports from their first bytes, and says why a file is not one', async () => {
    const listing = await listFolder(realdata('pybkt_examples_as_ct'));
    expect(listing.dir).toBe(realdata('pybkt_examples_as_ct'));
    expect(listing.parent).toBe(realdata());
    expect(listing.recognised_all).toBe(true);
    const byName = new Map(listing.entries.map((e) => [e.name, e]));
    expect(byName.get('as.csv')).toMatchObject({ kind: 'file', format: 'assistments-2009', note: null });
    expect(byName.get('ct.csv')).toMatchObject({ kind: 'file', format: 'datashop-step', note: null });
    expect(byName.get('PROVENANCE.md')?.format).toBeNull();
    expect(byName.get('PROVENANCE.md')?.note).toBe('not a format Weft recognises from its contents');
  });

  it('puts folders first, sorts names as people do, leaves hidden entries out, and names a spreadsheet in disguise', async () => {
    const { dir, remove } = await tempDir('weft-listing-');
    onTestFinished(remove);
    await mkdir(join(dir, 'P10'));
    await mkdir(join(dir, 'P2'));
    await writeFile(join(dir, '.DS_Store'), 'x');
    await writeFile(join(dir, 'session10.tsv'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    const log = 'Anon Student Id\tSession Id\tTime\nStu_A\tA-1\t2026-03-02 14:00:00\n';
    await writeFile(join(dir, 'session2.csv'), log);
    const listing = await listFolder(dir);
    expect(listing.entries.map((e) => [e.name, e.kind])).toEqual([
      ['P2', 'folder'],
      ['P10', 'folder'],
      ['session2.csv', 'file'],
      ['session10.tsv', 'file'],
    ]);
    expect(listing.entries[2]).toMatchObject({ format: 'datashop-tx', bytes: Buffer.byteLength(log) });
    expect(listing.entries[3]?.format).toBeNull();
    expect(listing.entries[3]?.note).toBe('it is a ZIP container (most likely an Excel .xlsx workbook, whatever its name says)');
    expect(listing.entries[3]?.note).not.toContain(dir);
  });

  it('refuses a folder that is not there, naming it', async () => {
    const { dir, remove } = await tempDir('weft-listing-');
    onTestFinished(remove);
    const missing = join(dir, 'gone');
    const error = await listFolder(missing).catch((e: unknown) => e);
    expect(isWeftError(error) && error.code).toBe('NOT_FOUND');
    expect((error as Error).message).toBe(`Cannot list ${missing}: no such folder`);
  });

  describe('through the API', () => {
    let study: TestStudy;
    beforeAll(async () => {
      study = await createTestStudy();
    });
    afterAll(async () => {
      await study.close();
    });

    it('starts from the folder the study is in', async () => {
      const listing = await study.client.call('files.list', {});
      expect(listing.dir).toBe(dirname(study.workspace.study.dir));
      expect(listing.entries.some((e) => e.path === study.workspace.study.dir && e.kind === 'folder')).toBe(true);
    });
  });
});
