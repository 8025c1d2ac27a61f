import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSchemaDoc } from '../../../src/backend/store/schemaDoc.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrationChecksum } from '../../../src/backend/store/migrations.js';
import { REPO_ROOT } from '../../support/paths.js';

describe('the documented schema', () => {
  it('docs/schema.md is what the view definitions say (run npm run docs:schema after changing them)', () => {
    expect(readFileSync(join(REPO_ROOT, 'docs', 'schema.md'), 'utf8')).toBe(renderSchemaDoc());
  });

  it('documents every view the issue asks for, with its key columns', () => {
    const doc = renderSchemaDoc();
    for (const [view, columns] of Object.entries({
      participants: ['participant_id'],
      sessions: ['session_id', 'participant_id', 'variant', 'started_at', 'duration_us'],
      streams: ['stream_id', 'session_id', 'kind', 'source_path', 'source_sha256', 'clock_offset_us', 'clock_drift_ppm'],
      events: ['session_id', 'participant_id', 't_us', 'kind'],
      face_frames: ['session_id', 't_us'],
      gaze_samples: ['session_id', 't_us', 'x', 'y'],
      fixations: ['session_id', 'start_us', 'end_us', 'x', 'y'],
      media: ['media_id', 'session_id', 'path', 'sha256', 'duration_us', 'fps', 'frames'],
      annotations: ['session_id', 'tier', 'annotator', 'label', 'start_us', 'end_us'],
      predictions: ['session_id', 'model_id', 'model_version', 'label', 'start_us', 'end_us', 'probability'],
      consents: ['participant_id', 'modality', 'granted', 'form_version', 'recorded_at', 'withdrawn_at'],
      audit_log: ['seq', 'at', 'actor', 'action', 'target', 'detail', 'prev_hash', 'hash'],
    })) {
      const section = doc.split(`\n## ${view}\n`)[1]?.split('\n## ')[0] ?? '';
      for (const column of columns) expect(section, `${view}.${column}`).toContain(`| \`${column}\` |`);
    }
  });
});

describe('released migrations', () => {
  // A released migration is never edited: a study records each one's checksum and refuses to
  // open when it differs. Change the schema by appending a migration, then add its checksum here.
  const RELEASED: Record<number, string> = {
    1: '9f9c5d14a879df4bf11bae6a447ae2241c2b7b8cbf3898083d274b65447c62ac',
  };

  it('are numbered from 1 without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('keep the checksums they were released with', () => {
    for (const migration of MIGRATIONS) expect(migrationChecksum(migration), `migration ${migration.version}`).toBe(RELEASED[migration.version]);
  });
});
