import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PATHS, generateDemo } from '../../../datasets/demo/generate.js';
import { emdatSeg } from '../../../src/backend/import/formats/emdatSeg.js';
import { detectImporter } from '../../../src/backend/import/registry.js';
import { inspectSource } from '../../../src/backend/import/source.js';
import { WeftError } from '../../../src/core/errors.js';
import { HAVE_REALDATA, SKIP_REALDATA_REASON, realdata, tempDir } from '../../support/paths.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

/** A segment file read independently of the importer. */
async function readSegments(path: string): Promise<{ scene: string; segment: string; start: number; end: number }[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l !== '')
    .map((l) => {
      const [scene = '', segment = '', start = '', end = ''] = l.split('\t');
      return { scene, segment, start: Number(start), end: Number(end) };
    });
}

async function query(study: TestStudy, sql: string): Promise<unknown[][]> {
  return (await study.client.call('sql.query', { sql })).rows;
}

const CLOCK_WARNING = /^Times in this file count from its device's own time 0, and nothing says when that was in session ".*": its streams were placed at session time 0/;

const csp = (name: string): string => realdata('eyetracking_emdat', 'TobiiStudio2_CSP_applet', name);
const SEG_FILES = [
  { name: 'CSP P61.seg', path: csp('P61.seg'), lines: 20 },
  { name: 'CSP P62.seg', path: csp('P62.seg'), lines: 14 },
  { name: 'Gazepoint P5_TIME.seg (CRLF)', path: realdata('eyetracking_emdat', 'Gazepoint', 'P5_TIME.seg'), lines: 2 },
] as const;

describe.skipIf(!HAVE_REALDATA)(`EMDAT segment files (real files)${HAVE_REALDATA ? '' : `: skipped, ${SKIP_REALDATA_REASON}`}`, () => {
  let study: TestStudy;
  let copies: { dir: string; remove: () => Promise<void> };
  beforeAll(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY, timeZone: 'America/Vancouver' });
    copies = await tempDir('weft-seg-');
  });
  afterAll(async () => {
    await study.close();
    await copies.remove();
  });

  /** A copy with extra trailing newlines: the same segments, but not a file imported before. */
  let copied = 0;
  async function copyOf(path: string, name: string): Promise<string> {
    const copy = join(copies.dir, name);
    copied += 1;
    await writeFile(copy, `${await readFile(path, 'utf8')}${'\n'.repeat(copied)}`);
    return copy;
  }

  it('detects .seg files, and nothing else tab-separated, from their contents', async () => {
    for (const { path } of SEG_FILES) {
      expect(emdatSeg.detect(await inspectSource(path)), path).toBe(0.9);
      expect(detectImporter(await inspectSource(path)).format).toBe('emdat-seg');
    }
    const others = [csp('P61-Event-Data.tsv'), csp('P61-Fixation-Data.tsv'), csp('P63-All-Data.tsv'), csp('Log_61.m'), realdata('eyetracking_emdat', 'TobiiStudio2_PrimeClimb', 'Static.aoi'), realdata('eyetracking_emdat', 'Gazepoint', 'P5_fixations.csv')];
    for (const path of others) expect(emdatSeg.detect(await inspectSource(path)), path).toBe(0);
  });

  it.each(SEG_FILES)('$name: every segment, with its scene and duration, at the declared offset', async ({ path, lines }) => {
    const segments = await readSegments(path);
    expect(segments).toHaveLength(lines);
    const participant = `SEG-${lines}`;
    const summary = await study.client.call('session.import', { files: [path], participant_id: participant, session_id: participant, clock_offset_s: 2.5 });
    const file = summary.files[0];
    expect(file?.format).toBe('emdat-seg');
    expect(file?.streams.map((s) => [s.kind, s.rows, s.clock_source])).toEqual([['segments', lines, 'declared offset (the command line)']]);
    expect(file?.warnings.map((w) => w.message)).not.toContainEqual(expect.stringMatching(CLOCK_WARNING));
    const stored = await query(study, `SELECT kind, label, attributes->>'scene', t_us, duration_us FROM events WHERE session_id = '${participant}' ORDER BY t_us, label`);
    const expected = segments
      .map((s) => ['segment', s.segment, s.scene, s.start * 1000 + 2_500_000, (s.end - s.start) * 1000] as const)
      .sort((a, b) => a[3] - b[3] || a[1].localeCompare(b[1]));
    expect(stored).toEqual(expected);
  });

  it('keeps file order, which EMDAT groups by scene, and says that times went backwards (P61.seg)', async () => {
    const summary = await study.client.call('session.import', { files: [await copyOf(csp('P61.seg'), 'P61-order.seg')], participant_id: 'P105', session_id: 'P61-order' });
    expect(summary.files[0]?.warnings.map((w) => [w.message, w.location?.line])).toEqual([
      [expect.stringMatching(CLOCK_WARNING), undefined],
      ['1 timestamp in the segments stream went backwards; rows were kept in file order (the views sort by time)', 16],
    ]);
  });

  it('lines up with the LogData markers of the same recording when both use its clock (P61)', async () => {
    await study.client.call('session.import', { files: [csp('P61-Event-Data.tsv')], session_id: 'P105-1' });
    await study.client.call('session.import', { files: [await copyOf(csp('P61.seg'), 'P61-aligned.seg')], participant_id: 'P105', session_id: 'P105-1', clock_offset_s: 0 });
    // CSP logged "Load 1st Problem" at 9447 ms, the start of segment S0.
    expect(await query(study, `
      SELECT s.label, m.label FROM events s JOIN events m ON s.t_us = m.t_us AND m.kind = 'logdata'
      WHERE s.kind = 'segment' AND s.session_id = 'P105-1' AND s.label = 'S0'`)).toEqual([['S0', 'Load 1st Problem']]);
  });
});

