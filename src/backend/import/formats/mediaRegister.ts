import { installedVersion } from '../../packageVersion.js';
import { WeftError } from '../../../core/errors.js';
import type { MediaFields, ParseContext, StoredMediaFile } from '../types.js';
import { conversionAdvice, isPlayableAudio, isPlayableVideo } from './mediaCodecs.js';
import { infoExtra, infoNumber, infoText, probeMediaInfo, type MediaInfoReport, type MediaInfoTrack } from './mediaInfoProbe.js';
import type { MediaLayout, MediaTrack } from './mediaTracks.js';

/** Technical fields of MediaInfoLib's General track kept as provenance; any other tag (title, camera make and model, location) is left out and only named. */
const GENERAL_KEPT = ['Format', 'Format_Profile', 'CodecID', 'Encoded_Application', 'Encoded_Library', 'Encoded_Date', 'Tagged_Date', 'IsStreamable'];
const GENERAL_TECHNICAL = new Set([
  '@type', 'extra', 'VideoCount', 'AudioCount', 'TextCount', 'MenuCount', 'OtherCount', 'FileExtension', 'CodecID_Compatible', 'FileSize', 'Duration',
  'OverallBitRate', 'OverallBitRate_Mode', 'FrameRate', 'FrameCount', 'StreamSize', 'HeaderSize', 'DataSize', 'FooterSize', 'Format_Settings',
  'File_Modified_Date', 'File_Modified_Date_Local', 'Count', 'StreamCount', 'StreamKind', 'StreamKindID', 'UniqueID', 'ID',
]);

/** MediaInfoLib's display renderings of other fields ("Duration_String3", "Video_Format_List"): nothing of their own. */
const DISPLAY_FORM = /(_String\d*|_List|_Url|_Extensions|_Commercial(_IfAny)?|_Proportion|_Version|InternetMediaType)$/;


const NOTHING: MediaFields = { container: null, codec: null, width: null, height: null, fps: null, frames: null, durationUs: null, startOffsetUs: 0 };

export interface MediaSource {
  /** Importer format name (mp4, webm). */
  readonly format: string;
  /** Libraries that read the file, for provenance. */
  readonly readers: readonly string[];
  readonly layout: MediaLayout;
  /** What Weft converted the imported file into: the file read, stored and played instead of it. */
  readonly converted?: { readonly absolutePath: string; readonly stored: StoredMediaFile; readonly provenance: Record<string, unknown> };
}

function matchInfo(tracks: readonly MediaInfoTrack[], id: number): MediaInfoTrack | undefined {
  return tracks.find((t) => infoNumber(t, 'ID') === id) ?? (tracks.length === 1 ? tracks[0] : undefined);
}

function describeCodec(track: MediaTrack, info: MediaInfoTrack | undefined): string {
  const name = infoText(info, 'Format');
  const profile = infoText(info, 'Format_Profile');
  return [name, profile === null ? null : `${profile} profile`, `codec ${track.codec}`].filter((p) => p !== null).join(', ');
}

function generalProvenance(info: MediaInfoReport): { kept: Record<string, string>; leftOut: string[] } {
  const kept: Record<string, string> = {};
  for (const field of GENERAL_KEPT) {
    const value = infoText(info.general, field);
    if (value !== null) kept[field] = value;
  }
  const leftOut = Object.keys(info.general ?? {}).filter((name) => !GENERAL_KEPT.includes(name) && !GENERAL_TECHNICAL.has(name) && !DISPLAY_FORM.test(name));
  const extra = info.general?.['extra'];
  if (extra !== null && typeof extra === 'object') leftOut.push(...Object.keys(extra).map((k) => `extra.${k}`));
  return { kept, leftOut };
}

/** The stored fields of one track: media time of its first frame, and its length from there. */
function fieldsOf(container: string, track: MediaTrack, fps: number | null): MediaFields {
  const start = track.firstUs ?? 0;
  return {
    container,
    codec: track.codec,
    width: track.width,
    height: track.height,
    fps,
    frames: track.kind === 'video' ? track.frames : null,
    durationUs: track.endUs === null ? null : track.endUs - start,
    startOffsetUs: start,
  };
}

function trackProvenance(track: MediaTrack, info: MediaInfoTrack | undefined): Record<string, unknown> {
  return {
    id: track.id,
    codec: track.codec,
    codec_name: infoText(info, 'Format'),
    codec_profile: infoText(info, 'Format_Profile'),
    frame_rate_mode: infoText(info, 'FrameRate_Mode'),
    frames_in_file: track.framesInFile,
    mediainfo_frame_count: infoNumber(info, 'FrameCount'),
    mediainfo_frame_count_source: infoExtra(info, 'FrameCount_Source') ?? 'container',
    ...track.timing,
  };
}

/**
 * A video whose frame count does not match its declared rate over its length has a variable
 * frame rate or dropped frames: frame number ÷ rate then misplaces frames, so the user is told.
 */
function variableRateWarning(declaredFps: number, frames: number, durationUs: number): string | null {
  const expected = (declaredFps * durationUs) / 1e6;
  if (Math.abs(frames - expected) <= Math.max(1, expected * 0.005)) return null;
  const mean = (frames * 1e6) / durationUs;
  return `the container declares ${declaredFps} frames/s, but its ${(durationUs / 1e6).toFixed(3)} s of video hold ${frames} frames (${mean.toFixed(3)}/s on average, ${Math.round(expected)} at the declared rate): the frame rate varies or frames were dropped, so a frame's time must come from its own timestamp, never from frame number ÷ frame rate`;
}

