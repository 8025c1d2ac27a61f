import { PAGES, PAGE_LABELS, pageHref, type PageId } from '../view/route.js';

interface PageNavProps {
  readonly current: PageId | null;
}

export function PageNav({ current }: PageNavProps) {
  return (
    <nav class="topbar__nav" aria-label="Pages">
      {PAGES.map((page) => (
        <a key={page} href={pageHref(page)} aria-current={page === current ? 'page' : undefined} data-page={page}>
          {PAGE_LABELS[page]}
        </a>
      ))}
    </nav>
  );
}
