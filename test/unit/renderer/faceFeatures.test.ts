import { describe, expect, it } from 'vitest';
import type { FaceExtractResult, FaceModelStatus } from '../../../src/core/api/faceSchemas.js';
import { buildRecordingRows, extractionSummary, fileName, formatBytes, modelStateText, progressText } from '../../../src/renderer/view/faceFeatures.js';
import { stream } from './builders.js';

const COLUMNS = ['stream_id', 'session_id', 'participant_id', 'path', 'frames', 'duration_us', 'container', 'codec'].map((name) => ({ name, type: 'VARCHAR' }));

const STATUS: FaceModelStatus = {
  name: 'face_landmarker.task',
  path: '/home/r/.local/share/weft/models/face_landmarker.task',
  configured_by: 'user data folder',
  state: 'missing',
  sha256: null,
  bytes: null,
  problem: null,
  expected_sha256: '64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff',
  expected_bytes: 3_758_596,
  official_url: 'https://storage.googleapis.com/mediapipe-models/face_landmarker/face_landmarker/float16/1/face_landmarker.task',
  download_url: 'https://storage.googleapis.com/mediapipe-models/face_landmarker/face_landmarker/float16/1/face_landmarker.task',
  mirror: false,
};

describe('the recordings of the face-features section', () => {
  it('lists each video with its file name, format and the face-feature rows of its session', () => {
    const rows = buildRecordingRows(
      {
        columns: COLUMNS,
        rows: [
          [4, 'S1', 'P01', '/lab/cam/P01_S1.mp4', 1337, 53_480_000, 'mp4', 'avc1.64001e'],
          [9, 'S2', 'P02', 'media/P02.converted.mp4', null, null, 'mp4', null],
        ],
        truncated: false,
      },
      [stream(5, 'S1', { kind: 'face_features', rows: 1300 }), stream(6, 'S1', { kind: 'face_features', rows: 37 }), stream(7, 'S2', { kind: 'gaze', rows: 999 })],
    );
    expect(rows).toEqual([
      { streamId: 4, sessionId: 'S1', participantId: 'P01', path: '/lab/cam/P01_S1.mp4', name: 'P01_S1.mp4', frames: 1337, durationUs: 53_480_000, format: 'mp4 · avc1.64001e', faceRows: 1337 },
      { streamId: 9, sessionId: 'S2', participantId: 'P02', path: 'media/P02.converted.mp4', name: 'P02.converted.mp4', frames: null, durationUs: null, format: 'mp4', faceRows: 0 },
    ]);
  });

  it('says which column the query failed to give', () => {
    expect(() => buildRecordingRows({ columns: COLUMNS.slice(1), rows: [], truncated: false }, [])).toThrow(/stream_id/);
  });

  it('takes the file name from Windows paths too', () => {
    expect(fileName('C:\\lab\\cam\\P01.mp4')).toBe('P01.mp4');
  });
});

describe('the face model card', () => {
  it('gives the size in megabytes and exact bytes', () => {
    expect(formatBytes(3_758_596)).toBe('3.8 MB (3,758,596 bytes)');
    expect(formatBytes(42_000_000)).toBe('42 MB (42,000,000 bytes)');
  });

  it('says where the model is expected, and why a file there is refused', () => {
    expect(modelStateText(STATUS)).toBe(`Not set up yet: there is no face_landmarker.task at ${STATUS.path}.`);
    expect(modelStateText({ ...STATUS, configured_by: 'WEFT_FACE_MODEL', path: '/m.task' })).toContain('(WEFT_FACE_MODEL)');
    expect(modelStateText({ ...STATUS, state: 'mismatch', problem: 'sha256 mismatch (got 00…)' })).toContain('is not the official model: sha256 mismatch');
    expect(modelStateText({ ...STATUS, state: 'verified', sha256: STATUS.expected_sha256, bytes: 3_758_596 })).toMatch(/^Ready: .*SHA-256 verified \(64184e229b26…\)/);
  });
});

describe('job progress', () => {
  const base = { job_id: 'j', label: 'Extracting face features', phase: 'running' as const, unit: 'frames' };
  it('counts what is done of the total, with a share that never passes 100%', () => {
    expect(progressText({ ...base, done: 500, total: 1337 })).toBe('500 of 1,337 frames (37%)');
    expect(progressText({ ...base, done: 1400, total: 1337 })).toBe('1,400 of 1,337 frames (100%)');
    expect(progressText({ ...base, done: 12, total: null })).toBe('12 frames');
  });
});

describe('the extraction result', () => {
  const result = { frames: 1337, frames_this_run: 1337, faces_this_run: 1330, resumed_from: 0, elapsed_ms: 40_000, stream_ids: [12], session_id: 'S1' } as FaceExtractResult;
  it('gives the frames, the faces found and their share', () => {
    const summary = extractionSummary(result);
    expect(summary).toMatchObject({ frames: 1337, faces: 1330, share: '99.5%' });
    expect(summary.text).toBe('1,337 frames; a face in 1,330 of 1,337 frames extracted (99.5%), 33.4 frames/s. Stored as stream 12 in session S1.');
  });
  it('counts a resumed run by the frames it processed', () => {
    expect(extractionSummary({ ...result, frames_this_run: 337, faces_this_run: 337, resumed_from: 1000 }).text).toMatch(/a face in 337 of 337 frames extracted \(100\.0%\) \(resumed at frame 1,000\)/);
  });
});
