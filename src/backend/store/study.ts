import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { WeftError } from '../../core/errors.js';
import type { StudyInfo } from '../../core/api/schemas.js';
import { DATABASE_FILE, STUDY_FILE, STUDY_FORMAT, studyFileSchema, type DataBasis, type StudyFile } from '../../core/study/settings.js';
import { isKnownTimeZone } from '../../core/study/instants.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { syncFields } from '../privacy/fields.js';
import { newPseudonymKey } from '../privacy/pseudonym.js';
import { appendAudit } from './audit.js';
import { Database, type Connection } from './duck.js';
import { studyDatabaseKey } from './encryption.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrationChecksum } from './migrations.js';
import { viewStatements } from './views.js';

export interface OpenStudyOptions {
  readonly readOnly?: boolean;
  readonly actor: string;
  /** For an encrypted study: the passphrase its database key is derived from. */
  readonly passphrase?: string;
}

export interface CreateStudyOptions {
  readonly name: string;
  readonly actor: string;
  readonly description?: string;
  readonly dataBasis?: DataBasis;
  /** IANA zone of the lab's clocks; the machine's own zone by default. */
  readonly timeZone?: string;
}

const BOOTSTRAP = [
  `CREATE SCHEMA IF NOT EXISTS weft`,
  `CREATE TABLE IF NOT EXISTS weft.schema_migrations (
  version INTEGER PRIMARY KEY,
  name VARCHAR NOT NULL,
  checksum VARCHAR NOT NULL,
  applied_at_us BIGINT NOT NULL
)`,
];

const viewsChecksum = (): string => createHash('sha256').update(viewStatements().join(';\n')).digest('hex');

/**
 * A study: a folder holding weft-study.json (identity and settings) and study.duckdb (all
 * data). Opening one checks what it is, refuses what this Weft cannot read without touching
 * any file, and brings an older schema up to date.
 */
export class Study {
  private constructor(
    readonly dir: string,
    readonly file: StudyFile,
    readonly db: Database,
    readonly schemaVersion: number,
  ) {}

  get readOnly(): boolean {
    return this.db.readOnly;
  }

  info(): StudyInfo {
    return {
      study_id: this.file.study_id,
      name: this.file.name,
      path: this.dir,
      schema_version: this.schemaVersion,
      created_at: this.file.created_at,
      read_only: this.readOnly,
      encrypted: this.db.encrypted,
      data_basis: this.file.settings.data_basis,
    };
  }

