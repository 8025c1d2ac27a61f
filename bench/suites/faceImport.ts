import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { EventHub } from '../../src/core/api/events.js';
import { runImport } from '../../src/backend/import/job.js';
import { Workspace } from '../../src/backend/workspace.js';
import { openFace22Columns } from '../../src/backend/import/formats/openFaceColumns.js';
import { compare, type Suite } from '../harness.js';

const FPS = 30;
const HOUR_FRAMES = 3600 * FPS;
const IMOTIONS_FRAMES = 600 * FPS;
const RUNS = 3;

/** mulberry32: a small deterministic generator, so every run times the same file. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BODIES = 1024;

function uniform(next: () => number, from: number, to: number, decimals: number): string {
  return (from + next() * (to - from)).toFixed(decimals);
}

/** How OpenFace 2.2 formats each column (RecorderCSV: std::fixed with per-group precision), and a plausible range. */
function columnFormat(name: string): { from: number; to: number; decimals: number } {
  if (/^gaze_[01]_/.test(name)) return { from: -1, to: 1, decimals: 6 };
  if (/^gaze_angle/.test(name)) return { from: -0.6, to: 0.6, decimals: 3 };
  if (/^eye_lmk_[xy]_/.test(name) || /^[xy]_\d/.test(name)) return { from: 200, to: 500, decimals: 1 };
  if (/^eye_lmk_[XYZ]_/.test(name) || /^[XYZ]_\d/.test(name)) return { from: -80, to: 650, decimals: 1 };
  if (/^pose_T/.test(name)) return { from: -50, to: 650, decimals: 1 };
  if (/^pose_R/.test(name)) return { from: -0.5, to: 0.5, decimals: 3 };
  if (/^p_/.test(name)) return { from: -20, to: 20, decimals: 3 };
  if (/_r$/.test(name)) return { from: 0, to: 5, decimals: 2 };
  return { from: 0, to: 1, decimals: 1 };
}

/**
 * An hour of 30 Hz OpenFace 2.2 output with every one of its 714 columns, ", "-separated as
 * FeatureExtraction writes it; about 2% of frames lose the face (success 0, zeros, as OpenFace
 * writes them).
 */
export async function writeOpenFace22(path: string, frames: number, seed = 7): Promise<void> {
  const next = random(seed);
  const columns = openFace22Columns();
  const cell = (name: string): string => {
    if (/_c$/.test(name)) return next() < 0.3 ? '1.0' : '0.0';
    const f = columnFormat(name);
    return uniform(next, f.from, f.to, f.decimals);
  };
  // Writing 77 million cells one by one would take longer than the import it times: rows pick
  // one of BODIES distinct bodies, and frame, time, confidence and success are their own.
  const bodies = Array.from({ length: BODIES }, () => columns.slice(5).map(cell).join(', '));
  const lostBody = columns.slice(5).map((name) => (0).toFixed(columnFormat(name).decimals)).join(', ');
  const file = await open(path, 'w');
  try {
    await file.write(`${columns.join(', ')}\n`);
    let lost = 0;
    let chunk: string[] = [];
    for (let frame = 1; frame <= frames; frame += 1) {
      if (lost === 0 && next() < 0.002) lost = 1 + Math.floor(next() * 20);
      const success = lost === 0;
      if (lost > 0) lost -= 1;
      const body = success ? (bodies[Math.floor(next() * BODIES)] as string) : lostBody;
      chunk.push(`${frame}, 0, ${((frame - 1) / FPS).toFixed(3)}, ${success ? (0.8 + next() * 0.18).toFixed(2) : '0.00'}, ${success ? 1 : 0}, ${body}`);
      if (chunk.length === 1000) {
        await file.write(`${chunk.join('\n')}\n`);
        chunk = [];
      }
    }
    if (chunk.length > 0) await file.write(`${chunk.join('\n')}\n`);
  } finally {
    await file.close();
  }
}

