import { describe, expect, it } from 'vitest';
import { reportFileName } from '../../../src/renderer/view/report.js';

describe('reportFileName', () => {
  it('names the file after the study and the day it was generated', () => {
    expect(reportFileName('Weft demo: linear equations', '2026-03-01T10:00:00Z')).toBe('ethics-report-weft-demo-linear-equations-2026-03-01.html');
  });

  it('keeps only safe characters, folding accents, and copes with no name or date', () => {
    expect(reportFileName('Étude pilote / Zürich', 'not a date')).toBe('ethics-report-etude-pilote-zurich-undated.html');
    expect(reportFileName('***', '2026-03-01')).toBe('ethics-report-study-2026-03-01.html');
  });
});
