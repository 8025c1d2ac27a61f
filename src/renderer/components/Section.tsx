import type { ComponentChildren } from 'preact';

interface SectionProps {
  readonly id: string;
  readonly title: string;
  /** A short line beside the heading: what the section counts or where its data comes from. */
  readonly meta?: ComponentChildren;
  readonly className?: string;
  readonly children: ComponentChildren;
}

/** A titled region of the overview: a landmark named by its heading, reachable from the section links. */
export function Section({ id, title, meta, className, children }: SectionProps) {
  const headingId = `${id}-heading`;
  return (
    <section id={id} class={className === undefined ? 'section' : `section ${className}`} aria-labelledby={headingId}>
      <div class="section__head">
        <h2 id={headingId}>{title}</h2>
        {meta === undefined ? null : <p class="section__meta">{meta}</p>}
      </div>
      {children}
    </section>
  );
}
