import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLENDSHAPE_NAMES } from '../../../src/core/face/featureSchema.js';
import { MODALITIES } from '../../../src/core/study/modalities.js';
import { generateDemo, type DemoManifest } from '../../../datasets/demo/generate.js';
import type { DemoTruth } from '../../../datasets/demo/truth.js';
import {
  REAL_TOBII_ALL_DATA_HEADER, csvTable, easternDaylightToUtcMs, makeTempDir, parseTobii, preambleValue, readText,
  removeDir, tsvTable, type Table, type TobiiFile,
} from './helpers.js';

const MINUTES = 3;

const DATASHOP_HEADER = [
  'Row', 'Sample Name', 'Transaction Id', 'Anon Student Id', 'Session Id', 'Time', 'Time Zone', 'Duration (sec)',
  'Student Response Type', 'Student Response Subtype', 'Tutor Response Type', 'Tutor Response Subtype',
  'Level (Unit)', 'Level (Section)', 'Problem Name', 'Problem View', 'Problem Start Time', 'Step Name',
  'Attempt At Step', 'Is Last Attempt', 'Outcome', 'Selection', 'Action', 'Input', 'Feedback Text',
  'Feedback Classification', 'Help Level', 'Total Num Hints', 'Condition Name', 'Condition Type',
  'KC (Default)', 'KC Category (Default)', 'KC (Default)', 'KC Category (Default)',
  'KC (Single-KC)', 'KC Category (Single-KC)', 'KC (Unique-step)', 'KC Category (Unique-step)',
  'School', 'Class', 'CF (Equation)', 'CF (Item Difficulty)',
];