const IMOTIONS_EXPRESSIONS = ['Joy', 'Anger', 'Surprise', 'Fear', 'Contempt', 'Disgust', 'Sadness', 'Confusion', 'Frustration', 'Neutral', 'Positive', 'Negative'];
const IMOTIONS_AUS = [1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 18, 20, 23, 24, 25, 26, 28, 43];
/** Signals an iMotions face frame keeps: every expression's Evidence and Intensity, the face rectangle, HasGlasses Probability, FrameTime. */
const IMOTIONS_SIGNALS = IMOTIONS_EXPRESSIONS.length * 2 + 6;
const IMOTIONS_LANDMARKS = ['LEFT_EYE_LATERAL', 'LEFT_EYE_PUPIL', 'LEFT_EYE_MEDIAL', 'RIGHT_EYE_MEDIAL', 'RIGHT_EYE_PUPIL', 'RIGHT_EYE_LATERAL', 'NOSE_TIP', '7'];

/** An iMotions 6 FACET export in the layout of the real v6 file: preamble, blank line, 90 tab-separated columns. */
export async function writeIMotions6(path: string, frames: number, seed = 11): Promise<void> {
  const next = random(seed);
  const header = [
    'StudyName', 'ExportDate', 'Name', 'Age', 'Gender', 'StimulusName', 'SlideType', 'EventSource', 'Timestamp', 'MediaTime', 'PostMarker', 'Annotation',
    'FrameNo', 'FrameTime', 'NoOfFaces', 'FaceRect X', 'FaceRect Y', 'FaceRect Width', 'FaceRect Height',
    ...IMOTIONS_EXPRESSIONS.flatMap((e) => [`${e} Evidence`, `${e} Intensity`]), ...IMOTIONS_AUS.map((au) => `AU${au} Evidence`),
    'HasGlasses Probability', 'IsMale Probability', 'Yaw Degrees', 'Pitch Degrees', 'Roll Degrees',
    ...IMOTIONS_LANDMARKS.flatMap((l) => [`${l} X`, `${l} Y`]), 'LiveMarker', 'KeyStroke', 'MarkerText', 'SceneType', 'SceneOutput', 'SceneParent',
  ];
  const evidence = Array.from({ length: 4096 }, () => uniform(next, -5, 3, 7));
  const file = await open(path, 'w');
  try {
    await file.write('#Study : Bench\r\n#Date : 20260101 09:00:00\r\n#Version : 6.1.2667.3\r\n#TestRunDate : 20260101 08:00:00.000 (+00:00)\r\n\r\n');
    await file.write(`${header.join('\t')}\r\n`);
    let chunk: string[] = [];
    for (let frame = 0; frame < frames; frame += 1) {
      const t = Math.round((frame * 1000) / FPS) + 35;
      const face = next() > 0.1;
      const values = face
        ? [
            '1', '388', '258', '258', '258', ...IMOTIONS_EXPRESSIONS.flatMap(() => [evidence[Math.floor(next() * 4096)] as string, '0']),
            ...IMOTIONS_AUS.map(() => evidence[Math.floor(next() * 4096)] as string), '0.42', '0.97', (next() * 40 - 20).toFixed(4), (next() * 20 - 10).toFixed(4), (next() * 10 - 5).toFixed(4),
            ...IMOTIONS_LANDMARKS.flatMap(() => [(300 + next() * 200).toFixed(4), (250 + next() * 150).toFixed(4)]),
          ]
        : ['0', ...Array.from({ length: 4 + IMOTIONS_EXPRESSIONS.length * 2 + IMOTIONS_AUS.length + 5 + IMOTIONS_LANDMARKS.length * 2 }, () => '')];
      chunk.push(['Bench', '20260101', 'bench', '0', 'MALE', 'video', 'TestImage', 'Emotient FACET', String(t), String(t), '', '', String(frame), String(t), ...values, '', '', '', '', '', ''].join('\t'));
      if (chunk.length === 1000) {
        await file.write(`${chunk.join('\r\n')}\r\n`);
        chunk = [];
      }
    }
    if (chunk.length > 0) await file.write(`${chunk.join('\r\n')}\r\n`);
  } finally {
    await file.close();
  }
}

