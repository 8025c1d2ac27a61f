import { auProxyProvenance } from '../../core/face/auProxies.js';
import { FACE_MODEL, type VerifiedModel } from './model.js';
import type { FaceExtractionResult } from './runner.js';
import { installedVersion } from '../packageVersion.js';

/** Everything needed to reproduce a face stream, stored with it as `provenance.extraction`. */
export function extractionProvenance(result: FaceExtractionResult, model: VerifiedModel, videoPath: string, clockSource: string): Record<string, unknown> {
  const { plan, options } = result;
  const demuxer = plan.container === 'webm' ? "Weft's WebM reader (src/renderer/extraction/webmIndex.ts)" : plan.container === 'image' ? 'none (still image)' : `mp4box.js ${installedVersion('mp4box')}`;
  return {
    tool: 'weft extract-face',
    model: { name: FACE_MODEL.name, sha256: model.sha256, bytes: model.bytes, official_url: FACE_MODEL.url, version: 'Face Landmarker v2 with blendshapes, float16/1' },
    library: { name: '@mediapipe/tasks-vision', version: result.tasksVision, wasm: 'vision_wasm_module_internal (SIMD), served by Weft' },
    delegate: 'CPU',
    running_mode: plan.container === 'image' ? 'IMAGE' : 'VIDEO',
    decoder_path: plan.container === 'image' ? 'createImageBitmap' : `WebCodecs VideoDecoder (prefer-software), every frame decoded in order; demuxer ${demuxer}`,
    browser: result.browser,
    user_agent: plan.runtime.userAgent,
    landmarker_thread: plan.runtime.landmarkerThread,
    ...(plan.runtime.note === undefined ? {} : { landmarker_note: plan.runtime.note }),
    landmarks: options.landmarks ? 'written to a separate CSV beside the face CSV (consent: face_landmarks)' : 'off',
    tracking: `reset at every key frame and at least every ${options.segmentFrames} frames, so results do not depend on how the work was split`,
    max_input_side: options.maxInputSide,
    scaled: Math.max(plan.codedWidth, plan.codedHeight) > options.maxInputSide ? `frames scaled so their longer side is ${options.maxInputSide} px before inference` : 'no',
    video: {
      file: videoPath.split(/[\\/]/).pop() ?? videoPath,
      sha256: result.videoSha256,
      container: plan.container,
      codec: plan.codec,
      coded_size: `${plan.codedWidth}x${plan.codedHeight}`,
      frames: plan.frames,
      first_frame_us: plan.firstFrameUs,
      timing: plan.timing,
    },
    media_time: "the video's presentation time (MP4: edit list applied; WebM: block timestamps), as a player's currentTime shows it",
    clock: clockSource,
    head_pose: 'degrees from the facial transformation matrix, R = Ry·Rx·Rz; yaw + to the camera\'s left, pitch + down, roll + counter-clockwise in the image (docs/face.md)',
    confidence: "empty: the Face Landmarker does not expose its face-presence score; face_present = 1 means it passed the landmarker's 0.5 threshold",
    au_proxies: auProxyProvenance(),
  };
}
