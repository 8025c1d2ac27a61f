import { formatCount, formatDuration, plural } from '../view/format.js';
import type { OverviewCounts } from '../view/overview.js';

interface StudyCountsProps {
  readonly counts: OverviewCounts;
}

interface TileProps {
  readonly label: string;
  readonly value: number;
  readonly detail: string;
  readonly name: string;
}

function Tile({ label, value, detail, name }: TileProps) {
  return (
    <li class="tile" data-count={name}>
      <span class="tile__label">{label}</span>
      <span class="tile__value">{formatCount(value)}</span>
      <span class="tile__detail">{detail}</span>
    </li>
  );
}

function participantsDetail(counts: OverviewCounts): string {
  const parts = [];
  if (counts.withdrawn > 0) parts.push(`${formatCount(counts.withdrawn)} withdrawn`);
  if (counts.erased > 0) parts.push(`${formatCount(counts.erased)} erased after withdrawing`);
  return parts.length === 0 ? 'none withdrawn' : parts.join(', ');
}

export function StudyCounts({ counts }: StudyCountsProps) {
  return (
    <section class="counts" aria-label="Study in numbers">
      <ul class="tiles">
        <Tile name="participants" label="Participants" value={counts.participants} detail={participantsDetail(counts)} />
        <Tile name="sessions" label="Sessions" value={counts.sessions} detail={`${formatDuration(counts.recordedUs)} in total`} />
        <Tile name="variants" label="Lesson variants" value={counts.variants} detail="conditions compared" />
        <Tile name="streams" label="Streams" value={counts.streams} detail={plural(counts.streamKinds, 'kind')} />
        <li class="tile tile--rows">
          <span class="tile__label">Rows stored</span>
          <dl class="row-counts">
            {counts.dataRows.map((d) => (
              <div key={d.view} class={d.rows === 0 ? 'row-counts__item is-empty' : 'row-counts__item'} data-view={d.view}>
                <dt>{d.label}</dt>
                <dd>{formatCount(d.rows)}</dd>
              </div>
            ))}
          </dl>
        </li>
      </ul>
    </section>
  );
}
