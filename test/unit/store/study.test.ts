import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Study } from '../../../src/backend/store/study.js';
import { Database } from '../../../src/backend/store/duck.js';
import { verifyAudit } from '../../../src/backend/store/audit.js';
import { VIEWS } from '../../../src/backend/store/views.js';
import { WeftError } from '../../../src/core/errors.js';
import { snapshot } from '../../support/files.js';
import { REPO_ROOT, quotedSource, tempDir } from '../../support/paths.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function newStudyDir(): Promise<string> {
  const temp = await tempDir();
  cleanups.push(temp.remove);
  return join(temp.dir, 'study');
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<WeftError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WeftError);
  expect((error as WeftError).code).toBe(code);
  return error as WeftError;
}

describe('a study folder', () => {
  it('is created with its identity, every documented view and a first audit entry', async () => {
    const dir = await newStudyDir();
    const study = await Study.create(dir, { name: 'Fractions 2026', actor: 'test' });
    try {
      expect(study.info()).toMatchObject({ name: 'Fractions 2026', path: dir, schema_version: 1, read_only: false });
      const views = await study.db.read((c) => c.all(`SELECT view_name FROM duckdb_views() WHERE database_name = 'study' AND schema_name = 'main' AND NOT internal`));
      expect(views.map((v) => v['view_name']).sort()).toEqual(VIEWS.map((v) => v.name).sort());
      const audit = await study.db.read((c) => c.all(`SELECT action, actor FROM audit_log`));
      expect(audit).toEqual([{ action: 'study.create', actor: 'test' }]);
    } finally {
      await study.close();
    }
  });

  it('has exactly the documented columns, with the documented types, in every view', async () => {
    const dir = await newStudyDir();
    const study = await Study.create(dir, { name: 'S', actor: 'test' });
    try {
      for (const view of VIEWS) {
        const described = await study.db.read((c) => c.all(`DESCRIBE ${view.name}`));
        expect(described.map((d) => [d['column_name'], d['column_type']]), view.name).toEqual(view.columns.map((c) => [c.name, c.type === 'JSON' ? 'JSON' : c.type]));
      }
    } finally {
      await study.close();
    }
  });

  it('refuses to be created twice', async () => {
    const dir = await newStudyDir();
    await (await Study.create(dir, { name: 'S', actor: 'test' })).close();
    await expectCode(Study.create(dir, { name: 'S', actor: 'test' }), 'STUDY_EXISTS');
  });

  it('opens read-only without writing anything', async () => {
    const dir = await newStudyDir();
    await (await Study.create(dir, { name: 'S', actor: 'test' })).close();
    const before = await snapshot(dir);
    const study = await Study.open(dir, { actor: 'test', readOnly: true });
    expect(study.info().read_only).toBe(true);
    await expectCode(study.db.write(async () => undefined), 'STUDY_READ_ONLY');
    await study.close();
    expect(await snapshot(dir)).toEqual(before);
  });
});

