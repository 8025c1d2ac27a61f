import { FaceLandmarker, type FaceLandmarkerResult } from '@mediapipe/tasks-vision';
import { WeftError } from '../../core/errors.js';
import { BLENDSHAPE_COUNT, FACE_LANDMARK_COUNT, type FrameRow } from '../../core/face/extraction.js';
import { BLENDSHAPE_NAMES } from '../../core/face/featureSchema.js';
import type { LandmarkerSetup } from './workerProtocol.js';

/** MediaPipe Face Landmarker on the CPU, one face, blendshapes and transformation matrix on. */
export async function createLandmarker(setup: LandmarkerSetup): Promise<FaceLandmarker> {
  const response = await fetch(setup.modelUrl);
  if (!response.ok) throw new WeftError('INTERNAL', `the face model could not be loaded from Weft (HTTP ${response.status})`);
  return landmarkerFromModel(new Uint8Array(await response.arrayBuffer()), setup);
}

/** The same landmarker from model bytes the caller already has (the live page gets them through the API). */
export async function landmarkerFromModel(model: Uint8Array, setup: Omit<LandmarkerSetup, 'modelUrl' | 'options'>): Promise<FaceLandmarker> {
  let wasmLoaderPath = setup.wasmLoaderUrl;
  if (typeof document !== 'undefined') {
    // The loader Weft ships is the ES-module build (for module workers). On a page, tasks-vision
    // would add it as a classic <script>, which cannot run it; imported here, it sets the
    // ModuleFactory global tasks-vision looks for, and an empty loader path skips its own loading.
    await import(/* webpackIgnore: true */ setup.wasmLoaderUrl);
    wasmLoaderPath = '';
  }
  return FaceLandmarker.createFromOptions(
    { wasmLoaderPath, wasmBinaryPath: setup.wasmBinaryUrl },
    {
      baseOptions: { modelAssetBuffer: model, delegate: 'CPU' },
      runningMode: setup.mode,
      numFaces: 1,
      outputFaceBlendshapes: true,
      outputFacialTransformationMatrixes: true,
    },
  );
}

/** Starts tracking afresh: setOptions rebuilds the graph, which forgets the previous face. */
export async function resetTracking(landmarker: FaceLandmarker, mode: 'VIDEO' | 'IMAGE'): Promise<void> {
  await landmarker.setOptions({ runningMode: mode });
}

/** One output row; a frame without a face carries no features (missing, not zero). */
export function rowOf(frame: number, timeUs: number, result: FaceLandmarkerResult, landmarks: boolean): FrameRow {
  const categories = result.faceBlendshapes[0]?.categories;
  const matrix = result.facialTransformationMatrixes[0]?.data;
  if (result.faceLandmarks.length === 0 || categories === undefined || matrix === undefined) return { frame, t: timeUs, face: false };
  if (categories.length !== BLENDSHAPE_COUNT || categories.some((c, i) => c.categoryName !== BLENDSHAPE_NAMES[i])) {
    throw new WeftError('INTERNAL', `the model's blendshapes are not MediaPipe's 52 in their order (got ${categories.length}: ${categories.slice(0, 3).map((c) => c.categoryName).join(', ')}, ...)`);
  }
  const row: FrameRow = { frame, t: timeUs, face: true, bs: categories.map((c) => c.score), m: Array.from(matrix) };
  if (!landmarks) return row;
  const points = result.faceLandmarks[0] ?? [];
  if (points.length !== FACE_LANDMARK_COUNT) throw new WeftError('INTERNAL', `the model gave ${points.length} landmarks, not ${FACE_LANDMARK_COUNT}`);
  return { ...row, lm: points.flatMap((p) => [p.x, p.y, p.z]) };
}
