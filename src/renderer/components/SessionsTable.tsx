import { formatCount, formatDuration, formatInstant, formatSessionSpan, plural } from '../view/format.js';
import { NO_VARIANT, type SessionRow } from '../view/sessions.js';
import { STREAM_KIND_COLORS } from '../view/streams.js';
import { pageHref } from '../view/route.js';
import { ScrollableTable } from './ScrollableTable.js';
import { Section } from './Section.js';

interface SessionsTableProps {
  readonly rows: readonly SessionRow[];
}

export function SessionsTable({ rows }: SessionsTableProps) {
  const streamCount = rows.reduce((sum, r) => sum + r.streams.length, 0);
  return (
    <Section id="sessions" title="Sessions" meta={`${plural(rows.length, 'session')} · ${plural(streamCount, 'stream')} · start times in UTC`}>
      {rows.length === 0 ? (
        <p class="empty">
          No sessions yet. <a href={pageHref('import')}>Import</a> tutor logs, eye-tracking exports or face features to create them.
        </p>
      ) : (
        <ScrollableTable labelledBy="sessions-heading">
          <table class="table table--sessions">
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">Participant</th>
                <th scope="col">Variant</th>
                <th scope="col">Start</th>
                <th scope="col" class="num">
                  Duration
                </th>
                <th scope="col">Streams</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.sessionId} data-session={row.sessionId}>
                  <th scope="row" class="id">
                    {row.sessionId}
                    {row.lesson === null ? null : <span class="subtle"> · {row.lesson}</span>}
                  </th>
                  <td>{row.participantId}</td>
                  <td>{row.variant === null ? <span class="subtle">{NO_VARIANT}</span> : <span class="tag">{row.variant}</span>}</td>
                  <td>{row.startedAt === null ? '—' : <time dateTime={row.startedAt}>{formatInstant(row.startedAt)}</time>}</td>
                  <td class="num">{formatDuration(row.durationUs)}</td>
                  <td>
                    {row.streams.length === 0 ? (
                      <span class="subtle">none</span>
                    ) : (
                      <ul class="stream-list">
                        {row.streams.map((s) => (
                          <li
                            key={s.streamId}
                            class="stream-chip"
                            data-kind={s.kind}
                            data-rows={s.rows}
                            title={`${s.label} (${s.format}), session time ${formatSessionSpan(s.startUs, s.endUs)}`}
                          >
                            <span class="swatch" aria-hidden="true" style={{ backgroundColor: STREAM_KIND_COLORS[s.kind] }} />
                            <span class="stream-chip__kind">{s.label}</span>
                            <span class="stream-chip__rows">{formatCount(s.rows)} rows</span>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollableTable>
      )}
    </Section>
  );
}
