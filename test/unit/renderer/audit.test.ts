import { describe, expect, it } from 'vitest';
import { auditDetailSummary, auditPage, auditPageCount, auditPageOf, shortHash } from '../../../src/renderer/view/audit.js';

describe('auditPage', () => {
  it('puts the newest entries on page 0 and asks audit.list for exactly that slice', () => {
    expect(auditPage(60, 0, 25)).toEqual({ index: 0, count: 3, afterSeq: 35, limit: 25 });
    expect(auditPage(60, 1, 25)).toEqual({ index: 1, count: 3, afterSeq: 10, limit: 25 });
    expect(auditPage(60, 2, 25)).toEqual({ index: 2, count: 3, afterSeq: 0, limit: 10 });
  });

  it('clamps a page beyond either end, and gives an empty chain one page', () => {
    expect(auditPage(60, 9, 25).index).toBe(2);
    expect(auditPage(60, -3, 25).index).toBe(0);
    expect(auditPageCount(0)).toBe(1);
    expect(auditPage(0, 0)).toMatchObject({ index: 0, count: 1, afterSeq: 0 });
  });

  it('covers every entry exactly once across its pages', () => {
    const total = 53;
    const seen: number[] = [];
    for (let i = 0; i < auditPageCount(total, 10); i++) {
      const page = auditPage(total, i, 10);
      for (let seq = page.afterSeq + 1; seq <= page.afterSeq + page.limit; seq++) seen.push(seq);
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it('finds the page of an entry, and page 0 for one outside the chain', () => {
    expect(auditPageOf(60, 60, 25)).toBe(0);
    expect(auditPageOf(60, 35, 25)).toBe(1);
    expect(auditPageOf(60, 1, 25)).toBe(2);
    expect(auditPageOf(60, 61, 25)).toBe(0);
    const page = auditPage(60, auditPageOf(60, 12, 25), 25);
    expect(12).toBeGreaterThan(page.afterSeq);
    expect(12).toBeLessThanOrEqual(page.afterSeq + page.limit);
  });
});

describe('auditDetailSummary', () => {
  it('summarises values in one line and shortens what is too long', () => {
    expect(auditDetailSummary({ reviewer: 'A', k: 5, ok: true, list: [1, 2], nested: { a: 1 }, none: null })).toBe('reviewer: A · k: 5 · ok: true · list: [2] · nested: {…} · none: —');
    const long = auditDetailSummary({ comment: 'x'.repeat(500) }, 40);
    expect(long).toHaveLength(40);
    expect(long.endsWith('…')).toBe(true);
    expect(shortHash('0123456789abcdef')).toBe('0123456789ab');
  });
});