/**
 * Registers a recording by reference: one `video` stream for its (first) video track and one
 * `audio` stream for its (first) audio track, each passing the consent gate on its own, so a
 * participant who consented to video but not to audio gets no audio row. Refuses video that
 * Weft's player cannot decode, with the FFmpeg command that converts it. Says whether any stream
 * was kept.
 */
export async function registerMedia(ctx: ParseContext, source: MediaSource): Promise<boolean> {
  const path = ctx.file.path;
  const { layout, converted } = source;
  const stored = converted === undefined ? {} : { stored: converted.stored };
  const video = layout.tracks.find((t) => t.kind === 'video');
  const audio = layout.tracks.find((t) => t.kind === 'audio');
  if (video === undefined && audio === undefined) {
    throw new WeftError('PARSE_ERROR', `${path}: the file holds no video or audio track`, { location: { file: path } });
  }
  const info = await probeMediaInfo(converted?.absolutePath ?? path, converted?.stored.bytes ?? ctx.file.bytes);
  const videoInfo = video === undefined ? undefined : matchInfo(info.video, video.id);
  const audioInfo = audio === undefined ? undefined : matchInfo(info.audio, audio.id);
  const general = generalProvenance(info);
  const others = layout.tracks.filter((t) => t !== video && t !== audio).map((t) => ({ id: t.id, kind: t.kind, codec: t.codec }));
  const common = {
    format: source.format,
    readers: [...source.readers, `${info.library} (mediainfo.js ${installedVersion('mediainfo.js')})`],
    container: { name: layout.container, ...layout.details, mediainfo: general.kept },
    container_tags_left_out: general.leftOut,
    other_tracks: others,
    ...(converted === undefined ? {} : { conversion: converted.provenance }),
    media_time:
      "presentation time as the container defines it (MP4: the edit list applied to composition times; WebM: block timestamps), which is what a player's currentTime shows; start_offset_us is the media time of the first frame shown",
  };

  const codecSource = layout.container === 'webm' ? "the track's Matroska CodecID" : "the track's RFC 6381 codec string, from its sample entry (mp4box.js)";
  const containerSource = 'the container: mp4 (ISO base media), mov (QuickTime brand), webm (EBML DocType)';
  const timeColumns = { start_offset_us: 'media time of the first frame shown', duration_us: 'from the first frame shown to the end of the last one' };

  let kept = false;
  if (video !== undefined) {
    const declaredFps = infoNumber(videoInfo, 'FrameRate');
    const fields = fieldsOf(layout.container, video, declaredFps);
    const meanFps = fields.durationUs !== null && fields.durationUs > 0 ? (video.frames * 1e6) / fields.durationUs : null;
    const writer = await ctx.sink.openStream({
      kind: 'video',
      target: {},
      time: { kind: 'relative' },
      provenance: {
        ...common,
        track: trackProvenance(video, videoInfo),
        columns: {
          container: containerSource,
          codec: codecSource,
          width_height: layout.container === 'webm' ? 'PixelWidth, PixelHeight' : 'the sample entry (mp4box.js)',
          fps: declaredFps === null ? 'frames ÷ duration: the container states no frame rate' : "MediaInfoLib's FrameRate: the rate the container declares",
          frames: layout.container === 'webm' ? 'the blocks of the track, counted' : 'the samples the edit list shows, counted (mp4box.js sample table)',
          ...timeColumns,
        },
      },
    });
    if (!writer.accepted) {
      writer.media(NOTHING);
    } else {
      if (!isPlayableVideo(video.codec)) {
        throw new WeftError('UNSUPPORTED_FORMAT', `${path}: its video is ${describeCodec(video, videoInfo)}, which Weft's player (Chromium) cannot decode. ${conversionAdvice(path)}`, {
          location: { file: path, field: 'codec' },
        });
      }
      const variable = declaredFps === null || fields.durationUs === null || video.frames < 2 ? null : variableRateWarning(declaredFps, video.frames, fields.durationUs);
      if (variable !== null) ctx.sink.warn({ message: variable, location: { file: path, field: 'fps' } });
      writer.media({ ...fields, fps: declaredFps ?? meanFps, ...stored });
      kept = true;
    }
  }

  if (audio !== undefined) {
    const writer = await ctx.sink.openStream({
      kind: 'audio',
      target: {},
      time: { kind: 'relative' },
      provenance: { ...common, track: trackProvenance(audio, audioInfo), columns: { container: containerSource, codec: codecSource, ...timeColumns, width_height_fps_frames: 'none for audio' } },
    });
    if (!writer.accepted) {
      writer.media(NOTHING);
    } else {
      if (!isPlayableAudio(audio.codec)) {
        ctx.sink.warn({
          message: `its audio is ${describeCodec(audio, audioInfo)}, which Weft's player (Chromium) cannot decode: the recording plays without sound. ${conversionAdvice(path)}`,
          location: { file: path, field: 'codec' },
        });
      }
      writer.media({ ...fieldsOf(layout.container, audio, null), ...stored });
      kept = true;
    }
  }

  if (others.length > 0) {
    ctx.sink.warn({
      message: `the file has ${others.length} more video or audio track${others.length === 1 ? '' : 's'} (${others.map((t) => `${t.kind} track ${t.id}`).join(', ')}); Weft registered the first video and the first audio track`,
      location: { file: path },
      count: others.length,
    });
  }
  return kept;
}