describe('opening what is not a usable study', () => {
  it('names a folder without a study file', async () => {
    const dir = await newStudyDir();
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'notes.txt'), 'field notes');
    const error = await expectCode(Study.open(dir, { actor: 'test' }), 'NOT_A_STUDY');
    expect(error.message).toContain(dir);
    expect(error.message).toContain('weft init');
    expect(await snapshot(dir)).toEqual({ 'notes.txt': expect.any(String) as string });
  });

  it('names a folder that does not exist', async () => {
    const dir = await newStudyDir();
    const error = await expectCode(Study.open(join(dir, 'nowhere'), { actor: 'test' }), 'NOT_A_STUDY');
    expect(error.message).toContain('does not exist');
  });

  it('names a damaged study file and its location', async () => {
    const dir = await newStudyDir();
    await (await Study.create(dir, { name: 'S', actor: 'test' })).close();
    await writeFile(join(dir, 'weft-study.json'), '{"format": "weft-study", ');
    const error = await expectCode(Study.open(dir, { actor: 'test' }), 'NOT_A_STUDY');
    expect(error.location?.file).toBe(join(dir, 'weft-study.json'));
  });

  it('refuses a study written by a newer schema and leaves every file unchanged', async () => {
    const dir = await newStudyDir();
    const study = await Study.create(dir, { name: 'S', actor: 'test' });
    await study.db.write((c) => c.run(`INSERT INTO weft.schema_migrations VALUES (99, 'from the future', 'x', 0)`));
    await study.close();
    const before = await snapshot(dir);
    const error = await expectCode(Study.open(dir, { actor: 'test' }), 'SCHEMA_TOO_NEW');
    expect(error.message).toContain('schema version 99');
    await expectCode(Study.open(dir, { actor: 'test', readOnly: true }), 'SCHEMA_TOO_NEW');
    expect(await snapshot(dir)).toEqual(before);
  });

  it('refuses a database that belongs to another study', async () => {
    const a = await newStudyDir();
    const b = await newStudyDir();
    await (await Study.create(a, { name: 'A', actor: 'test' })).close();
    await (await Study.create(b, { name: 'B', actor: 'test' })).close();
    const { copyFile } = await import('node:fs/promises');
    await copyFile(join(a, 'study.duckdb'), join(b, 'study.duckdb'));
    await expectCode(Study.open(b, { actor: 'test' }), 'NOT_A_STUDY');
  });

  it('refuses a database another Weft process holds, naming the process, and changes nothing', async () => {
    const dir = await newStudyDir();
    await (await Study.create(dir, { name: 'S', actor: 'test' })).close();
    const before = await snapshot(dir);
    const holder = spawn(
      process.execPath,
      ['--import', 'tsx', '-e', `const { Study } = await import(${quotedSource('src/backend/store/study.ts')}); await Study.open(${JSON.stringify(dir)}, { actor: 'holder' }); console.log('open'); setInterval(() => {}, 1000);`],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(async () => {
      holder.kill('SIGKILL');
    });
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('open')) resolve();
      });
      holder.once('exit', (code) => reject(new Error(`holder exited early (${code})`)));
    });
    const error = await expectCode(Study.open(dir, { actor: 'test' }), 'STUDY_LOCKED');
    expect(error.message).toContain(`PID ${holder.pid}`);
    await expectCode(Study.open(dir, { actor: 'test', readOnly: true }), 'STUDY_LOCKED');
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    expect(await snapshot(dir)).toEqual(before);
  });

  it('refuses to open the same database twice in one process', async () => {
    const dir = await newStudyDir();
    const study = await Study.create(dir, { name: 'S', actor: 'test' });
    try {
      await expectCode(Database.open(join(dir, 'study.duckdb'), { readOnly: true }), 'STUDY_LOCKED');
    } finally {
      await study.close();
    }
  });
});

describe('the audit chain', () => {
  it('detects an edited, a deleted and a reordered entry, and says where', async () => {
    const dir = await newStudyDir();
    const study = await Study.create(dir, { name: 'S', actor: 'test' });
    try {
      const { appendAudit } = await import('../../../src/backend/store/audit.js');
      await study.db.write(async (c) => {
        for (let i = 0; i < 4; i += 1) await appendAudit(c, { actor: 'test', action: 'probe', target: `t${i}`, detail: { i, nested: { b: 2, a: 1 } } });
      });
      expect(await study.db.read(verifyAudit)).toEqual({ entries: 5, intact: true, breaks: [] });

      await study.db.write((c) => c.run(`UPDATE weft.audit_log SET detail = '{"i":99}' WHERE seq = 3`));
      const edited = await study.db.read(verifyAudit);
      expect(edited.intact).toBe(false);
      expect(edited.breaks).toEqual([{ seq: 3, problem: 'hash', message: 'entry 3 was altered after it was written' }]);

      await study.db.write((c) => c.run(`DELETE FROM weft.audit_log WHERE seq = 3`));
      const deleted = await study.db.read(verifyAudit);
      expect(deleted.breaks.map((b) => [b.seq, b.problem])).toEqual([
        [4, 'gap'],
        [4, 'prev_hash'],
      ]);
    } finally {
      await study.close();
    }
  });
});
