/**
 * The pages of the UI and their addresses. Routes live in the address fragment as "#/fields",
 * "#/audit?seq=12"; any other fragment ("", "#participants", a launch token) is the overview,
 * so the overview's in-page links and `weft serve`'s "#token=…" keep working.
 */
export const PAGES = ['overview', 'import', 'fields', 'consent', 'policy', 'audit', 'report', 'live'] as const;
export type PageId = (typeof PAGES)[number];

export const PAGE_LABELS: Record<PageId, string> = {
  overview: 'Overview',
  import: 'Import',
  fields: 'Fields',
  consent: 'Consent',
  policy: 'Policy',
  audit: 'Audit',
  report: 'Ethics report',
  live: 'Live capture',
};

/** The heading and window title of each page. */
export const PAGE_TITLES: Record<PageId, string> = {
  overview: 'Study overview',
  import: 'Import files',
  fields: 'Fields registry',
  consent: 'Consent and withdrawal',
  policy: 'Data-minimization policy',
  audit: 'Audit trail',
  report: "Ethics reviewer's report",
  live: 'Live face capture',
};

export interface Route {
  /** Null for a "#/…" address that names no page. */
  readonly page: PageId | null;
  /** The path as written, for the not-found page. */
  readonly path: string;
  readonly params: ReadonlyMap<string, string>;
}

function isPageId(value: string): value is PageId {
  return (PAGES as readonly string[]).includes(value);
}

export function parseRoute(hash: string): Route {
  if (!hash.startsWith('#/')) return { page: 'overview', path: '/', params: new Map() };
  const [rawPath = '', rawQuery = ''] = hash.slice(1).split('?', 2);
  const path = rawPath.replace(/\/+$/, '') || '/';
  const params = new Map(new URLSearchParams(rawQuery));
  const name = path.slice(1);
  if (name === '') return { page: 'overview', path, params };
  return { page: isPageId(name) ? name : null, path, params };
}

/** The address of a page, with optional parameters: "#/audit?seq=12". */
export function pageHref(page: PageId, params: Readonly<Record<string, string>> = {}): string {
  const query = new URLSearchParams(params).toString();
  const path = page === 'overview' ? '#/' : `#/${page}`;
  return query === '' ? path : `${path}?${query}`;
}
