import type { ComponentChildren } from 'preact';

interface PageHeaderProps {
  readonly title: string;
  /** What the page is for, in a sentence or two. */
  readonly children?: ComponentChildren;
  readonly actions?: ComponentChildren;
}

export function PageHeader({ title, children, actions }: PageHeaderProps) {
  return (
    <div class="page-header">
      <div class="page-header__text">
        <h1>{title}</h1>
        {children === undefined ? null : <p class="page-header__lead">{children}</p>}
      </div>
      {actions === undefined ? null : <div class="page-header__actions">{actions}</div>}
    </div>
  );
}