describe('demo study file formats', () => {
  let dir = '';
  let demo: DemoManifest;
  let truth: DemoTruth;
  let manifest: Table;
  let tx: Table;
  const tobii = new Map<string, TobiiFile>();
  const face = new Map<string, Table>();

  const pathOf = (kind: string, participant?: string): string => {
    const f = demo.files.find((x) => x.kind === kind && (participant === undefined || x.participantId === participant));
    if (!f) throw new Error(`no ${kind} file for ${participant ?? 'study'}`);
    return f.path;
  };

  beforeAll(async () => {
    dir = await makeTempDir('formats');
    demo = await generateDemo(dir, { minutes: MINUTES });
    truth = JSON.parse(await readText(dir, 'demo-truth.json')) as DemoTruth;
    manifest = csvTable(await readText(dir, 'manifest.csv'));
    tx = tsvTable(await readText(dir, pathOf('tutor-log')));
    for (const s of demo.sessions) {
      tobii.set(s.participantId, parseTobii(await readText(dir, pathOf('eye-tracking', s.participantId))));
      face.set(s.participantId, csvTable(await readText(dir, pathOf('face', s.participantId))));
    }
  }, 60_000);

  afterAll(async () => {
    await removeDir(dir);
  });

  describe('manifest', () => {
    it('has the specified header and lists every file but itself and the truth file', async () => {
      expect(manifest.header).toEqual(['file', 'format', 'participant_id', 'session_id', 'variant', 'lesson', 'session_start', 'clock_offset_s']);
      const listed = manifest.rows.map((r) => r[0]).sort();
      const written = demo.files.filter((f) => f.kind !== 'manifest' && f.kind !== 'truth').map((f) => f.path).sort();
      expect(listed).toEqual(written);
      for (const file of listed) await expect(access(join(dir, file ?? ''))).resolves.toBeUndefined();
      expect(demo.files.map((f) => f.path)).toContain('demo-truth.json');
    });

    it('names formats and fills participant, session, start and clock offset only where the file does not say them', () => {
      const c = (name: string): number => manifest.col(name);
      for (const row of manifest.rows) {
        const file = demo.files.find((f) => f.path === row[c('file')]);
        expect(row[c('format')]).toBe(file?.format);
        const session = demo.sessions.find((s) => s.sessionId === row[c('session_id')]);
        switch (file?.kind) {
          case 'face':
            expect(row[c('participant_id')]).toBe(file.participantId);
            expect(row[c('session_id')]).toBe(file.sessionId);
            expect(Number(row[c('clock_offset_s')])).toBe(truth.sessions.find((s) => s.sessionId === file.sessionId)?.video.offsetS);
            expect(Number(row[c('clock_offset_s')])).toBeGreaterThanOrEqual(2);
            expect(Number(row[c('clock_offset_s')])).toBeLessThanOrEqual(6);
            break;
          case 'eye-tracking':
            expect(row[c('participant_id')]).toBe('');
            expect(row[c('session_id')]).toBe(file.sessionId);
            expect(row[c('clock_offset_s')]).toBe('');
            break;
          case 'segments':
            expect(row[c('participant_id')]).toBe(file.participantId);
            expect(row[c('session_id')]).toBe(file.sessionId);
            // Placed on the eye tracker's recording clock, as its export's header gives it.
            expect(Number(row[c('clock_offset_s')])).toBe(truth.sessions.find((s) => s.sessionId === file.sessionId)?.eyeTracker.headerImpliedStartSessionS);
            break;
          default:
            expect(row.slice(2).every((v) => v === '')).toBe(true);
        }
        if (session) {
          expect(row[c('session_start')]).toBe(session.sessionStart);
          expect(row[c('session_start')]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
          expect(row[c('variant')]).toBe(session.variant);
          expect(row[c('lesson')]).toBe('linear-equations');
        }
      }
    });
  });

  describe('face CSV', () => {
    it('has frame, media time, presence, confidence, pose and the 52 blendshapes in MediaPipe order', () => {
      for (const t of face.values()) {
        expect(t.header).toEqual([
          'frame', 'media_time_us', 'face_present', 'confidence', 'head_yaw_deg', 'head_pitch_deg', 'head_roll_deg',
          ...BLENDSHAPE_NAMES,
        ]);
      }
    });

    it('runs at 30 fps on media time from 0 to past the end of the session', () => {
      for (const s of truth.sessions) {
        const t = face.get(s.participantId);
        if (!t) throw new Error('missing face file');
        const off = t.rows.filter((r, i) => r[0] !== String(i) || r[1] !== String(Math.round((i * 1e6) / 30)));
        expect(off).toEqual([]);
        const lastS = Number(t.rows[t.rows.length - 1]?.[1]) / 1e6 + s.video.offsetS;
        expect(lastS).toBeGreaterThan(s.durationS);
        expect(lastS).toBeLessThan(s.durationS + 5);
      }
    });

    it('keeps scores in [0, 1] and leaves every feature empty when no face is found', () => {
      let absentTotal = 0;
      for (const t of face.values()) {
        const bad: string[] = [];
        let absent = 0;
        for (const r of t.rows) {
          if (r.length !== 59) bad.push(`width ${r.length}`);
          if (r[2] === '0') {
            absent++;
            if (!r.slice(3).every((v) => v === '')) bad.push(`frame ${r[0]} absent but has features`);
            continue;
          }
          if (r[2] !== '1') bad.push(`frame ${r[0]} face_present ${r[2]}`);
          for (let k = 3; k < r.length; k++) if (!/^-?\d+(\.\d{1,4})?$/.test(r[k] ?? '')) bad.push(`frame ${r[0]} col ${k} '${r[k]}'`);
          const confidence = Number(r[3]);
          if (!(confidence > 0 && confidence <= 1)) bad.push(`frame ${r[0]} confidence ${r[3]}`);
          for (let k = 7; k < r.length; k++) {
            const v = Number(r[k]);
            if (!(v >= 0 && v <= 1)) bad.push(`frame ${r[0]} ${t.header[k]} ${r[k]}`);
          }
        }
        expect(bad.slice(0, 5)).toEqual([]);
        expect(absent / t.rows.length).toBeLessThan(0.06);
        absentTotal += absent;
      }
      expect(absentTotal).toBeGreaterThan(0);
    });
  });

  describe('Tobii Studio All-Data TSV', () => {
    it('has the preamble and the exact 41-column header of a real Tobii Studio 2 export', () => {
      for (const [participant, file] of tobii) {
        expect(file.table.header).toEqual([...REAL_TOBII_ALL_DATA_HEADER, '']);
        expect(file.preamble[0]).toBe('System Properties:');
        expect(preambleValue(file.preamble, 'Participant')).toBe(participant);
        expect(preambleValue(file.preamble, 'Recording date')).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4}$/);
        expect(preambleValue(file.preamble, 'Recording time')).toMatch(/^\d{1,2}:\d{2}:\d{2} [AP]M$/);
        expect(preambleValue(file.preamble, 'Recording resolution')).toBe('1280 x 1024');
        expect(file.preamble).toContain('Fixation filter: Tobii fixation filter');
        expect(file.preamble[file.preamble.length - 1]).toBe('');
        expect(file.table.rows.filter((r) => r.length !== 43)).toEqual([]);
      }
    });

    it('starts with ScreenRecStarted and samples at 60 Hz with consistent timestamps', () => {
      for (const file of tobii.values()) {
        const t = file.table;
        const first = t.rows[0];
        expect(first?.[t.col('Event')]).toBe('ScreenRecStarted');
        expect(first?.[t.col('Timestamp')]).toBe('0');
        const samples = t.rows.filter((r) => r[t.col('Event')] === '');
        const micro = samples.map((r) => Number(r[t.col('MicroSecondTimestamp')]));
        const gaps = micro.slice(1).map((m, i) => m - (micro[i] ?? 0));
        expect(Math.min(...gaps)).toBeGreaterThan(16_400);
        expect(Math.max(...gaps)).toBeLessThan(16_900);
        const base = Number(samples[0]?.[t.col('AbsoluteMicroSecondTimestamp')]) - (micro[0] ?? 0);
        const bad = samples.filter((r, i) =>
          Number(r[t.col('Number')]) !== i + 1 ||
          Number(r[t.col('Timestamp')]) !== Math.round((micro[i] ?? 0) / 1000) ||
          Number(r[t.col('AbsoluteMicroSecondTimestamp')]) - (micro[i] ?? 0) !== base);
        expect(bad.slice(0, 3)).toEqual([]);
      }
    });

    it('writes DateTimeStamp as the recording time plus Timestamp', () => {
      for (const file of tobii.values()) {
        const t = file.table;
        const m = /^(\d+):(\d{2}):(\d{2}) ([AP]M)$/.exec(preambleValue(file.preamble, 'Recording time') ?? '');
        const hour = (Number(m?.[1]) % 12) + (m?.[4] === 'PM' ? 12 : 0);
        const startMs = ((hour * 60 + Number(m?.[2])) * 60 + Number(m?.[3])) * 1000;
        const sample = t.rows.find((r) => r[t.col('Event')] === '' && Number(r[t.col('Timestamp')]) > 60_000);
        const ms = startMs + Number(sample?.[t.col('Timestamp')]);
        const expected = [3_600_000, 60_000, 1000].reduce<[string[], number]>(
          ([parts, rest], unit) => [[...parts, String(Math.floor(rest / unit)).padStart(2, '0')], rest % unit],
          [[], ms],
        );
        expect(sample?.[t.col('DateTimeStamp')]).toBe(`${expected[0].join(':')}.${String(expected[1]).padStart(3, '0')}`);
      }
    });

    it('marks lost samples with Tobii sentinels and fills fixation columns per fixation', () => {
      for (const file of tobii.values()) {
        const t = file.table;
        const samples = t.rows.filter((r) => r[t.col('Event')] === '');
        const bad: string[] = [];
        let lost = 0;
        const fixations = new Map<string, string>();
        let lastIndex = 0;
        for (const r of samples) {
          for (const eye of ['Left', 'Right']) {
            const validity = r[t.col(`Validity${eye}`)];
            if (validity === '4') {
              const sentinel = [r[t.col(`GazePointX${eye}`)], r[t.col(`GazePointY${eye}`)], r[t.col(`Pupil${eye}`)]].join(' ');
              if (sentinel !== '-1280 -1024 -1') bad.push(`lost ${eye} eye at ${r[0]}: ${sentinel}`);
            } else if (validity === '0') {
              const pupil = Number(r[t.col(`Pupil${eye}`)]);
              if (!(pupil > 2.5 && pupil < 5)) bad.push(`pupil ${pupil} at ${r[0]}`);
            } else bad.push(`validity ${validity} at ${r[0]}`);
          }
          if (r[t.col('ValidityLeft')] === '4' && r[t.col('ValidityRight')] === '4') {
            lost++;
            if (r[t.col('FixationIndex')] !== '' || r[t.col('GazePointX')] !== '0') bad.push(`lost sample at ${r[0]} has gaze`);
          }
          const index = r[t.col('FixationIndex')] ?? '';
          const fields = [t.col('MappedFixationPointX'), t.col('MappedFixationPointY'), t.col('FixationDuration')].map((c) => r[c]).join('|');
          if (index === '') {
            if (fields !== '||') bad.push(`fixation fields without index at ${r[0]}`);
            continue;
          }
          if (Number(index) < lastIndex) bad.push(`fixation index goes back at ${r[0]}`);
          lastIndex = Number(index);
          if (!/^-?\d+\|-?\d+\|\d+$/.test(fields)) bad.push(`fixation fields '${fields}' at ${r[0]}`);
          if (fixations.has(index) && fixations.get(index) !== fields) bad.push(`fixation ${index} changes at ${r[0]}`);
          fixations.set(index, fields);
        }
        expect(bad.slice(0, 5)).toEqual([]);
        expect(lost / samples.length).toBeGreaterThan(0.01);
        expect(lost / samples.length).toBeLessThan(0.2);
        expect(fixations.size).toBeGreaterThan(100);
      }
    });

    it('logs a LeftMouseClick for every tutor transaction and LogData for every 10th, carrying its Transaction Id', () => {
      for (const [participant, file] of tobii) {
        const t = file.table;
        const mine = tx.rows.filter((r) => r[tx.col('Anon Student Id')] === participant);
        const clicks = t.rows.filter((r) => r[t.col('Event')] === 'LeftMouseClick');
        expect(clicks.length).toBeGreaterThanOrEqual(mine.length);
        const offScreen = clicks.filter((c) => {
          const x = Number(c[t.col('Data1')]);
          const y = Number(c[t.col('Data2')]);
          return c[t.col('EventKey')] !== '1' || !(x >= 0 && x < 1280 && y >= 0 && y < 1024);
        });
        expect(offScreen).toEqual([]);
        const markers = t.rows.filter((r) => r[t.col('Event')] === 'LogData').map((r) => r[t.col('Descriptor')]);
        const expected = mine.filter((_, i) => (i + 1) % 10 === 0).map((r) => r[tx.col('Transaction Id')]);
        expect(markers.length).toBeGreaterThan(0);
        expect(markers).toEqual(expected);
        const timestamps = t.rows.map((r) => Number(r[t.col('Timestamp')]));
        expect(timestamps.filter((ts, i) => i > 0 && ts < (timestamps[i - 1] ?? 0))).toEqual([]);
        expect(t.rows[t.rows.length - 1]?.[t.col('Event')]).toBe('ScreenRecStopped');
      }
    });
  });

  describe('DataShop transactions', () => {
    it('has DataShop columns, repeating KC (Default) for two-skill steps', () => {
      expect(tx.header).toEqual(DATASHOP_HEADER);
      expect(tx.rows.some((r) => r[30] !== '' && r[32] !== '')).toBe(true);
      for (const r of tx.rows) expect(r).toHaveLength(DATASHOP_HEADER.length);
    });

    it('uses DataShop vocabularies and formats', () => {
      const c = (name: string): number => tx.col(name);
      const ids = new Set<string>();
      tx.rows.forEach((r, i) => {
        expect(r[c('Row')]).toBe(String(i + 1));
        expect(r[c('Sample Name')]).toBe('All Data');
        expect(r[c('Transaction Id')]).toMatch(/^[0-9a-f]{32}$/);
        ids.add(r[c('Transaction Id')] ?? '');
        expect(r[c('Time')]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
        expect(r[c('Problem Start Time')]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
        expect(r[c('Time Zone')]).toBe('US/Eastern');
        expect(r[c('Duration (sec)')]).toMatch(/^\d+$/);
        expect(['Intro', 'Practice 1', 'Practice 2', 'Quiz']).toContain(r[c('Level (Section)')]);
        expect(['0', '1']).toContain(r[c('Is Last Attempt')]);
        expect(Number(r[c('Attempt At Step')])).toBeGreaterThanOrEqual(1);
        const type = r[c('Student Response Type')];
        if (type === 'ATTEMPT') {
          expect(r[c('Tutor Response Type')]).toBe('RESULT');
          expect(['CORRECT', 'INCORRECT']).toContain(r[c('Outcome')]);
          expect(r[c('Help Level')]).toBe('');
        } else {
          expect(type).toBe('HINT_REQUEST');
          expect(r[c('Tutor Response Type')]).toBe('HINT_MSG');
          expect(r[c('Outcome')]).toBe('HINT');
          const level = Number(r[c('Help Level')]);
          expect(level).toBeGreaterThanOrEqual(1);
          expect(level).toBeLessThanOrEqual(Number(r[c('Total Num Hints')]));
          expect(r[c('Feedback Text')]).not.toBe('');
          expect(r[c('Level (Section)')]).not.toBe('Quiz');
        }
      });
      expect(ids.size).toBe(tx.rows.length);
    });

    it('puts the variant in Condition Name and one session per student', () => {
      for (const s of demo.sessions) {
        const mine = tx.rows.filter((r) => r[tx.col('Anon Student Id')] === s.participantId);
        expect(mine.length).toBeGreaterThan(5);
        expect(new Set(mine.map((r) => r[tx.col('Session Id')]))).toEqual(new Set([s.sessionId]));
        expect(new Set(mine.map((r) => r[tx.col('Condition Name')]))).toEqual(new Set([s.variant]));
        expect(new Set(mine.map((r) => r[tx.col('Condition Type')]))).toEqual(new Set([s.variant === 'A' ? 'experimental' : 'control']));
      }
      expect(demo.sessions.map((s) => s.variant)).toEqual(['A', 'A', 'A', 'B', 'B', 'B']);
    });

    it('keeps attempts per step consistent and times inside the session, sorted by student and time', () => {
      const c = (name: string): number => tx.col(name);
      const steps = new Map<string, string[][]>();
      let previous = '';
      for (const r of tx.rows) {
        const key = `${r[c('Anon Student Id')]}|${r[c('Problem Name')]}|${r[c('Step Name')]}`;
        steps.set(key, [...(steps.get(key) ?? []), [...r]]);
        const order = `${r[c('Anon Student Id')]}|${r[c('Time')]}`;
        expect(order >= previous).toBe(true);
        previous = order;
        const s = demo.sessions.find((x) => x.participantId === r[c('Anon Student Id')]);
        const at = (easternDaylightToUtcMs(r[c('Time')] ?? '') - Date.parse(s?.sessionStart ?? '')) / 1000;
        expect(at).toBeGreaterThanOrEqual(0);
        expect(at).toBeLessThanOrEqual((s?.durationS ?? 0) + 1);
      }
      for (const rows of steps.values()) {
        expect(rows.map((r) => Number(r[c('Attempt At Step')]))).toEqual(rows.map((_, i) => i + 1));
        expect(rows.map((r) => r[c('Is Last Attempt')]).join('')).toBe(`${'0'.repeat(rows.length - 1)}1`);
      }
    });
  });

  describe('EMDAT segments', () => {
    it('has scene, segment, start and end ms on the recording clock, one segment per problem', async () => {
      for (const s of demo.sessions) {
        const text = await readText(dir, pathOf('segments', s.participantId));
        const lines = text.trimEnd().split('\n').map((l) => l.split('\t'));
        const t = tobii.get(s.participantId)?.table;
        const lastMs = Number(t?.rows[t.rows.length - 1]?.[0]);
        let previousEnd = 0;
        for (const [scene, segment, start, end, ...rest] of lines) {
          expect(rest).toEqual([]);
          expect(['intro', 'practice1', 'practice2', 'quiz']).toContain(scene);
          expect(segment).toMatch(/^[A-Z0-9-]+$/);
          expect(Number(start)).toBeGreaterThanOrEqual(previousEnd);
          expect(Number(end)).toBeGreaterThan(Number(start));
          expect(Number(end)).toBeLessThan(lastMs);
          previousEnd = Number(end);
        }
        const segments = lines.map((l) => l[1]);
        const attempted = new Set(tx.rows.filter((r) => r[tx.col('Anon Student Id')] === s.participantId).map((r) => r[tx.col('Problem Name')]));
        expect(new Set(segments)).toEqual(new Set([...attempted, ...segments.slice(-1)]));
      }
    });
  });

  describe('annotations', () => {
    it('codes 20-second BROMP windows of the affect tier by two coders', async () => {
      const t = csvTable(await readText(dir, pathOf('annotations')));
      expect(t.header).toEqual(['session_id', 'participant_id', 'tier', 'annotator', 'label', 'start_s', 'end_s', 'note']);
      for (const r of t.rows) {
        const session = demo.sessions.find((s) => s.sessionId === r[0]);
        expect(session?.participantId).toBe(r[1]);
        expect(r[2]).toBe('affect');
        expect(['coder1', 'coder2']).toContain(r[3]);
        expect(['CONCENTRATING', 'CONFUSED', 'FRUSTRATED', 'BORED']).toContain(r[4]);
        expect(Number(r[6]) - Number(r[5])).toBe(20);
      }
      const coder1 = t.rows.filter((r) => r[3] === 'coder1').map((r) => `${r[0]}@${r[5]}`);
      const coder2 = t.rows.filter((r) => r[3] === 'coder2').map((r) => `${r[0]}@${r[5]}`);
      expect(coder1).toEqual(coder2);
      expect(coder1.length).toBeGreaterThanOrEqual(demo.sessions.length);
    });
  });

  describe('consent', () => {
    it('is a REDCap raw export with the specified fields', async () => {
      const t = csvTable(await readText(dir, pathOf('consent')));
      expect(t.header).toEqual([
        'record_id', 'redcap_event_name', 'consent_date', 'consent_form_version', 'consent_expiry_date',
        ...MODALITIES.map((m) => `consent_modalities___${m}`), 'withdrawal_date', 'consent_complete',
      ]);
      expect(t.rows.map((r) => r[0])).toEqual(['P01', 'P02', 'P03', 'P04', 'P05', 'P06']);
      for (const r of t.rows) {
        const session = demo.sessions.find((s) => s.participantId === r[0]);
        const sessionDate = session?.sessionStart.slice(0, 10) ?? '';
        expect(r[t.col('consent_complete')]).toBe('2');
        expect(r[t.col('consent_form_version')]).toBe('v2.1');
        expect(r[t.col('consent_date')]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect((r[t.col('consent_date')] ?? '') < sessionDate).toBe(true);
        for (const m of MODALITIES) {
          const refused = m === 'face_landmarks' || (m === 'video' && r[0] === 'P04');
          expect(r[t.col(`consent_modalities___${m}`)], `${r[0]} ${m}`).toBe(refused ? '0' : '1');
        }
        const withdrawal = r[t.col('withdrawal_date')] ?? '';
        if (r[0] === 'P06') {
          const days = (Date.parse(withdrawal) - Date.parse(sessionDate)) / 86_400_000;
          expect(days).toBeGreaterThanOrEqual(1);
          expect(days).toBeLessThanOrEqual(7);
        } else {
          expect(withdrawal).toBe('');
        }
      }
    });
  });
});
