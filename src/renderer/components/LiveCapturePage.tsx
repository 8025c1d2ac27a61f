import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { WeftClient } from '../../core/api/client.js';
import type { FaceLiveStatus, FaceModelStatus } from '../../core/api/faceSchemas.js';
import { cameraRefusal } from '../live/consentGate.js';
import { LiveCapture } from '../live/liveCapture.js';
import { describeActionError, type ActionError } from '../view/errors.js';
import { FaceModelCard } from './FaceModelCard.js';
import { FormError } from './FormError.js';
import { FormRow } from './FormRow.js';
import { TopBar } from './TopBar.js';
import { PAGE_TITLES } from '../view/route.js';

interface LiveCapturePageProps {
  readonly client: WeftClient;
  readonly mode: 'desktop' | 'browser';
}

type Phase = 'idle' | 'starting' | 'running' | 'stopping';

/**
 * Live webcam capture of face features into a participant's session. The camera opens only
 * after the backend has confirmed face-feature consent; features are stored in batches while
 * they are computed, and no video is recorded.
 */
export function LiveCapturePage({ client, mode }: LiveCapturePageProps) {
  const [participantId, setParticipantId] = useState('');
  const [sessionId, setSessionId] = useState('');
  const [sessionTime, setSessionTime] = useState('0');
  const [refusal, setRefusal] = useState<string | null>('Choose a participant first.');
  const [phase, setPhase] = useState<Phase>('idle');
  const [error, setError] = useState<ActionError | null>(null);
  const [seen, setSeen] = useState({ frames: 0, faces: 0 });
  const [stored, setStored] = useState<FaceLiveStatus | null>(null);
  const [modelReady, setModelReady] = useState(false);
  const onModelStatus = useCallback((status: FaceModelStatus) => setModelReady(status.state === 'verified'), []);
  const video = useRef<HTMLVideoElement>(null);
  const capture = useRef<LiveCapture | null>(null);

  useEffect(() => {
    document.title = 'Live capture — Weft';
    return () => void capture.current?.stop();
  }, []);

  useEffect(() => {
    let current = true;
    const id = participantId.trim();
    if (id === '') {
      setRefusal(cameraRefusal([], id));
      return;
    }
    client
      .call('consent.list', { participant_id: id })
      .then((consents) => current && setRefusal(cameraRefusal(consents, id)))
      .catch((e: unknown) => current && setRefusal(describeActionError(e).message));
    return () => {
      current = false;
    };
  }, [client, participantId]);

  const start = async (): Promise<void> => {
    const element = video.current;
    if (element === null || refusal !== null || !modelReady) return;
    setError(null);
    setStored(null);
    setSeen({ frames: 0, faces: 0 });
    setPhase('starting');
    try {
      capture.current = await LiveCapture.start(client, { participantId: participantId.trim(), sessionId: sessionId.trim(), sessionTimeS: Number(sessionTime) }, element, {
        onStored: setStored,
        onFrame: (frames, faces) => setSeen({ frames, faces }),
        onStopped: (e) => {
          capture.current = null;
          setPhase('idle');
          setError(describeActionError(e));
        },
      });
      setPhase('running');
    } catch (e) {
      setPhase('idle');
      setError(describeActionError(e));
    }
  };

  const stop = async (): Promise<void> => {
    const running = capture.current;
    capture.current = null;
    setPhase('stopping');
    const status = await running?.stop();
    if (status !== null && status !== undefined) setStored(status);
    setPhase('idle');
  };

  const busy = phase !== 'idle';
  return (
    <>
      <TopBar mode={mode} page="live" live="waiting" loading={false} loadedAt={null} onRefresh={() => location.reload()} />
      <main id="main" class="page" tabIndex={-1} data-page="live">
        <h1 class="page-title">{PAGE_TITLES.live}</h1>
        <p>
          MediaPipe face features from this computer's camera, computed here and stored in the session as they come. The camera opens only for a participant who has
          granted face-feature consent; no video is recorded.
        </p>
        <FaceModelCard client={client} onStatus={onModelStatus} />
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void (phase === 'running' ? stop() : start());
          }}
        >
          <FormRow id="live-participant" label="Participant">
            <input id="live-participant" value={participantId} disabled={busy} onInput={(e) => setParticipantId(e.currentTarget.value)} />
          </FormRow>
          <FormRow id="live-session" label="Session">
            <input id="live-session" value={sessionId} disabled={busy} onInput={(e) => setSessionId(e.currentTarget.value)} />
          </FormRow>
          <FormRow id="live-time" label="Session time at the start (seconds)">
            <input id="live-time" type="number" step="any" value={sessionTime} disabled={busy} onInput={(e) => setSessionTime(e.currentTarget.value)} />
          </FormRow>
          {refusal === null ? null : (
            <p class="form-row__hint" data-testid="live-refusal">
              {refusal}
            </p>
          )}
          <button type="submit" disabled={phase === 'starting' || phase === 'stopping' || (phase === 'idle' && (refusal !== null || !modelReady || sessionId.trim() === ''))}>
            {phase === 'running' ? 'Stop' : phase === 'starting' ? 'Starting…' : phase === 'stopping' ? 'Stopping…' : 'Start the camera'}
          </button>
        </form>
        <FormError error={error} what="The live capture stopped" />
        <video ref={video} class="live-video" playsInline muted hidden={phase !== 'running'} />
        <p data-testid="live-status" aria-live="polite">
          {seen.frames} frames seen, a face in {seen.faces}
          {stored === null ? '' : `; ${stored.rows} stored in stream ${stored.stream_id ?? '–'}`}
        </p>
      </main>
    </>
  );
}
