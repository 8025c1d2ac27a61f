import type { ComponentChildren } from 'preact';

interface ScrollableTableProps {
  /** The id of the heading that names the table. */
  readonly labelledBy: string;
  readonly children: ComponentChildren;
}

/** Wide tables scroll sideways inside their card; the focusable region lets keyboard users scroll too. */
export function ScrollableTable({ labelledBy, children }: ScrollableTableProps) {
  return (
    <div class="table-wrap" role="region" aria-labelledby={labelledBy} tabIndex={0}>
      {children}
    </div>
  );
}
