import type { ConsentBadgeView } from '../view/consent.js';

interface ConsentBadgeProps {
  readonly badge: ConsentBadgeView;
  readonly title: string;
}

/** A consent state in colour, symbol and word, so that none of them is needed alone. */
export function ConsentBadge({ badge, title }: ConsentBadgeProps) {
  return (
    <span class={badge.className} title={title} data-consent={badge.state}>
      <span class="badge__symbol" aria-hidden="true">
        {badge.symbol}
      </span>
      {badge.label}
    </span>
  );
}