  static async create(dirArg: string, options: CreateStudyOptions): Promise<Study> {
    const dir = resolve(dirArg);
    if (existsSync(join(dir, STUDY_FILE)) || existsSync(join(dir, DATABASE_FILE))) {
      throw new WeftError('STUDY_EXISTS', `${dir} already holds a Weft study (or part of one); open it instead of creating it again`);
    }
    const timeZone = options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!isKnownTimeZone(timeZone)) throw new WeftError('INVALID_INPUT', `"${timeZone}" is not a time zone name (use an IANA name such as Europe/Berlin or America/New_York)`);
    await mkdir(dir, { recursive: true });
    const file: StudyFile = {
      format: STUDY_FORMAT,
      format_version: 1,
      study_id: randomUUID(),
      name: options.name,
      created_at: new Date().toISOString(),
      settings: {
        description: options.description ?? '',
        time_zone: timeZone,
        data_basis: options.dataBasis ?? { kind: 'participant_consent' },
      },
    };
    // The database is built under a temporary name and renamed into place only when complete,
    // and the study file is written last: a crash midway leaves no half-made study behind.
    const tempDb = join(dir, `.${DATABASE_FILE}.creating-${process.pid}`);
    const db = await Database.open(tempDb, { readOnly: false });
    try {
      await migrate(db, options.actor, 0);
      await db.write(async (conn) => {
        await conn.run(`INSERT INTO weft.meta VALUES ('study_id', $id), ('pseudonym_key', $key)`, { id: file.study_id, key: newPseudonymKey() });
        await syncFields(conn, file.settings.data_basis);
        await appendAudit(conn, {
          actor: options.actor,
          action: 'study.create',
          target: file.study_id,
          detail: { name: file.name, schema_version: LATEST_SCHEMA_VERSION },
        });
      });
    } finally {
      await db.close();
    }
    try {
      await rename(tempDb, join(dir, DATABASE_FILE));
      await writeFileAtomic(join(dir, STUDY_FILE), `${JSON.stringify(file, null, 2)}\n`);
    } catch (error) {
      await rm(tempDb, { force: true });
      throw error;
    }
    return Study.open(dir, { actor: options.actor });
  }

  static async open(dirArg: string, options: OpenStudyOptions): Promise<Study> {
    const dir = resolve(dirArg);
    const file = await readStudyFile(dir);
    const dbPath = join(dir, DATABASE_FILE);
    if (!existsSync(dbPath)) {
      throw new WeftError('NOT_A_STUDY', `${dir} has ${STUDY_FILE} but its database ${DATABASE_FILE} is missing`);
    }
    const readOnly = options.readOnly ?? false;
    const dbOptions = { readOnly, ...(options.passphrase === undefined ? {} : { encryptionKey: studyDatabaseKey(options.passphrase, file.study_id) }) };
    let db = await Database.open(dbPath, dbOptions);
    try {
      const state = await inspect(db, dir);
      if (state.version < LATEST_SCHEMA_VERSION || state.viewsChecksum !== viewsChecksum()) {
        if (readOnly) {
          // Bring the schema up to date once with a writer, then reopen read-only.
          await db.close();
          db = await Database.open(dbPath, { ...dbOptions, readOnly: false });
          await migrate(db, options.actor, state.version);
          await db.close();
          db = await Database.open(dbPath, dbOptions);
        } else {
          await migrate(db, options.actor, state.version);
        }
      }
      const studyId = await db.read((conn) => conn.scalar(`SELECT value FROM weft.meta WHERE key = 'study_id'`));
      if (studyId !== file.study_id) {
        throw new WeftError('NOT_A_STUDY', `${DATABASE_FILE} in ${dir} belongs to a different study (${String(studyId)}) than ${STUDY_FILE} (${file.study_id})`);
      }
      return new Study(dir, file, db, LATEST_SCHEMA_VERSION);
    } catch (error) {
      await db.close();
      throw error;
    }
  }

  /**
   * Encrypts the database under a passphrase, changes its passphrase, or (undefined) decrypts it,
   * by rewriting it into a fresh file; audited. After encrypting, the file is checked for a
   * value every study holds in clear text otherwise (its id), so a silent failure cannot pass.
   */
  async setPassphrase(passphrase: string | undefined, actor: string): Promise<{ encrypted: boolean; bytes_before: number; bytes_after: number }> {
    const wasEncrypted = this.db.encrypted;
    if (passphrase === undefined && !wasEncrypted) {
      throw new WeftError('INVALID_INPUT', `The study ${this.dir} is not encrypted`, { details: { reason: 'not_encrypted' } });
    }
    const key = passphrase === undefined ? undefined : studyDatabaseKey(passphrase, this.file.study_id);
    const bytes = await this.db.rekey(key);
    if (key !== undefined && (await readFile(this.db.path)).includes(this.file.study_id)) {
      throw new WeftError('INTERNAL', `The study database ${this.db.path} still holds clear text after encrypting it`);
    }
    const action = passphrase === undefined ? 'study.decrypt' : wasEncrypted ? 'study.passphrase_change' : 'study.encrypt';
    await this.db.write((conn) => appendAudit(conn, { actor, action, target: this.file.study_id, detail: { cipher: key === undefined ? null : 'AES-GCM (DuckDB)', kdf: key === undefined ? null : 'scrypt' } }));
    return { encrypted: key !== undefined, bytes_before: bytes.bytesBefore, bytes_after: bytes.bytesAfter };
  }

  /** The secret behind participant pseudonyms; it never leaves the database. */
  async pseudonymKey(): Promise<string> {
    this.cachedKey ??= String(await this.db.read((conn) => conn.scalar(`SELECT value FROM weft.meta WHERE key = 'pseudonym_key'`)));
    return this.cachedKey;
  }

  private cachedKey: string | undefined;

  async close(): Promise<void> {
    await this.db.close();
  }
}