/** Wall time of importing `file` into a fresh secondary-data study, milliseconds. */
async function timeWeftImport(workDir: string, file: string, run: number): Promise<number> {
  const dir = join(workDir, `face-import-study-${run}`);
  await rm(dir, { recursive: true, force: true });
  const workspace = await Workspace.create(dir, { name: 'face import bench', actor: 'bench', timeZone: 'UTC', dataBasis: { kind: 'secondary_data', terms: 'generated benchmark data' } });
  try {
    const start = performance.now();
    await runImport(workspace.study, { files: [file], target: { participantId: 'B01', sessionId: 'B01-1' }, clockOffsetUs: 0, actor: 'bench', events: new EventHub() });
    return performance.now() - start;
  } finally {
    await workspace.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Wall time of DuckDB's own CSV reader loading the same file into a table of a fresh database file, milliseconds. */
async function timeReadCsv(workDir: string, file: string, options: string, run: number): Promise<number> {
  const path = join(workDir, `read-csv-${run}.duckdb`);
  await rm(path, { force: true });
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  try {
    const start = performance.now();
    await conn.run(`CREATE TABLE t AS SELECT * FROM read_csv('${file.replaceAll("'", "''")}'${options})`);
    return performance.now() - start;
  } finally {
    conn.closeSync();
    instance.closeSync();
    await rm(path, { force: true });
  }
}

async function median(times: () => Promise<number>): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i += 1) runs.push(await times());
  runs.sort((a, b) => a - b);
  return runs[Math.floor(runs.length / 2)] as number;
}

/**
 * Rows per second of `weft import` of an hour of OpenFace 2.2 output (and ten minutes of an
 * iMotions 6 export) against DuckDB's read_csv of the same file, in the same run.
 */
export function faceImportSuite(workDir: string): Suite {
  return {
    name: 'faceImport',
    async run(report) {
      const openFace = join(workDir, 'openface-2.2-hour.csv');
      await writeOpenFace22(openFace, HOUR_FRAMES);
      let run = 0;
      const csvMs = await median(() => timeReadCsv(workDir, openFace, '', run++));
      const weftMs = await median(() => timeWeftImport(workDir, openFace, run++));
      const perSecond = (ms: number, rows: number): number => rows / (ms / 1000);
      report(
        compare('faceImport', 'OpenFace 2.2 import, 714 columns', perSecond(weftMs, HOUR_FRAMES), 'rows/s', { name: "DuckDB read_csv of the same file", value: perSecond(csvMs, HOUR_FRAMES) }, `${HOUR_FRAMES} frames; higher is better; weft ${weftMs.toFixed(0)} ms, read_csv ${csvMs.toFixed(0)} ms`),
      );
      await rm(openFace, { force: true });

      const iMotions = join(workDir, 'imotions-6-ten-minutes.txt');
      await writeIMotions6(iMotions, IMOTIONS_FRAMES);
      const iCsvMs = await median(() => timeReadCsv(workDir, iMotions, ", skip = 5, delim = '\\t', header = true", run++));
      const iWeftMs = await median(() => timeWeftImport(workDir, iMotions, run++));
      report(
        compare('faceImport', 'iMotions 6 import, 90 columns', perSecond(iWeftMs, IMOTIONS_FRAMES), 'rows/s', { name: 'DuckDB read_csv of the same file', value: perSecond(iCsvMs, IMOTIONS_FRAMES) }, `${IMOTIONS_FRAMES} frames, 90% with a face and ${IMOTIONS_SIGNALS} signals each; weft ${iWeftMs.toFixed(0)} ms, read_csv ${iCsvMs.toFixed(0)} ms`),
      );
      await rm(iMotions, { force: true });
    },
  };
}