describe('EMDAT segment files: the demo study and broken files', () => {
  let demoDir: { dir: string; remove: () => Promise<void> };
  let study: TestStudy;

  beforeAll(async () => {
    demoDir = await tempDir('weft-demo-seg-');
    await generateDemo(demoDir.dir, { minutes: 2, participants: 1 });
    study = await createTestStudy({ dataBasis: SECONDARY, timeZone: 'America/New_York' });
  });
  afterAll(async () => {
    await study.close();
    await demoDir.remove();
  });

  async function state(): Promise<unknown[][]> {
    return query(study, `SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM streams), (SELECT count(*) FROM events), (SELECT count(*) FROM audit_log)`);
  }

  async function importError(path: string): Promise<WeftError> {
    const before = await state();
    const error = await study.client.call('session.import', { files: [path], participant_id: 'P01', session_id: 'S01', format: 'emdat-seg' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, 'the import should have failed').toBeInstanceOf(WeftError);
    expect(await state(), 'a failed import must leave the study unchanged').toEqual(before);
    return error as WeftError;
  }

  it('places the demo segments on the Tobii recording clock by the declared offset', async () => {
    const path = join(demoDir.dir, DEMO_PATHS.segments('P01'));
    const segments = await readSegments(path);
    // Declared as a manifest should: where the Tobii export's header puts the recording's time 0.
    const truth = JSON.parse(await readFile(join(demoDir.dir, DEMO_PATHS.truth), 'utf8')) as { sessions: { sessionStart: string; eyeTracker: { headerImpliedStartSessionS: number } }[] };
    const session = truth.sessions[0];
    if (session === undefined) throw new Error('the demo has no session');
    const offsetS = session.eyeTracker.headerImpliedStartSessionS;
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P01', session_id: 'S01', session_start: session.sessionStart, clock_offset_s: offsetS });
    expect(summary.files[0]?.streams.map((s) => [s.kind, s.rows, s.clock_source])).toEqual([['segments', segments.length, 'declared offset (the command line)']]);
    expect(await query(study, `SELECT label, attributes->>'scene', t_us, duration_us FROM events WHERE session_id = 'S01' ORDER BY t_us`)).toEqual(
      segments.map((s) => [s.segment, s.scene, s.start * 1000 + offsetS * 1e6, (s.end - s.start) * 1000]),
    );
  });

  it('a segment that ends before it starts', async () => {
    const text = await readFile(join(demoDir.dir, DEMO_PATHS.segments('P01')), 'utf8');
    const lines = text.split('\n');
    const [scene, segment, start] = (lines[2] ?? '').split('\t');
    lines[2] = [scene, segment, start, String(Number(start) - 1)].join('\t');
    const path = join(demoDir.dir, 'backwards.seg');
    await writeFile(path, lines.join('\n'));
    const error = await importError(path);
    expect(error.code).toBe('PARSE_ERROR');
    const column = (scene ?? '').length + (segment ?? '').length + (start ?? '').length + 4;
    expect(error.location).toEqual({ file: path, line: 3, column });
    expect(error.message).toContain(`segment "${segment}" ends (${Number(start) - 1} ms) before it starts (${start} ms)`);
  });

  it('a line with three fields', async () => {
    const text = await readFile(join(demoDir.dir, DEMO_PATHS.segments('P01')), 'utf8');
    const lines = text.split('\n');
    const cells = (lines[1] ?? '').split('\t');
    lines[1] = cells.slice(0, 3).join('\t');
    const path = join(demoDir.dir, 'three-fields.seg');
    await writeFile(path, lines.join('\n'));
    expect(emdatSeg.detect(await inspectSource(path))).toBe(0);
    const error = await importError(path);
    expect(error.location).toEqual({ file: path, line: 2, column: (lines[1] ?? '').length + 1 });
    expect(error.message).toContain('3 fields where an EMDAT segment line has 4 (scene, segment, start_ms, end_ms, tab-separated); end_ms is missing');
  });

  it('does not take a four-column table with a header, or with end before start, for a segment file', async () => {
    const header = join(demoDir.dir, 'with-header.tsv');
    await writeFile(header, 'scene\tsegment\tstart\tend\nintro\tA\t1\t2\n');
    const reversed = join(demoDir.dir, 'reversed.tsv');
    await writeFile(reversed, 'intro\tA\t1\t2\nintro\tB\t9\t3\n');
    const decimals = join(demoDir.dir, 'decimals.tsv');
    await writeFile(decimals, 'x\ty\t1.5\t2.5\n');
    for (const path of [header, reversed, decimals]) expect(emdatSeg.detect(await inspectSource(path)), path).toBe(0);
  });
});
