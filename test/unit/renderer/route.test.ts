import { describe, expect, it } from 'vitest';
import { readLaunchToken } from '../../../src/renderer/view/launchToken.js';
import { PAGES, pageHref, parseRoute } from '../../../src/renderer/view/route.js';

describe('parseRoute', () => {
  it('reads the page and its parameters from "#/page?key=value"', () => {
    const route = parseRoute('#/audit?seq=12&page=2');
    expect(route.page).toBe('audit');
    expect(route.params.get('seq')).toBe('12');
    expect(route.params.get('page')).toBe('2');
    expect(parseRoute('#/fields/').page).toBe('fields');
  });

  it('treats any fragment that is not a route as the overview, so in-page anchors and the launch token keep working', () => {
    for (const hash of ['', '#', '#participants', '#token=abc', '#/']) expect(parseRoute(hash).page).toBe('overview');
  });

  it('names no page for an unknown route, and keeps the path for the not-found page', () => {
    expect(parseRoute('#/nowhere')).toMatchObject({ page: null, path: '/nowhere' });
    expect(parseRoute('#/Fields').page).toBeNull();
  });

  it('round-trips every page through pageHref', () => {
    for (const page of PAGES) expect(parseRoute(pageHref(page)).page).toBe(page);
    expect(pageHref('audit', { seq: '7' })).toBe('#/audit?seq=7');
    expect(parseRoute(pageHref('audit', { seq: '7' })).params.get('seq')).toBe('7');
  });

  it('never carries the launch token: a route read after the token was taken out holds no token', () => {
    const { token, cleanedHash } = readLaunchToken('#token=s3cret', null);
    expect(token).toBe('s3cret');
    expect(cleanedHash).toBe('');
    for (const page of PAGES) expect(pageHref(page)).not.toContain('token');
  });
});
