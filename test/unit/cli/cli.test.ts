import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weft, weftUntil } from '../../support/cli.js';
import { sessionRows, writeConsentCsv, writeTransactions } from '../../support/fixtures.js';
import { snapshot } from '../../support/files.js';
import { tempDir } from '../../support/paths.js';

let root: string;
let remove: () => Promise<void>;
let study: string;
let sources: string;

beforeAll(async () => {
  ({ dir: root, remove } = await tempDir('weft-cli-'));
  study = join(root, 'pilot');
  sources = join(root, 'sources');
  await mkdir(sources);
  await writeConsentCsv(sources, [{ id: 'P01' }, { id: 'P02', refuse: ['video'] }]);
  await writeTransactions(sources, [...sessionRows('P01', 'S01', 'A', '2026-02-03T09:00:00Z', 8), ...sessionRows('P02', 'S02', 'B', '2026-02-04T09:00:00Z', 5)]);
});
afterAll(async () => {
  await remove();
});

describe('weft', () => {
  it('explains every command with --help and exits 0', async () => {
    const top = await weft(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['init', 'import', 'status', 'sql', 'serve', 'demo']) {
      expect(top.stdout).toContain(command);
      const help = await weft([command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout).toContain(`Usage: weft ${command}`);
      expect(help.stdout).toContain('--help');
    }
  });

  it('exits 2 on a usage error', async () => {
    const result = await weft(['sql']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("missing required argument 'query'");
  });

  it('creates a study once, and refuses to create it twice', async () => {
    const first = await weft(['init', '--study', study, '--name', 'Pilot', '--time-zone', 'America/New_York']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Created study "Pilot"');
    const again = await weft(['init', '--study', study]);
    expect(again.code).toBe(9);
    expect(again.stderr).toContain('already holds a Weft study');
  });

  it('takes the folder of a new study as an argument too, and refuses two different ones', async () => {
    const folder = `${study}-by-argument`;
    const created = await weft(['init', folder, '--secondary-data', 'public data set terms']);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`Created study "${basename(folder)}" in ${folder}`);
    const both = await weft(['init', `${folder}-other`, '--study', folder]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('weft init was given two study folders');
  });

  it('imports files with a summary, and recognises them the second time', async () => {
    const files = [join(sources, 'consent.csv'), join(sources, 'tx.txt')];
    const dry = await weft(['import', '--study', study, '--dry-run', ...files]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/tx\.txt\s+datashop-tx\s+2 participants, 2 sessions\s+interaction_log\s+13/);
    expect(dry.stdout).toMatch(/consent\.csv\s+redcap-consent-csv\s+consent records\s+16\n/);
    expect(dry.stdout).toContain('Dry run: 2 files (29 rows) would be imported. Nothing was stored.');
    expect(JSON.parse((await weft(['status', '--study', study, '--json'])).stdout)).toMatchObject({ participants: 0 });
    const first = await weft(['import', '--study', study, ...files]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/tx\.txt\s+datashop-tx\s+2 participants, 2 sessions\s+interaction_log\s+13/);
    expect(first.stdout).toContain('consent records');
    const again = await weft(['import', '--study', study, '--json', ...files]);
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.stdout) as { files: { status: string }[] };
    expect(summary.files.map((f) => f.status)).toEqual(['duplicate', 'duplicate']);
  });

  it('reports a broken file with file:line:column and exit code 6, changing nothing', async () => {
    const broken = join(sources, 'broken.csv');
    await writeFile(broken, 'session_id,tier,annotator,label,start_s,end_s,note\nS01,affect,c1,CONFUSED,12,eleven,\n');
    const before = await snapshot(study);
    const result = await weft(['import', '--study', study, broken]);
    expect(result.code).toBe(6);
    expect(result.stderr).toBe(`weft: ${broken}:2:27: "eleven" in column "end_s" is not a number\n`);
    expect(await snapshot(study)).toEqual(before);
  });

  it('status --json answers for scripts', async () => {
    const result = await weft(['status', '--study', study, '--json']);
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout) as { participants: number; sessions: { session_id: string; streams: { rows: number }[] }[] };
    expect(status.participants).toBe(2);
    expect(status.sessions.map((s) => [s.session_id, s.streams[0]?.rows])).toEqual([
      ['S01', 8],
      ['S02', 5],
    ]);
    const text = await weft(['status', '--study', study]);
    expect(text.stdout).toContain('2 participants, 2 sessions (variants A: 1, B: 1)');
  });

  it('sql prints a table, CSV or JSON, and refuses writes (7) and bad SQL (8) without changing a file', async () => {
    const table = await weft(['sql', '--study', study, 'SELECT participant_id, count(*) AS n FROM events GROUP BY 1 ORDER BY 1']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^participant_id\s+n$/);
    const csv = await weft(['sql', '--study', study, '--csv', 'SELECT participant_id, count(*) AS n FROM events GROUP BY 1 ORDER BY 1']);
    expect(csv.stdout).toBe('participant_id,n\r\nP01,8\r\nP02,5\r\n');
    const json = await weft(['sql', '--study', study, '--json', "SELECT 'a,b' AS x"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ rows: [{ x: 'a,b' }] });

    const before = await snapshot(study);
    const write = await weft(['sql', '--study', study, 'DELETE FROM events']);
    expect(write.code).toBe(7);
    expect(write.stderr).toContain('Only SELECT queries are allowed');
    const syntax = await weft(['sql', '--study', study, 'SELECT FROM WHERE']);
    expect(syntax.code).toBe(8);
    expect(await snapshot(study)).toEqual(before);
  });

  it('says so, with exit code 3, when the folder is not a study', async () => {
    const result = await weft(['status', '--study', sources]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('is not a Weft study');
    const json = await weft(['status', '--study', sources, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: 'NOT_A_STUDY' } });
  });

  it('serves the study on loopback with a launch token, and other Weft processes see it locked (4)', async () => {
    const { child, match } = await weftUntil(['serve', '--study', study], /(http:\/\/127\.0\.0\.1:(\d+)\/)#token=([\w-]+)/);
    try {
      const [, base, , token] = match;
      const ok = await fetch(`${base}api/study.info`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-weft-token': token ?? '' }, body: '{}' });
      expect(await ok.json()).toMatchObject({ ok: true, value: { name: 'Pilot' } });
      const refused = await fetch(`${base}api/study.info`, { method: 'POST', body: '{}' });
      expect(refused.status).toBe(401);
      const locked = await weft(['status', '--study', study]);
      expect(locked.code).toBe(4);
      expect(locked.stderr).toMatch(/in use by another process .*PID \d+/);
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('close', resolve));
    }
    expect((await weft(['status', '--study', study])).code).toBe(0);
  });
});
