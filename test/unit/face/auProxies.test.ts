import { describe, expect, it } from 'vitest';
import { AU_PROXIES, AU_WITHOUT_PROXY, auProxyColumnExpressions, auProxyProvenance, auProxyScores } from '../../../src/core/face/auProxies.js';
import { ACTION_UNITS, BLENDSHAPE_NAMES, FACE_FEATURE_COLUMNS, auPresenceColumn } from '../../../src/core/face/featureSchema.js';

const scores = (values: Record<string, number>): number[] => BLENDSHAPE_NAMES.map((name) => values[name] ?? 0);

describe('blendshape-to-AU proxies', () => {
  it('use real blendshapes and real presence columns of the face schema', () => {
    const columns = new Set(FACE_FEATURE_COLUMNS.map((c) => c.name));
    for (const proxy of AU_PROXIES) {
      expect(ACTION_UNITS).toContain(proxy.au);
      for (const name of proxy.blendshapes) expect(BLENDSHAPE_NAMES).toContain(name);
      expect(columns.has(auPresenceColumn(proxy.au))).toBe(true);
    }
  });

  it('account for every action unit of the schema: a proxy, or the reason there is none', () => {
    for (const au of ACTION_UNITS) {
      const proxied = AU_PROXIES.some((p) => p.au === au);
      expect(proxied || AU_WITHOUT_PROXY[au] !== undefined, `AU${au}`).toBe(true);
      expect(proxied && AU_WITHOUT_PROXY[au] !== undefined, `AU${au} both proxied and refused`).toBe(false);
    }
  });

  it('include the issue\'s examples: browDown for AU4, eyeSquint for AU7, browInnerUp for AU1', () => {
    const of = (au: number) => AU_PROXIES.find((p) => p.au === au)?.blendshapes;
    expect(of(4)).toEqual(['browDownLeft', 'browDownRight']);
    expect(of(7)).toEqual(['eyeSquintLeft', 'eyeSquintRight']);
    expect(of(1)).toEqual(['browInnerUp']);
  });

  it('take the larger side of a bilateral pair, so a one-sided action counts', () => {
    const result = auProxyScores(scores({ mouthSmileLeft: 0.9, mouthSmileRight: 0.2, browInnerUp: 0.4 }));
    expect(result.get(12)).toBe(0.9);
    expect(result.get(1)).toBe(0.4);
    expect(result.get(15)).toBe(0);
  });

  it('leave a frame without blendshapes missing', () => {
    expect(Number.isNaN(auProxyScores(BLENDSHAPE_NAMES.map(() => Number.NaN)).get(4) as number)).toBe(true);
  });

  it('write the same rule as SQL over the stored blendshape columns, into presence columns only', () => {
    const expressions = auProxyColumnExpressions();
    expect(expressions.get('au04_presence')).toBe('greatest(bs_brow_down_left, bs_brow_down_right)');
    expect(expressions.get('au01_presence')).toBe('bs_brow_inner_up');
    expect([...expressions.keys()].every((c) => c.endsWith('_presence'))).toBe(true);
    expect(auProxyProvenance()['column']).toMatch(/intensity stays empty/);
  });
});