export async function readStudyFile(dir: string): Promise<StudyFile> {
  const path = join(dir, STUDY_FILE);
  let text: string;
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) throw new WeftError('NOT_A_STUDY', `${dir} is a file, not a study folder`);
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof WeftError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new WeftError(
        'NOT_A_STUDY',
        existsSync(dir)
          ? `${dir} is not a Weft study (no ${STUDY_FILE}); create one with "weft init" or pass --study`
          : `${dir} does not exist`,
      );
    }
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new WeftError('NOT_A_STUDY', `${path} is not valid JSON: ${(error as Error).message}`, { location: { file: path } });
  }
  if (typeof json === 'object' && json !== null && (json as { format_version?: unknown }).format_version !== 1 && (json as { format?: unknown }).format === STUDY_FORMAT) {
    throw new WeftError('SCHEMA_TOO_NEW', `${path} has format version ${String((json as { format_version?: unknown }).format_version)}, which this Weft cannot read; upgrade Weft`);
  }
  const parsed = studyFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WeftError('NOT_A_STUDY', `${path} is not a Weft study file: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(), {
      location: { file: path },
    });
  }
  return parsed.data;
}

interface SchemaState {
  readonly version: number;
  readonly viewsChecksum: string | null;
}

async function inspect(db: Database, dir: string): Promise<SchemaState> {
  return db.read(async (conn) => {
    const hasMigrations = await conn.scalar(
      `SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'weft' AND table_name = 'schema_migrations'`,
    );
    if (hasMigrations !== 1) {
      throw new WeftError('NOT_A_STUDY', `${join(dir, DATABASE_FILE)} is a DuckDB database but not a Weft study database`);
    }
    const applied = await conn.all(`SELECT version, name, checksum FROM weft.schema_migrations ORDER BY version`);
    const version = applied.length === 0 ? 0 : Number(applied[applied.length - 1]?.['version']);
    if (version > LATEST_SCHEMA_VERSION) {
      throw new WeftError(
        'SCHEMA_TOO_NEW',
        `The study in ${dir} was written by a newer Weft (schema version ${version}; this Weft knows up to ${LATEST_SCHEMA_VERSION}). Upgrade Weft to open it; nothing was changed.`,
        { details: { study_schema: version, supported_schema: LATEST_SCHEMA_VERSION } },
      );
    }
    for (const row of applied) {
      const migration = MIGRATIONS[Number(row['version']) - 1];
      if (migration === undefined || migrationChecksum(migration) !== row['checksum']) {
        throw new WeftError('INTERNAL', `Migration ${String(row['version'])} (${String(row['name'])}) applied to this study differs from this Weft's; refusing to open`);
      }
    }
    const views = version === 0 ? null : await conn.scalar(`SELECT value FROM weft.meta WHERE key = 'views_checksum'`);
    return { version, viewsChecksum: typeof views === 'string' ? views : null };
  });
}

async function migrate(db: Database, actor: string, fromVersion: number): Promise<void> {
  if (fromVersion === 0) {
    await db.write(async (conn) => {
      for (const sql of BOOTSTRAP) await conn.run(sql);
    });
  }
  for (const migration of MIGRATIONS.slice(fromVersion)) {
    await db.write(async (conn) => {
      for (const sql of migration.statements) await conn.run(sql);
      await conn.run(`INSERT INTO weft.schema_migrations VALUES ($version, $name, $checksum, $at)`, {
        version: migration.version,
        name: migration.name,
        checksum: migrationChecksum(migration),
        at: BigInt(Date.now() * 1000),
      });
      if (fromVersion > 0) {
        await appendAudit(conn, { actor, action: 'study.migrate', target: null, detail: { to_version: migration.version, name: migration.name } });
      }
    });
  }
  await db.write(async (conn) => {
    await recreateViews(conn);
  });
}

async function recreateViews(conn: Connection): Promise<void> {
  for (const sql of viewStatements()) await conn.run(sql);
  await conn.run(`INSERT OR REPLACE INTO weft.meta VALUES ('views_checksum', $checksum)`, { checksum: viewsChecksum() });
}
