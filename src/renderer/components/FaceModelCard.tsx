import { useCallback, useEffect, useState } from 'preact/hooks';
import type { WeftClient } from '../../core/api/client.js';
import { FACE_MODEL_DOWNLOAD_LABEL, type FaceModelStatus } from '../../core/api/faceSchemas.js';
import { useAction } from '../useAction.js';
import { describeActionError, type ActionError } from '../view/errors.js';
import { formatBytes, modelStateText } from '../view/faceFeatures.js';
import { FormError } from './FormError.js';
import { JobProgressBar, useJobProgress } from './JobProgressBar.js';

interface FaceModelCardProps {
  readonly client: WeftClient;
  /** Each status the card learns: the page enables what needs the model once it is verified. */
  readonly onStatus?: (status: FaceModelStatus) => void;
}

/**
 * The face model, as every page that needs it shows it: a line when it is verified; otherwise what
 * it is, where it would come from, how big it is and its SHA-256, and a button that downloads it.
 * Nothing is fetched until the button is pressed.
 */
export function FaceModelCard({ client, onStatus }: FaceModelCardProps) {
  const [status, setStatus] = useState<FaceModelStatus | null>(null);
  const [statusError, setStatusError] = useState<ActionError | null>(null);
  const job = useJobProgress(client, FACE_MODEL_DOWNLOAD_LABEL);

  const check = useCallback(async (): Promise<void> => {
    try {
      const next = await client.call('face.modelStatus', {});
      setStatus(next);
      setStatusError(null);
      onStatus?.(next);
    } catch (error) {
      setStatusError(describeActionError(error));
    }
  }, [client, onStatus]);

  useEffect(() => {
    void check();
  }, [check]);

  const download = useAction(async () => {
    const result = await job.follow(() => client.call('face.modelDownload', {}));
    await check();
    return result;
  });

  if (statusError !== null) return <FormError error={statusError} what="Weft could not check the face model" />;
  if (status === null) {
    return (
      <p class="subtle" data-testid="face-model" data-state="checking">
        Checking the face model…
      </p>
    );
  }
  if (status.state === 'verified') {
    return (
      <p class="subtle" data-testid="face-model" data-state="verified">
        Face model: {modelStateText(status)}
        {download.result?.downloaded === true ? ` Downloaded from ${download.result.url}.` : ''}
      </p>
    );
  }
  return (
    <div class="card face-model-card" data-testid="face-model" data-state={status.state} role="region" aria-labelledby="face-model-heading">
      <h3 id="face-model-heading">{status.state === 'missing' ? 'The face model is needed' : 'The face model is wrong'}</h3>
      <p>{modelStateText(status)}</p>
      <p>
        Weft finds faces with Google's MediaPipe Face Landmarker (v2 with blendshapes, float16, Apache-2.0). Its model file is not shipped with Weft.
        Downloading it is <strong>the one network request Weft makes</strong>, and only when you press the button: nothing about your study is sent.
      </p>
      <dl class="face-model-card__facts">
        <dt>File</dt>
        <dd>
          <code>{status.name}</code>, {formatBytes(status.expected_bytes)}
        </dd>
        <dt>From</dt>
        <dd>
          <code data-testid="face-model-url">{status.download_url}</code>
          {status.mirror ? (
            <>
              {' '}
              (your lab's mirror, WEFT_FACE_MODEL_URL; the official address is <code>{status.official_url}</code>)
            </>
          ) : null}
        </dd>
        <dt>SHA-256</dt>
        <dd>
          <code>{status.expected_sha256}</code>: the file is kept only if it has exactly this hash, so a damaged or different file is never used.
        </dd>
        <dt>Saved to</dt>
        <dd>
          <code>{status.path}</code>
        </dd>
      </dl>
      <button type="button" class="button button--primary" disabled={download.pending} onClick={() => void download.run(undefined)}>
        {download.pending ? 'Downloading…' : 'Download the face model'}
      </button>
      {download.pending ? <JobProgressBar job={job} waiting="Connecting…" testId="face-model-progress" /> : null}
      <FormError error={download.error} what="The face model could not be downloaded" />
    </div>
  );
}
