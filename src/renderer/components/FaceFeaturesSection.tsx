import { useCallback, useEffect, useState } from 'preact/hooks';
import type { WeftClient } from '../../core/api/client.js';
import { FACE_EXTRACTION_LABEL, type FaceExtractResult, type FaceModelStatus } from '../../core/api/faceSchemas.js';
import type { Stream } from '../../core/api/schemas.js';
import { useAction } from '../useAction.js';
import { pageHref } from '../view/route.js';
import { describeActionError, type ActionError } from '../view/errors.js';
import { RECORDINGS_SQL, buildRecordingRows, cancelledText, extractionSummary, type RecordingRow } from '../view/faceFeatures.js';
import { formatCount, formatDuration, plural } from '../view/format.js';
import { FaceModelCard } from './FaceModelCard.js';
import { FormError } from './FormError.js';
import { JobProgressBar, useJobProgress } from './JobProgressBar.js';
import { ScrollableTable } from './ScrollableTable.js';
import { Section } from './Section.js';

interface FaceFeaturesSectionProps {
  readonly client: WeftClient;
  /** The study's streams: a new list (the study changed) reloads the recordings. */
  readonly streams: readonly Stream[];
}

/**
 * Face features from the study's video recordings: the model (downloaded on first use, when the
 * user asks), then one recording at a time through face.extract, with its progress in frames and
 * what it found.
 */
export function FaceFeaturesSection({ client, streams }: FaceFeaturesSectionProps) {
  const [recordings, setRecordings] = useState<RecordingRow[] | null>(null);
  const [loadError, setLoadError] = useState<ActionError | null>(null);
  const [modelReady, setModelReady] = useState(false);
  const [target, setTarget] = useState<RecordingRow | null>(null);
  const job = useJobProgress(client, FACE_EXTRACTION_LABEL);
  // With resume, a run that was cancelled or crashed continues from its last finished frame.
  const extraction = useAction((recording: RecordingRow): Promise<FaceExtractResult> => job.follow(() => client.call('face.extract', { video_path: recording.path, resume: true })));

  useEffect(() => {
    let current = true;
    client
      .call('sql.query', { sql: RECORDINGS_SQL })
      .then((result) => current && setRecordings(buildRecordingRows(result, streams)))
      .catch((error: unknown) => current && setLoadError(describeActionError(error)));
    return () => {
      current = false;
    };
  }, [client, streams]);

  const onModelStatus = useCallback((status: FaceModelStatus) => setModelReady(status.state === 'verified'), []);

  const extract = (recording: RecordingRow): void => {
    setTarget(recording);
    void extraction.run(recording);
  };

  const count = recordings?.length ?? 0;
  return (
    <Section id="face-features" title="Face features" meta={`${plural(count, 'video recording')} · MediaPipe on this computer, nothing leaves it`}>
      <FaceModelCard client={client} onStatus={onModelStatus} />
      <FormError error={loadError} what="The recordings could not be listed" />
      {recordings === null ? null : recordings.length === 0 ? (
        <p class="empty">
          No video recordings yet. <a href={pageHref('import')}>Import</a> a session's MP4 or WebM to extract face features from it.
        </p>
      ) : (
        <ScrollableTable labelledBy="face-features-heading">
          <table class="table table--recordings">
            <thead>
              <tr>
                <th scope="col">Recording</th>
                <th scope="col">Session</th>
                <th scope="col">Participant</th>
                <th scope="col" class="num">
                  Frames
                </th>
                <th scope="col" class="num">
                  Duration
                </th>
                <th scope="col" class="num">
                  Face-feature rows in the session
                </th>
                <th scope="col">
                  <span class="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {recordings.map((recording) => (
                <tr key={recording.streamId} data-recording={recording.streamId} data-session={recording.sessionId}>
                  <th scope="row" class="id" title={recording.path}>
                    {recording.name}
                    {recording.format === '' ? null : <span class="subtle"> · {recording.format}</span>}
                  </th>
                  <td>{recording.sessionId}</td>
                  <td>{recording.participantId}</td>
                  <td class="num">{recording.frames === null ? '—' : formatCount(recording.frames)}</td>
                  <td class="num">{formatDuration(recording.durationUs)}</td>
                  <td class="num">{recording.faceRows === 0 ? <span class="subtle">none</span> : formatCount(recording.faceRows)}</td>
                  <td>
                    <button
                      type="button"
                      class="button button--small"
                      disabled={!modelReady || extraction.pending}
                      title={modelReady ? undefined : 'The face model is needed first (above)'}
                      onClick={() => extract(recording)}
                    >
                      Extract face features
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollableTable>
      )}
      {target === null ? null : (
        <div class="face-extraction" data-testid="face-extraction" data-recording={target.streamId} data-state={extraction.pending ? 'running' : extraction.error !== null ? 'failed' : extraction.result !== null ? 'done' : 'idle'}>
          <h3>
            {extraction.pending ? 'Extracting face features from' : 'Face features from'} {target.name}
          </h3>
          {extraction.pending ? <JobProgressBar job={job} waiting="Starting the browser and loading the model…" testId="face-extraction-progress" /> : null}
          {extraction.result === null ? null : (
            <p data-testid="face-extraction-result" data-frames={extraction.result.frames} data-faces={extraction.result.faces_this_run}>
              {extractionSummary(extraction.result).text}
            </p>
          )}
          {extraction.result === null || extraction.result.warnings.length === 0 ? null : (
            <ul class="subtle">
              {extraction.result.warnings.map((warning) => (
                <li key={warning}>{warning}</li>
              ))}
            </ul>
          )}
          {extraction.error?.code === 'CANCELLED' ? (
            <p class="notice" role="status" data-testid="face-extraction-cancelled" data-done={job.progress?.done ?? 0}>
              {cancelledText(job.progress)}
            </p>
          ) : (
            <FormError error={extraction.error} what="Face features could not be extracted" />
          )}
        </div>
      )}
    </Section>
  );
}
