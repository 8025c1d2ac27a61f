import { describe, expect, it } from 'vitest';
import { isWeftError } from '../../../src/core/errors.js';
import { importInput, type ImportDraft } from '../../../src/renderer/view/importForm.js';

const EMPTY: ImportDraft = { files: '', participant: '', session: '', manifest: '', format: '', clockOffset: '' };

function failure(draft: ImportDraft): { message: string; issues: unknown } {
  try {
    importInput(draft);
  } catch (error) {
    if (isWeftError(error)) return { message: error.message, issues: error.details?.['issues'] };
    throw error;
  }
  throw new Error('expected the draft to be refused');
}

describe('the import form', () => {
  it('takes one path a line, trimmed, blank lines skipped, and only the options given', () => {
    expect(importInput({ ...EMPTY, files: '\n  /data/a.csv \r\n\n/data/b c.txt\n' })).toEqual({ files: ['/data/a.csv', '/data/b c.txt'] });
    expect(importInput({ ...EMPTY, files: '/v.mp4', participant: ' P01 ', session: 'S01', format: 'openface-csv', clockOffset: '-2,5' })).toEqual({
      files: ['/v.mp4'],
      participant_id: 'P01',
      session_id: 'S01',
      format: 'openface-csv',
      clock_offset_s: -2.5,
    });
    expect(importInput({ ...EMPTY, manifest: ' /data/manifest.csv ' })).toEqual({ files: [], manifest: '/data/manifest.csv' });
  });

  it('refuses a form with nothing to import, or an offset that is not a number, naming the input', () => {
    expect(failure({ ...EMPTY, files: ' \n ' })).toEqual({ message: 'Give at least one file to import, or a manifest', issues: [{ path: 'files', message: 'No file given' }] });
    expect(failure({ ...EMPTY, files: '/a.csv', clockOffset: '2 s' })).toEqual({ message: 'Clock offset "2 s" is not a number of seconds', issues: [{ path: 'clock_offset_s', message: 'Not a number of seconds' }] });
  });
});
