import type { Participant, Session, Stream, StudyStatus } from '../../../src/core/api/schemas.js';
import { MODALITIES } from '../../../src/core/study/modalities.js';

export function session(id: string, fields: Partial<Session> = {}): Session {
  return { session_id: id, participant_id: 'P01', variant: 'A', lesson: null, started_at: '2025-03-04T08:00:20Z', duration_us: 600e6, streams: 0, ...fields };
}

export function stream(id: number, sessionId: string, fields: Partial<Stream> = {}): Stream {
  return {
    stream_id: id,
    session_id: sessionId,
    participant_id: 'P01',
    kind: 'interaction_log',
    format: 'datashop-tx',
    modality: 'interaction_logs',
    source_path: null,
    source_sha256: null,
    clock: { offset_us: 0, drift_ppm: 0, source: 'absolute timestamps in the file' },
    rows: 10,
    start_us: 0,
    end_us: 600e6,
    imported_at: '2025-03-04T09:00:00Z',
    ...fields,
  };
}

export function participant(id: string, fields: Partial<Participant> = {}): Participant {
  return {
    participant_id: id,
    enrolled_at: '2025-02-20T00:00:00Z',
    sessions: 1,
    withdrawn: false,
    consent: Object.fromEntries(MODALITIES.map((m) => [m, 'granted'])),
    ...fields,
  };
}

export function status(fields: Partial<StudyStatus> = {}): StudyStatus {
  return {
    study: { study_id: '00000000-0000-4000-8000-000000000000', name: 'Pilot', path: '/data/pilot', schema_version: 1, created_at: '2025-01-01T00:00:00Z', read_only: false, encrypted: false, data_basis: { kind: 'participant_consent' } },
    participants: 0,
    sessions: [],
    variants: [],
    consent_coverage: [],
    views: [],
    ...fields,
  };
}
